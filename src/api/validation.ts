// Query-string and body schemas for the API. A bad parameter is answered with 400 and a reason that
// names it, so an operator's typo is never silently read as "no filter".
import { z } from 'zod';
import { INTENT_STATUSES } from '../domain/intent-lifecycle.ts';
import { ISO_TIME_FORMS, parseIsoTime } from '../domain/iso-time.ts';

export class BadRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadRequestError';
  }
}

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const symbol = z.string().min(1).max(64);
const variant = z.string().min(1).max(32);

export const intentsQuery = z.strictObject({
  status: z
    .string()
    .transform((raw) => raw.split(',').map((s) => s.trim()))
    .pipe(z.array(z.enum(INTENT_STATUSES)).min(1))
    .optional(),
  variant: variant.optional(),
  symbol: symbol.optional(),
  order: z.enum(['oldest', 'newest']).default('oldest'),
  limit: wholeNumber(1, 500).default(100),
  offset: wholeNumber(0, 1_000_000).default(0),
});

export const positionsQuery = z.strictObject({
  variant: variant.optional(),
  state: z.enum(['open', 'closed']).default('open'),
});

/** What the closed trades can be sorted by: fields of the trade record (backtest/metrics.ts TradeRow). */
export const TRADE_SORT_KEYS = [
  'exitTime',
  'entryTime',
  'variant',
  'symbol',
  'side',
  'entryPrice',
  'exitPrice',
  'qty',
  'exitReason',
  'fees',
  'pnl',
  'barsHeld',
] as const;
export type TradeSortKey = (typeof TRADE_SORT_KEYS)[number];

/** Without `limit`, every trade (what the API answered before it had pages). */
export const tradesQuery = z.strictObject({
  variant: variant.optional(),
  sort: z.enum(TRADE_SORT_KEYS).default('exitTime'),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: wholeNumber(1, 10_000).optional(),
  offset: wholeNumber(0, 10_000_000).default(0),
});

/** The reason for an exit by hand, for the audit trail and the alert. */
export const exitBody = z.strictObject({ reason: z.string().min(1).max(200).optional() });

/** `since` or `to` as epoch milliseconds or a strict ISO 8601 time (UTC without a zone; domain/iso-time.ts). */
const instant = z.string().transform((raw, ctx) => {
  const at = /^\d+$/.test(raw) ? Number(raw) : parseIsoTime(raw);
  if (at === null || !Number.isFinite(at)) {
    ctx.addIssue({
      code: 'custom',
      message: `must be epoch milliseconds or an ISO 8601 time (${ISO_TIME_FORMS})`,
    });
    return z.NEVER;
  }
  return at;
});

export const candlesQuery = z.strictObject({
  variant: variant.optional(),
  limit: wholeNumber(1, 5000).default(300),
  to: instant.optional(),
});

export const equityQuery = z.strictObject({ since: instant.optional() });
export const locksQuery = z.strictObject({ variant: variant.optional() });

export const emptyQuery = z.strictObject({});

export const reasonBody = z.strictObject({ reason: z.string().min(1).max(200).optional() });

/** Parses the query; a parameter given twice is refused, since only one value could be honoured. */
export function parseQuery<S extends z.ZodType>(schema: S, params: URLSearchParams): z.output<S> {
  const raw: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key in raw) throw new BadRequestError(`${key}: given more than once`);
    raw[key] = value;
  }
  return parseWith(schema, raw, 'parameter');
}

/** Parses a JSON body (empty means `{}`). */
export function parseBody<S extends z.ZodType>(schema: S, text: string): z.output<S> {
  let value: unknown = {};
  if (text.trim() !== '') {
    try {
      value = JSON.parse(text);
    } catch {
      throw new BadRequestError('body: not valid JSON');
    }
  }
  return parseWith(schema, value, 'field');
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new BadRequestError('invalid request');
  if (issue.code === 'unrecognized_keys')
    throw new BadRequestError(`unknown ${what}: ${issue.keys.join(', ')}`);
  const name = issue.path.length > 0 ? issue.path.map(String).join('.') : what === 'field' ? 'body' : 'query';
  throw new BadRequestError(`${name}: ${issue.message}`);
}
