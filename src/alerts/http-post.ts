// One JSON POST for an alert sink, under a timeout, with the answer classified into domain error kinds:
// 429, 5xx, network errors and timeouts are retryable, any other non-2xx is rejected. Every message is
// scrubbed of the sink's secrets (bot token, webhook URL), because errors end up in logs and the API.
import { RejectedError } from '../domain/errors.ts';
import { secretRedactor } from '../logging/redaction.ts';
import { AlertRetryableError } from './delivery-error.ts';

export interface PostJsonRequest {
  /** The sink's name, which prefixes every error message. */
  sink: string;
  url: string;
  body: unknown;
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Strings that must never appear in an error message (tokens, the URL, its path). */
  secrets: readonly string[];
  /** The wait the service asked for on a retryable answer, from its body or headers, in ms. */
  retryAfterMs?: (body: unknown, headers: Headers) => number | undefined;
}

/** Longest part of an error body quoted in a message: enough for the service's reason, not a whole page. */
const BODY_QUOTE = 200;

export async function postJson(request: PostJsonRequest): Promise<void> {
  const scrub = secretRedactor(request.secrets).text;
  // A malformed URL will never work: refuse it rather than retry it, and without quoting it.
  if (!URL.canParse(request.url))
    throw new RejectedError('alert_bad_url', `${request.sink}: the URL is not valid`);
  const controller = new AbortController();
  // A timer we hold and clear, not AbortSignal.timeout(): that signal can be garbage-collected while the
  // fetch is pending, and the timeout is lost with it (nodejs/node#57736).
  const timer = setTimeout(() => controller.abort(), Math.max(1, request.timeoutMs));
  try {
    let response: Response;
    let text: string;
    try {
      response = await fetch(request.url, {
        method: 'POST',
        headers: { ...request.headers, 'content-type': 'application/json' },
        body: JSON.stringify(request.body),
        signal: controller.signal,
      });
      text = await response.text();
    } catch (error) {
      if (controller.signal.aborted) {
        // The alert may have been delivered; sending it twice is better than losing it, so retry.
        throw new AlertRetryableError(
          'alert_timeout',
          `${request.sink}: no answer within ${request.timeoutMs} ms`,
          undefined,
        );
      }
      // No `cause`: undici's errors can carry the URL, and with it the token, into a logged stack.
      throw new AlertRetryableError(
        'alert_network',
        `${request.sink}: network error: ${scrub(networkReason(error))}`,
        undefined,
      );
    }
    if (response.ok) return;
    const body = parseJson(text);
    // Scrubbed whole, then cut: a cut first would leave the head of a URL or token no secret matches.
    const quoted = scrub(text).replace(/\s+/g, ' ').trim().slice(0, BODY_QUOTE);
    const message = `${request.sink}: HTTP ${response.status}${quoted === '' ? '' : `: ${quoted}`}`;
    if (response.status === 429 || response.status >= 500) {
      const code = response.status === 429 ? 'alert_rate_limited' : 'alert_server_error';
      throw new AlertRetryableError(code, message, request.retryAfterMs?.(body, response.headers));
    }
    throw new RejectedError(`alert_http_${response.status}`, message);
  } finally {
    clearTimeout(timer);
  }
}

/** A Retry-After header in seconds, as ms (the HTTP-date form is ignored: it would need the wall clock). */
export function retryAfterHeaderMs(headers: Headers): number | undefined {
  return secondsToMs(Number(headers.get('retry-after') ?? Number.NaN));
}

export function secondsToMs(seconds: unknown): number | undefined {
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0
    ? Math.ceil(seconds * 1000)
    : undefined;
}

/** The URL, its path, its query and each query value: a message quoting any of them would leak the token. */
export function urlSecrets(url: string): string[] {
  const secrets = [url];
  try {
    const parsed = new URL(url);
    secrets.push(
      `${parsed.pathname}${parsed.search}`,
      ...parsed.pathname.split('/').filter((p) => p.length >= 16),
      // Each value of the query alone too: a receiver may quote back the one it did not like.
      ...[...parsed.searchParams.values()],
    );
    if (parsed.search.length > 1) secrets.push(parsed.search.slice(1));
  } catch {
    // An unparsable URL fails in fetch with the URL in its message; the whole-URL secret covers that.
  }
  return secrets;
}

/** "fetch failed" says nothing; the cause (ECONNREFUSED, a DNS failure) is what the operator needs. */
export function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause === undefined ? error.message : `${error.message} (${cause})`;
}

/** The body as JSON, or undefined when it is none (an HTML error page, an empty answer). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
