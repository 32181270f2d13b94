// What a log record must not carry, in two nets. By key: a field named like a secret (`apiKey`,
// `headers.authorization`) is censored whole, whatever its value looks like. By value: every string of
// the record — the message, an error's message and stack, nested fields — goes through the shared
// redaction, because a secret also hides in text (a bot token in a failed URL, a password in a DSN).
import pino from 'pino';

/** Keys censored at the top of a record and up to three levels down (`err.config.headers.authorization`). */
const SECRET_KEYS = [
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'botToken',
  'bot_token',
  'password',
  'passwd',
  'passphrase',
  'secret',
  'apiSecret',
  'api_secret',
  'apiKey',
  'api_key',
  'apikey',
  'privateKey',
  'private_key',
  'authorization',
  'Authorization',
  'cookie',
  'webhookUrl',
  'webhook_url',
  '"x-api-key"',
  '"set-cookie"',
];

export const SECRET_PATHS = SECRET_KEYS.flatMap((key) => {
  const step = key.startsWith('"') ? `[${key}]` : `.${key}`;
  return [key.startsWith('"') ? `[${key}]` : key, `*${step}`, `*.*${step}`, `*.*.*${step}`];
});

export const CENSOR = '[redacted]';

/** Deep enough for any record this code base logs; deeper is cut rather than walked. */
const MAX_DEPTH = 8;

/**
 * A copy of a log record's value with `scrub` applied to every string, errors serialized first (so their
 * message, stack and causes are scrubbed too). The caller's objects are never changed.
 */
export function scrubbed(value: unknown, scrub: (text: string) => string): unknown {
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return scrub(v);
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v)) return '[Circular]';
    if (depth > MAX_DEPTH) return '[…]';
    if (v instanceof Error) return walk(pino.stdSerializers.err(v), depth);
    if (Array.isArray(v)) {
      seen.add(v);
      return v.map((item) => walk(item, depth + 1));
    }
    // Dates, buffers, class instances: left to JSON as they are. Serialized errors have a prototype of
    // their own, so they are recognised by their `type` and `message`.
    const prototype: unknown = Object.getPrototypeOf(v);
    const plain = prototype === Object.prototype || prototype === null;
    if (!plain && !('type' in v && 'message' in v)) return v;
    seen.add(v);
    return Object.fromEntries(Object.entries(v).map(([key, item]) => [key, walk(item, depth + 1)]));
  };
  return walk(value, 0);
}
