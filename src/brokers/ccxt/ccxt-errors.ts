// The one table from ccxt's error classes to what the ccxt broker adapter does with them, for an order
// being placed and for a read, and the redaction every message passes through: ccxt quotes signed request
// URLs in its messages, and an error must never carry a key, a secret or a signature into a log.
import type * as Ccxt from 'ccxt';
import { FatalError, isSigilError, RejectedError, RetryableError } from '../../domain/errors.ts';
import type { SigilError } from '../../domain/errors.ts';
import type { Redactor } from '../../logging/redaction.ts';

/**
 * What placing an order does after a throw:
 * - `rejected`: the exchange refused it and nothing was placed — a recorded `rejected` result;
 * - `fatal`: keys, permissions or the account itself — nothing will work until an operator acts;
 * - `unknown`: the answer was lost (or garbled, or the id was already taken) — read the order back by
 *   its client order id; not found → UnknownOutcomeError, and the same id may be sent again;
 * - `throttled`: refused before it was processed (418/429) — read back; not found → RetryableError;
 * - `refused_unlisted`: an exchange error this table does not name — read back, since the exchange's
 *   own wording is all there is to go on; not found → a recorded `rejected` result.
 */
export type OrderFailure = 'rejected' | 'fatal' | 'unknown' | 'throttled' | 'refused_unlisted';

/** What a read (balance, order, ticker, markets) becomes; reads change nothing, so any failure may retry. */
export type ReadFailure = 'retryable' | 'fatal' | 'rejected';

interface Rule {
  ccxt: keyof typeof Ccxt;
  order: OrderFailure;
  read: ReadFailure;
}

/**
 * The first `instanceof` match wins, so subclasses come before their parents. In ccxt 4.5 NetworkError
 * sits under OperationFailed and DDoSProtection and RateLimitExceeded are siblings under it (in older
 * versions RateLimitExceeded was a DDoSProtection): both are listed by name so neither falls through
 * to NetworkError's "unknown".
 */
export const CCXT_ERROR_TABLE = [
  // The client order id is taken: an earlier send of this very order may have arrived.
  { ccxt: 'DuplicateOrderId', order: 'unknown', read: 'rejected' },
  // AccountSuspended, PermissionDenied and AccountNotEnabled are AuthenticationErrors.
  { ccxt: 'AuthenticationError', order: 'fatal', read: 'fatal' },
  { ccxt: 'InsufficientFunds', order: 'rejected', read: 'rejected' },
  // OrderNotFound is one too; reads handle it before this table (it means "not placed").
  { ccxt: 'InvalidOrder', order: 'rejected', read: 'rejected' },
  // BadSymbol; binance's NOTIONAL filter failure is a BadRequest.
  { ccxt: 'BadRequest', order: 'rejected', read: 'rejected' },
  // MarketClosed, RestrictedLocation, ManualInteractionNeeded.
  { ccxt: 'OperationRejected', order: 'rejected', read: 'rejected' },
  // ccxt cannot make this call on this exchange, or was called wrongly: a bug or a configuration error.
  { ccxt: 'NotSupported', order: 'fatal', read: 'fatal' },
  { ccxt: 'ArgumentsRequired', order: 'fatal', read: 'fatal' },
  { ccxt: 'ExchangeError', order: 'refused_unlisted', read: 'rejected' },
  { ccxt: 'DDoSProtection', order: 'throttled', read: 'retryable' },
  { ccxt: 'RateLimitExceeded', order: 'throttled', read: 'retryable' },
  // RequestTimeout, ExchangeNotAvailable (5xx), OnMaintenance, InvalidNonce.
  { ccxt: 'NetworkError', order: 'unknown', read: 'retryable' },
  // A 200 whose body could not be parsed: the exchange did answer, so the order may well exist.
  { ccxt: 'BadResponse', order: 'unknown', read: 'retryable' },
  // binance's "server busy" / "unknown error" codes.
  { ccxt: 'OperationFailed', order: 'unknown', read: 'retryable' },
  { ccxt: 'BaseError', order: 'unknown', read: 'fatal' },
] as const satisfies readonly Rule[];

// ccxt is imported on first use, not at load: it costs about 0.7 s that processes never trading through
// ccxt should not pay (see ccxt-feed.ts). By the time an error exists, it is loaded and this is a lookup.
async function ruleFor(error: unknown): Promise<Rule | undefined> {
  const ccxt = await import('ccxt');
  return CCXT_ERROR_TABLE.find((rule) => error instanceof ccxt[rule.ccxt]);
}

/** Binance sends a reused client order id as a plain InvalidOrder ("Duplicate order sent."). */
function isDuplicateOrder(error: unknown): boolean {
  return error instanceof Error && /duplicate (order|client)|duplicated? clordid/i.test(error.message);
}

/** How a throw from createOrder is handled; anything not from ccxt (a parsing bug) may have placed it. */
export async function orderFailure(error: unknown): Promise<OrderFailure> {
  const rule = await ruleFor(error);
  if (rule === undefined) return 'unknown';
  if (rule.order === 'rejected' && isDuplicateOrder(error)) return 'unknown';
  return rule.order;
}

export async function isOrderNotFound(error: unknown): Promise<boolean> {
  const ccxt = await import('ccxt');
  return error instanceof ccxt.OrderNotFound;
}

/** True for an exchange's refusal (an ExchangeError), as opposed to a transport fault. */
export async function isExchangeRefusal(error: unknown): Promise<boolean> {
  const ccxt = await import('ccxt');
  return error instanceof ccxt.ExchangeError;
}

const ERROR_CLASS_BY_KIND = {
  retryable: RetryableError,
  rejected: RejectedError,
  fatal: FatalError,
} as const;

const CODE_BY_KIND = {
  retryable: 'exchange_unavailable',
  rejected: 'exchange_refused',
  fatal: 'exchange_access_denied',
} as const;

/** A failed read as the domain's error kind; `what` names the call, `redact` has cleaned the cause. */
export async function readError(error: unknown, what: string, redact: Redactor): Promise<SigilError> {
  if (isSigilError(error)) return error;
  const rule = await ruleFor(error);
  const kind: ReadFailure = rule?.read ?? 'fatal';
  const code = rule === undefined ? 'exchange_failed' : CODE_BY_KIND[kind];
  return new ERROR_CLASS_BY_KIND[kind](code, `${what}: ${redact.message(error)}`, {
    cause: redact.error(error),
  });
}

// The redaction itself is shared with the store and the logger.
export { redactor, type Redactor } from '../../logging/redaction.ts';
