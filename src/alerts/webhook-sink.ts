// Alerts to any HTTP endpoint as the alert's JSON, for operators who route alerts themselves.
import type { Alert, AlertSink } from '../domain/ports/alert-sink.ts';
import { postJson, retryAfterHeaderMs, urlSecrets } from './http-post.ts';

export interface WebhookSinkOptions {
  name?: string;
  /** May carry a secret in its path or query, so it never appears in errors. */
  url: string;
  /** Extra headers, e.g. an Authorization bearer token; their values are secrets too. */
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export class WebhookSink implements AlertSink {
  readonly name: string;

  constructor(private readonly options: WebhookSinkOptions) {
    this.name = options.name ?? 'webhook';
  }

  async send(alert: Alert): Promise<void> {
    const headers = this.options.headers ?? {};
    await postJson({
      sink: this.name,
      url: this.options.url,
      body: alert,
      headers,
      timeoutMs: this.options.timeoutMs ?? 10_000,
      secrets: [...urlSecrets(this.options.url), ...Object.values(headers)],
      retryAfterMs: (_body, responseHeaders) => retryAfterHeaderMs(responseHeaders),
    });
  }
}
