// Alerts to a Discord channel through an incoming webhook: `{content}` of at most 2000 characters.
import type { Alert, AlertSink } from '../domain/ports/alert-sink.ts';
import { alertText, truncate } from './alert-text.ts';
import { isRecord, postJson, retryAfterHeaderMs, secondsToMs, urlSecrets } from './http-post.ts';

/** Discord refuses longer content (50035 Invalid Form Body). */
export const DISCORD_MAX_CONTENT = 2000;

export interface DiscordSinkOptions {
  name?: string;
  /** https://discord.com/api/webhooks/{id}/{token}: the URL is the secret, so it never appears in errors. */
  webhookUrl: string;
  timeoutMs?: number;
}

export class DiscordSink implements AlertSink {
  readonly name: string;

  constructor(private readonly options: DiscordSinkOptions) {
    this.name = options.name ?? 'discord';
  }

  async send(alert: Alert): Promise<void> {
    const url = this.options.webhookUrl;
    await postJson({
      sink: this.name,
      url,
      body: {
        content: truncate(alertText(alert), DISCORD_MAX_CONTENT),
        // An alert quoting "@everyone" from some text must not ping the whole server.
        allowed_mentions: { parse: [] },
      },
      timeoutMs: this.options.timeoutMs ?? 10_000,
      secrets: urlSecrets(url),
      // Discord's 429 body has retry_after in seconds (a float); the Retry-After header rounds it up.
      retryAfterMs: (body, headers) =>
        secondsToMs(isRecord(body) ? body.retry_after : undefined) ?? retryAfterHeaderMs(headers),
    });
  }
}
