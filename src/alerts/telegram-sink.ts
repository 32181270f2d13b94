// Alerts to a Telegram chat through the Bot API's sendMessage, as plain text (no parse_mode).
import type { Alert, AlertSink } from '../domain/ports/alert-sink.ts';
import { alertText, truncate } from './alert-text.ts';
import { isRecord, postJson, retryAfterHeaderMs, secondsToMs } from './http-post.ts';

/** sendMessage refuses longer texts ("message is too long"). */
export const TELEGRAM_MAX_TEXT = 4096;

export interface TelegramSinkOptions {
  name?: string;
  /** The bot token, from the environment only; it is part of the URL, so it is kept out of every error. */
  token: string;
  chatId: string;
  /** Default https://api.telegram.org; tests point it at a fake server. */
  baseUrl?: string;
  timeoutMs?: number;
}

export class TelegramSink implements AlertSink {
  readonly name: string;
  private readonly url: string;

  constructor(private readonly options: TelegramSinkOptions) {
    this.name = options.name ?? 'telegram';
    const base = (options.baseUrl ?? 'https://api.telegram.org').replace(/\/+$/, '');
    this.url = `${base}/bot${options.token}/sendMessage`;
  }

  async send(alert: Alert): Promise<void> {
    await postJson({
      sink: this.name,
      url: this.url,
      body: { chat_id: this.options.chatId, text: truncate(alertText(alert), TELEGRAM_MAX_TEXT) },
      timeoutMs: this.options.timeoutMs ?? 10_000,
      secrets: [this.url, this.options.token],
      // Telegram says how long to wait in the body: {ok:false, error_code:429, parameters:{retry_after: s}}.
      retryAfterMs: (body, headers) => {
        const parameters = isRecord(body) ? body.parameters : undefined;
        return (
          secondsToMs(isRecord(parameters) ? parameters.retry_after : undefined) ??
          retryAfterHeaderMs(headers)
        );
      },
    });
  }
}
