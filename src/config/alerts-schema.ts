// The alerts section, shared by every variant of a process: where alerts go (Telegram, Discord, any
// webhook), which of them each sink takes, and the delivery policy. Secrets are never values here: a sink
// names the environment variables holding its bot token or webhook URL, and a literal one is refused.
import { z } from 'zod';
import { ALERT_KINDS, ALERT_SEVERITIES } from '../domain/ports/alert-sink.ts';
import { credentialFreeUrl, envName } from './secret-keys.ts';

/**
 * A key someone would naturally write the secret under. It is refused, naming the key to use instead,
 * and without quoting the value: configuration errors are printed, and the value is a secret.
 */
function refusedSecret(envKey: string) {
  const message = `a secret never goes in the config file: put it in an environment variable and give its name in ${envKey}`;
  return z
    .unknown()
    .superRefine((value, context) => {
      if (value !== undefined) context.addIssue({ code: 'custom', message, input: undefined });
    })
    .optional()
    .describe(`Refused: ${message}.`);
}

const common = {
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'expected 1-32 lower-case letters, digits, _ or -')
    .optional()
    .describe('Names the sink in logs and stats; default its type. Two sinks need two names.'),
  min_severity: z
    .enum(ALERT_SEVERITIES)
    .default('warning')
    .describe('Alerts below this severity (info < warning < critical) skip this sink.'),
  kinds: z
    .array(z.enum(ALERT_KINDS))
    .optional()
    .describe('Only these kinds of alert go to this sink; default all.'),
  api_url: credentialFreeUrl(
    'the bot token or webhook URL goes in the environment variable token_env, webhook_url_env or url_env names',
  )
    .optional()
    .describe(
      "Replaces the service's origin: Telegram's API base (default https://api.telegram.org), or the scheme, host and port of the webhook URL (a proxy, a test server).",
    ),
};

const TelegramSinkSchema = z.strictObject({
  type: z.literal('telegram'),
  ...common,
  token_env: envName('SIGIL_TELEGRAM_TOKEN').describe(
    'Environment variable holding the bot token (from @BotFather).',
  ),
  chat_id: z
    .union([z.string().min(1), z.int()])
    .transform(String)
    .describe('The chat, group or channel id (e.g. -1001234567890) or @channelname.'),
  token: refusedSecret('token_env'),
  bot_token: refusedSecret('token_env'),
});

const DiscordSinkSchema = z.strictObject({
  type: z.literal('discord'),
  ...common,
  webhook_url_env: envName('SIGIL_DISCORD_WEBHOOK').describe(
    "Environment variable holding the channel's webhook URL (its token is part of it).",
  ),
  webhook_url: refusedSecret('webhook_url_env'),
  url: refusedSecret('webhook_url_env'),
});

const WebhookSinkSchema = z.strictObject({
  type: z.literal('webhook'),
  ...common,
  url_env: envName('SIGIL_ALERT_URL').describe(
    'Environment variable holding the URL the alert JSON is POSTed to.',
  ),
  url: refusedSecret('url_env'),
});

export const AlertSinkSchema = z.discriminatedUnion('type', [
  TelegramSinkSchema,
  DiscordSinkSchema,
  WebhookSinkSchema,
]);
export type AlertSinkSettings = z.infer<typeof AlertSinkSchema>;

export const AlertsSchema = z.strictObject({
  dedup_minutes: z
    .number()
    .min(0)
    .default(10)
    .describe('The same alert (same event) within this many minutes is sent once; 0 = off.'),
  rate_limit_per_minute: z
    .int()
    .min(1)
    .default(20)
    .describe('At most this many alerts per sink per minute; the rest are summed up in one alert.'),
  max_retries: z
    .int()
    .min(0)
    .max(20)
    .default(5)
    .describe('Retries of an alert the service refused for now (429, 5xx, network), with backoff.'),
  sinks: z
    .array(AlertSinkSchema)
    .default([])
    .superRefine((sinks, context) => {
      const seen = new Set<string>();
      sinks.forEach((sink, i) => {
        const name = sink.name ?? sink.type;
        if (seen.has(name)) {
          context.addIssue({
            code: 'custom',
            path: [i, 'name'],
            message: `two sinks are named "${name}": give each its own name`,
            input: undefined,
          });
        }
        seen.add(name);
      });
    })
    .describe('Where alerts go; none = no alerts.'),
});
export type AlertsSettings = z.infer<typeof AlertsSchema>;
