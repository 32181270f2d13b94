// Secrets out of any text bound for a log line, an error message, an answer or a stored decision: the one
// redaction the logger, the CLI's and the configuration's errors, the analysts, the alert sinks, the
// brokers and the store share. Patterns catch what has a recognisable shape (a password in a URL, a
// Telegram bot token, an `sk-…` key, a secret query parameter, an authentication header); a key or a
// password with no shape of its own only the code holding it knows, so it names it to `redactor` — and
// `redactSecrets` adds what the environment holds (secret-variables.ts).
import { describeError } from '../domain/errors.ts';
import { environmentSecrets } from './secret-variables.ts';

export { environmentSecrets, rememberSecretVariables } from './secret-variables.ts';

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
 * may carry its scheme (`Authorization: Bearer …`), which goes with it. Not after a `.`: that is a key
 * path (`alerts.sinks.0.token: a secret never goes…`), whose message is no secret.
 */
const AUTH_HEADER =
  /(?<![\w.-])(["']?)((?:x-[a-z0-9-]*|[a-z0-9-]*(?:api-?key|sign|secret|passphrase|token|authorization)[a-z0-9-]*))\1(\s*[:=]\s*)(["']?)(?:(?:Bearer|Basic|Bot)\s+)?[^\s"',&}]+\4/gi;
/** A bearer token quoted without its header name. */
const BEARER = /\bBearer\s+[A-Za-z0-9._~+/=-]{16,}/g;
/** The password of `scheme://user:password@host` (a PostgreSQL URL, a proxy); `/` may be in it, unencoded. */
const URL_PASSWORD = /(\/\/[^\s:/@]+):[^\s@]*@/g;
/** A Telegram bot token, `123456789:AA…`, alone or in a `https://api.telegram.org/bot<token>/…` URL. */
const BOT_TOKEN = /(?<!\d)\d{6,12}:[A-Za-z0-9_-]{30,}/g;
/** A token as the lone user of a URL, `https://<token>@host`: a short name there is a user, a long one a key. */
const URL_TOKEN_USER = /(\/\/)[^\s:/@]{20,}@/g;
/** Query parameters that carry a credential by their name: `key`, `api_key`, `access_token`, `password`, `sig`… */
const SECRET_PARAM_NAME =
  '(?:[\\w.-]*[_.-])?(?:access_?token|token|api_?key|apikey|key|password|passwd|pwd|secret|signature|sig|auth|credentials?)';
const SECRET_PARAM = new RegExp(`([?&;]${SECRET_PARAM_NAME}=)[^&#\\s"'<>]+`, 'gi');
const IS_SECRET_PARAM = new RegExp(`^${SECRET_PARAM_NAME}$`, 'i');
/** An API key with its vendor's prefix: OpenAI's and Anthropic's `sk-…`, Slack's `xox…-`, GitHub's, Google's. */
const PREFIXED_KEY =
  /\b(?:sk-[A-Za-z0-9_-]{16,}|xox[abposr]-[A-Za-z0-9-]{10,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{20,}|AIza[\w-]{30,})/g;

/** `postgres://user:pass@host/db` → `postgres://user:***@host/db`, for every URL in the text. */
export function redactUrl(text: string): string {
  return text.replace(URL_PASSWORD, '$1:***@');
}

/** Redaction of the given secrets (an exchange's apiKey, secret, password…) and of every secret shape above. */
export function redactor(secrets: readonly (string | undefined)[]): Redactor {
  // Shorter "secrets" would blank common words out of every message.
  const words = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4))];
  // As written, URL-encoded, and JSON-escaped — with `/` as `\/` too, as PHP and others send it back;
  // longest first, so a secret containing another is replaced whole.
  const forms = [
    ...new Set(
      words.flatMap((s) => {
        const json = JSON.stringify(s).slice(1, -1);
        return [s, encodeURIComponent(s), json, json.replaceAll('/', '\\/')];
      }),
    ),
  ].sort((a, b) => b.length - a.length);
  const text = (raw: string): string => {
    // The known secrets first: a pattern below could rewrite part of one and leave the rest unmatched.
    let out = raw;
    for (const form of forms) out = out.split(form).join('[redacted]');
    return redactUrl(out)
      .replace(URL_TOKEN_USER, '$1***@')
      .replace(SIGNED_QUERY, '?[signed query removed]')
      .replace(SIGNATURE, 'signature=[removed]')
      .replace(SECRET_PARAM, '$1[removed]')
      .replace(AUTH_HEADER, '$1$2$1$3[removed]')
      .replace(BEARER, 'Bearer [removed]')
      .replace(PREFIXED_KEY, '[redacted]')
      .replace(BOT_TOKEN, '[redacted]');
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

/**
 * The one redaction of text bound for a person or a record — an error message, a log line, an answer, a
 * decision record: every secret shape above, the values of the environment's secret variables (by
 * name, or named by the configuration's `*_env` keys) and the `known` secrets of the caller.
 */
export function redactSecrets(
  text: string,
  known: readonly (string | undefined)[] = [],
  env: NodeJS.ProcessEnv = process.env,
): string {
  return secretRedactor(known, env).text(text);
}

/** The same redaction, made once for many texts (every string of a decision record). */
export function secretRedactor(
  known: readonly (string | undefined)[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Redactor {
  return redactor([...environmentSecrets(env), ...known]);
}

/** What makes a URL carry a credential — a user or password, a secret-named query parameter — or null. */
export function credentialsIn(url: string): string | null {
  if (!URL.canParse(url)) return null;
  const parsed = new URL(url);
  if (parsed.username !== '' || parsed.password !== '') return 'a user or password (user:password@)';
  const param = [...parsed.searchParams.keys()].find((name) => IS_SECRET_PARAM.test(name));
  return param === undefined ? null : `a credential in its query (${param}=…)`;
}

/**
 * A URL fit to be recorded (an analyst's endpoint in a decision record): without its user, password and
 * secret-named query parameters, and the very same string when it had none.
 */
export function withoutCredentials(url: string): string {
  if (!URL.canParse(url)) return redactor([]).text(url);
  if (credentialsIn(url) === null) return url;
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  for (const name of [...parsed.searchParams.keys()]) {
    if (IS_SECRET_PARAM.test(name)) parsed.searchParams.delete(name);
  }
  return parsed.toString();
}
