// Secrets out of any text bound for a log line, an error message or an answer: the one redaction the
// brokers, the store and the logger share. Patterns catch what has a recognisable shape (a password in a
// URL, a Telegram bot token, a signed query string, an authentication header); a key or a password with
// no shape of its own only the code holding it knows, so it names it to `redactor`.
import { describeError } from '../domain/errors.ts';

export interface Redactor {
  /** The text with credentials, signed query strings and header values removed. */
  text(text: string): string;
  /** An error's message, redacted. */
  message(error: unknown): string;
  /** Cleans an error's message and stack in place (it becomes a `cause`, which loggers print) and returns it. */
  error(error: unknown): unknown;
}

/** A signed request's query string (binance: `?timestamp=…&signature=…`), or a signature anywhere else. */
const SIGNED_QUERY = /\?[^\s"'<>]*signature=[^\s"'<>]*/gi;
const SIGNATURE = /signature=[^\s&"'<>]*/gi;
/**
 * `Header: value` / `"header":"value"` for the headers exchanges and APIs authenticate with; the value
 * may carry its scheme (`Authorization: Bearer …`), which goes with it.
 */
const AUTH_HEADER =
  /(["']?)((?:x-[a-z0-9-]*|[a-z0-9-]*(?:api-?key|sign|secret|passphrase|token|authorization)[a-z0-9-]*))\1(\s*[:=]\s*)(["']?)(?:(?:Bearer|Basic|Bot)\s+)?[^\s"',&}]+\4/gi;
/** A bearer token quoted without its header name. */
const BEARER = /\bBearer\s+[A-Za-z0-9._~+/=-]{16,}/g;
/** The password of `scheme://user:password@host` (a PostgreSQL URL, a proxy); `/` may be in it, unencoded. */
const URL_PASSWORD = /(\/\/[^\s:/@]+):[^\s@]*@/g;
/** A Telegram bot token, `123456789:AA…`, alone or in a `https://api.telegram.org/bot<token>/…` URL. */
const BOT_TOKEN = /(?<!\d)\d{6,12}:[A-Za-z0-9_-]{30,}/g;

/** `postgres://user:pass@host/db` → `postgres://user:***@host/db`, for every URL in the text. */
export function redactUrl(text: string): string {
  return text.replace(URL_PASSWORD, '$1:***@');
}

/** Redaction of the given secrets (an exchange's apiKey, secret, password…) and of every secret shape above. */
export function redactor(secrets: readonly (string | undefined)[]): Redactor {
  // Shorter "secrets" would blank common words out of every message.
  const words = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4))];
  // Longest first, so a secret containing another is replaced whole.
  const forms = words
    .flatMap((s) => [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)])
    .sort((a, b) => b.length - a.length);
  const text = (raw: string): string => {
    let out = redactUrl(raw)
      .replace(SIGNED_QUERY, '?[signed query removed]')
      .replace(SIGNATURE, 'signature=[removed]')
      .replace(AUTH_HEADER, '$1$2$1$3[removed]')
      .replace(BEARER, 'Bearer [removed]')
      .replace(BOT_TOKEN, '[redacted]');
    for (const form of forms) out = out.split(form).join('[redacted]');
    return out;
  };
  return {
    text,
    message: (error) => text(describeError(error)),
    error: (error) => {
      if (error instanceof Error) {
        error.message = text(error.message);
        if (error.stack !== undefined) error.stack = text(error.stack);
      }
      return error;
    },
  };
}

/** Names of environment variables that hold a secret by convention: OPENAI_API_KEY, PGPASSWORD, …_TOKEN. */
const SECRET_VARIABLE =
  /(^|_)(API_?KEY|KEY|SECRET|TOKEN|PASSWORD|PASSWD|PASS|PASSPHRASE|PRIVATE_?KEY)$|PASSWORD/i;

/**
 * The values of the environment's secret-named variables: what a process could leak without ever having
 * been told it is secret (a key quoted back in an error, a token in a URL).
 */
export function environmentSecrets(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => value !== undefined && SECRET_VARIABLE.test(name))
    .map(([, value]) => value as string);
}
