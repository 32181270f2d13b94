// One page of history from an exchange through ccxt, for `sigil data download`: the bars at or after a
// time, checked, with failures retried. ccxt's own limiter (enableRateLimit) spaces the requests; what it
// does not do is wait out a refusal — a 429 or 418 comes back as an exception — so that wait is here: the
// server's Retry-After when it sends one, else a doubling backoff. The live feed (ccxt-feed.ts) retries on
// the bot's clock; a download runs on the wall clock and may wait far longer, since nothing trades on it.
import type { Exchange, OHLCV } from 'ccxt';
import type { Candle, Timeframe } from '../../domain/candle.ts';
import { timeframeMs } from '../../domain/candle.ts';
import { describeError, FatalError, isSigilError, RetryableError } from '../../domain/errors.ts';
import type { EpochMs } from '../../domain/ids.ts';
import type { Clock } from '../../domain/ports/clock.ts';
import { barProblem } from '../candle-checks.ts';
import { CandleDataError } from '../candle-data-error.ts';

/** The bars of one symbol opening at or after `since`, oldest first; empty when there are none. */
export type FetchPage = (since: EpochMs) => Promise<Candle[]>;

export interface RetryOptions {
  /** The wall clock (SystemClock): Retry-After dates are read against it and waits slept on it. */
  clock: Pick<Clock, 'now' | 'sleep'>;
  /** Tries per request, the first included. */
  attempts?: number;
  /** The first backoff; doubled before each further try, up to MAX_BACKOFF_MS. */
  backoffMs?: number;
  /** Told before each wait, with what it waits out: shown above the progress bar. */
  onWait?: (ms: number, reason: string) => void;
}

export interface CcxtPagesOptions extends RetryOptions {
  exchange: Exchange;
  /** ccxt's unified symbol, e.g. `BTC/USDT`. */
  symbol: string;
  /** The symbol the candles carry (the file's name): `BTCUSDT`. */
  fileSymbol: string;
  timeframe: Timeframe;
  /** Bars asked per request; ccxt clamps it to the exchange's maximum (binance spot: 1000). */
  pageSize: number;
}

const DEFAULT_ATTEMPTS = 6;
const DEFAULT_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;
/** A Retry-After longer than this (binance's 418 ban can last days) is given up on, saying until when. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

export function ccxtPages(options: CcxtPagesOptions): FetchPage {
  const { exchange, symbol, timeframe, pageSize } = options;
  const source = `ccxt:${exchange.id} ${symbol}`;
  return async (since) => {
    const rows = await withCcxtRetry(source, exchange, options, async () => {
      const page = await exchange.fetchOHLCV(symbol, timeframe, since, pageSize);
      if (page.length === 0) await refuseUnparsedBody(exchange, source);
      return page;
    });
    return rows.map((row) => checkedBar(row, options.fileSymbol, timeframe, source));
  };
}

/**
 * `call`, tried again while ccxt says the failure is passing (OperationFailed: network errors, timeouts,
 * 5xx, 429/418, bad answers); anything else is final. Reading history changes nothing on the exchange, so
 * every retry is safe.
 */
export async function withCcxtRetry<T>(
  what: string,
  exchange: Exchange,
  options: RetryOptions,
  call: (attempt: number) => Promise<T>,
): Promise<T> {
  const ccxt = await import('ccxt');
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  const { clock } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (isSigilError(error) && error.kind !== 'retryable') throw error;
      if (!isSigilError(error) && !(error instanceof ccxt.OperationFailed)) {
        throw new FatalError('market_data_failed', `${what}: ${describeError(error)}`, { cause: error });
      }
      if (attempt >= attempts) {
        throw new RetryableError(
          'market_data_unavailable',
          `${what}: no answer after ${attempts} tries (${describeError(error)}); run the command again to resume`,
          { cause: error },
        );
      }
      const refused = error instanceof ccxt.DDoSProtection || error instanceof ccxt.RateLimitExceeded;
      const told = refused ? retryAfterMs(exchange.last_response_headers, clock.now()) : null;
      if (told !== null && told > MAX_RETRY_AFTER_MS) {
        const until = new Date(clock.now() + told).toISOString();
        throw new RetryableError(
          'market_data_unavailable',
          `${what}: the exchange refuses requests until ${until} (Retry-After); run the command again then to resume`,
          { cause: error },
        );
      }
      const wait =
        told ?? Math.min((options.backoffMs ?? DEFAULT_BACKOFF_MS) * 2 ** (attempt - 1), MAX_BACKOFF_MS);
      const reason = refused
        ? `rate limited${told === null ? '' : ' (Retry-After)'}`
        : describeError(error).slice(0, 120);
      options.onWait?.(wait, `${what}: ${reason}`);
      await clock.sleep(wait);
    }
  }
}

/** Retry-After in milliseconds: delay-seconds or an HTTP date (RFC 9110); null when absent or unreadable. */
export function retryAfterMs(headers: Record<string, unknown> | undefined, now: EpochMs): number | null {
  const value = headers?.['Retry-After'] ?? headers?.['retry-after'];
  if (typeof value !== 'string' || value.trim() === '') return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1_000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * ccxt turns a 200 answer that is not JSON into an empty list, which would read as "no bars here" and
 * leave a hole in the file; its copy of the last body tells the two apart (the download's requests are
 * sequential, so that copy is this request's).
 */
async function refuseUnparsedBody(exchange: Exchange, source: string): Promise<void> {
  const body = exchange.last_http_response;
  if (typeof body !== 'string' || body.trim() === '') return;
  try {
    JSON.parse(body);
  } catch {
    const ccxt = await import('ccxt');
    throw new ccxt.BadResponse(
      `${source}: the exchange answered with a body that is not JSON: ${body.slice(0, 80)}`,
    );
  }
}

function checkedBar(row: OHLCV, symbol: string, timeframe: Timeframe, source: string): Candle {
  const [time, open, high, low, close, volume] = row;
  const at = typeof time === 'number' && Number.isFinite(time) ? new Date(time).toISOString() : String(time);
  const fields = [time, open, high, low, close, volume];
  if (!fields.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new CandleDataError(
      source,
      at,
      `a bar with a missing or non-numeric field: ${JSON.stringify(row)}`,
    );
  }
  const candle = { symbol, time, open, high, low, close, volume } as Candle;
  const problem = barProblem(candle);
  if (problem) throw new CandleDataError(source, at, problem);
  if (candle.time % timeframeMs(timeframe) !== 0) {
    throw new CandleDataError(source, at, `the bar is off the ${timeframe} grid`);
  }
  return candle;
}
