// The alert dispatcher of a process, built from the `alerts` section: one sink per entry, its bot token or
// webhook URL read from the environment variable the entry names. A variable that is unset (or holds no
// URL) stops the start with the variable's name, never a value.
import { AlertDispatcher } from '../alerts/alert-dispatcher.ts';
import { alertForEvent } from '../alerts/alert-for-event.ts';
import { DiscordSink } from '../alerts/discord-sink.ts';
import { TelegramSink } from '../alerts/telegram-sink.ts';
import { WebhookSink } from '../alerts/webhook-sink.ts';
import type { AlertSinkSettings } from '../config/alerts-schema.ts';
import { ConfigError } from '../config/config-error.ts';
import type { SigilConfig } from '../config/load-config.ts';
import type { Alert, AlertSink } from '../domain/ports/alert-sink.ts';
import type { Clock } from '../domain/ports/clock.ts';
import { describeError } from '../domain/errors.ts';
import type { TradingEvent, WorkerCrashed } from '../domain/trading-event.ts';
import type { SchedulerEvent } from '../engine/scheduler.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface AlertWiring {
  /**
   * Paces retries, rate windows and dedup: the system clock, also in replays — chat services count
   * requests in wall time, and a simulated clock would never end a backoff.
   */
  clock: Clock;
  /** Where the secrets are read from; default process.env. */
  env?: Env;
  /** An alert given up on; the error names the sink, never its secret. */
  onDropped?: (sink: string, alert: Alert, error: unknown) => void;
}

/** The configured sinks behind one dispatcher, or null when there are none. */
export function alertsFor(
  config: Pick<SigilConfig, 'file' | 'alerts'>,
  wiring: AlertWiring,
): AlertDispatcher | null {
  const { alerts } = config;
  if (alerts.sinks.length === 0) return null;
  const env = wiring.env ?? process.env;
  const file = config.file ?? 'built-in defaults';
  const routes = alerts.sinks.map((settings, i) => {
    const secret: Secret = (key, name, kind) => {
      const refuse = (problem: string) =>
        new ConfigError(file, [
          `alerts.sinks.${i}.${key}: the environment variable ${name} ${problem} (secrets never go in the config file)`,
        ]);
      const value = env[name];
      if (!value) throw refuse('is not set');
      if (kind === 'url' && !URL.canParse(value)) throw refuse('does not hold a URL');
      return value;
    };
    return {
      sink: sinkFor(settings, secret),
      minSeverity: settings.min_severity,
      ...(settings.kinds ? { kinds: settings.kinds } : {}),
    };
  });
  return new AlertDispatcher(
    {
      sinks: routes,
      dedupWindowMs: alerts.dedup_minutes * 60_000,
      rateLimit: { max: alerts.rate_limit_per_minute, windowMs: 60_000 },
      maxRetries: alerts.max_retries,
    },
    { clock: wiring.clock, ...(wiring.onDropped ? { onDropped: wiring.onDropped } : {}) },
  );
}

/** Queues the alert of each event; returns at once, whatever the sinks do. */
export function alertEvents(alerts: AlertDispatcher | null, events: readonly TradingEvent[]): void {
  if (alerts === null) return;
  for (const event of events) alerts.notify(alertForEvent(event));
}

/** The value of the environment variable `name` that the sink's `key` names; a URL must parse. */
type Secret = (key: string, name: string, kind?: 'url') => string;

function sinkFor(settings: AlertSinkSettings, secret: Secret): AlertSink {
  const name = settings.name ?? settings.type;
  switch (settings.type) {
    case 'telegram':
      return new TelegramSink({
        name,
        token: secret('token_env', settings.token_env),
        chatId: settings.chat_id,
        ...(settings.api_url ? { baseUrl: settings.api_url } : {}),
      });
    case 'discord':
      return new DiscordSink({
        name,
        webhookUrl: withOrigin(secret('webhook_url_env', settings.webhook_url_env, 'url'), settings.api_url),
      });
    case 'webhook':
      return new WebhookSink({
        name,
        url: withOrigin(secret('url_env', settings.url_env, 'url'), settings.api_url),
      });
  }
}

/** The secret URL's path and query (its token) at another origin: a proxy, or a test server. */
function withOrigin(url: string, origin: string | undefined): string {
  if (origin === undefined) return url;
  const parsed = new URL(url);
  return `${origin.replace(/\/+$/, '')}${parsed.pathname}${parsed.search}`;
}

/** A scheduled job that threw is a worker crash. */
export function crashEvents(event: SchedulerEvent): WorkerCrashed[] {
  if (event.type !== 'job_failed') return [];
  return [
    {
      type: 'worker_crashed',
      at: event.at,
      variantId: null,
      worker: event.job,
      error: describeError(event.error),
    },
  ];
}
