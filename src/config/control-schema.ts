// The control section: ways to steer a running bot from outside. Telegram is the one so far — a bot
// that long-polls the Bot API (no inbound port) and answers the chats on its allow-list. Off by default;
// its token comes from the environment only, like the alert sinks'.
import { z } from 'zod';
import { credentialFreeUrl, envName } from './secret-keys.ts';

/** Telegram's long poll may last up to 50 s; longer is refused by the API. */
export const MAX_POLL_TIMEOUT_S = 50;

export const TelegramControlSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe('Run the Telegram bot in `sigil run --live` and `--monitor-only` (the execution owner).'),
    token_env: envName('SIGIL_TELEGRAM_TOKEN')
      .default('SIGIL_TELEGRAM_TOKEN')
      .describe('Environment variable holding the bot token (from @BotFather).'),
    allowed_chat_ids: z
      .array(z.union([z.int(), z.string().regex(/^-?\d+$/, 'expected a numeric chat id')]).transform(String))
      .default([])
      .describe(
        'The chats (user, group) whose commands are answered; every other chat is ignored and logged.',
      ),
    api_url: credentialFreeUrl('the bot token goes in the environment variable token_env names')
      .optional()
      .describe("Replaces Telegram's API base (default https://api.telegram.org): a proxy, a test server."),
    poll_timeout_s: z
      .int()
      .min(0)
      .max(MAX_POLL_TIMEOUT_S)
      .default(30)
      .describe('How long one getUpdates call waits for a command (long polling); 0 = short polling.'),
  })
  .superRefine((telegram, context) => {
    if (telegram.enabled && telegram.allowed_chat_ids.length === 0) {
      context.addIssue({
        code: 'custom',
        path: ['allowed_chat_ids'],
        message: 'the bot is enabled but answers no chat: list the chat ids allowed to command it',
        input: undefined,
      });
    }
  });
export type TelegramControlSettings = z.infer<typeof TelegramControlSchema>;

export const ControlSchema = z.strictObject({
  telegram: TelegramControlSchema.prefault({}),
});
export type ControlSettings = z.infer<typeof ControlSchema>;
