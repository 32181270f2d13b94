// Live candles from an exchange, polled through ccxt. Each call to `closedSince(now)` pages forward from
// the last delivered bar of every symbol, checks every row, and hands over only bars that have closed —
// the same contract as the replay feed, so scanners cannot tell live from backtest.
import type * as Ccxt from 'ccxt';
import type { Exchange, OHLCV } from 'ccxt';
import type { Candle, CandleGap, Timeframe } from '../domain/candle.ts';
import { timeframeMs } from '../domain/candle.ts';
import { describeError, FatalError, isSigilError, RejectedError, RetryableError } from '../domain/errors.ts';
import type { SigilError } from '../domain/errors.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { CandleBatch, MarketData } from '../domain/ports/market-data.ts';
import { barProblem, byTimeThenSymbol } from './candle-checks.ts';
import { CandleDataError } from './candle-data-error.ts';
import { findGaps } from './gaps.ts';

export interface RetryPolicy {
  /** Tries per request, the first included. */
  attempts: number;
  /** Wait before the second try; doubled before each further one. */
  baseDelayMs: number;
}

export interface CcxtCandleFeedOptions {
  exchange: Exchange;
  /** ccxt unified symbols, e.g. `BTC/USDT`; candles carry them as given. */
  symbols: readonly string[];
  timeframe: Timeframe;
  clock: Clock;
  /** Open time of the first candle wanted. */
  since: EpochMs;
  retry?: RetryPolicy;
  /** Candles asked for per request; ccxt clamps it to the exchange's maximum (binance: 1000). */
  pageSize?: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1_000 };
const DEFAULT_PAGE_SIZE = 500;

export class CcxtCandleFeed implements MarketData {
  readonly timeframe: Timeframe;
  readonly symbols: readonly string[];
  private readonly exchange: Exchange;
  private readonly clock: Clock;
  private readonly since: EpochMs;
  private readonly retry: RetryPolicy;
  private readonly pageSize: number;
  private readonly barMs: number;
  /** The newest bar delivered per symbol: the cursor the next fetch starts after. */
  private readonly lastDelivered = new Map<string, Candle>();
  private readonly found: CandleGap[] = [];

  constructor(options: CcxtCandleFeedOptions) {
    const { exchange, timeframe } = options;
    // Capabilities, not names, decide whether an exchange can feed us (style item 5).
    if (!exchange.has.fetchOHLCV) {
      throw new FatalError(
        'exchange_unsupported',
        `ccxt:${exchange.id} cannot fetch candles (has.fetchOHLCV is false)`,
      );
    }
    if (exchange.timeframes !== undefined && !(timeframe in exchange.timeframes)) {
      throw new FatalError('exchange_unsupported', `ccxt:${exchange.id} has no ${timeframe} candles`);
    }
    this.exchange = exchange;
    this.timeframe = timeframe;
    this.symbols = [...options.symbols];
    this.clock = options.clock;
    this.since = options.since;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this.barMs = timeframeMs(timeframe);
  }

  async closedSince(now: EpochMs): Promise<CandleBatch[]> {
    const fresh: Candle[][] = [];
    for (const symbol of this.symbols) fresh.push(await this.fetchClosed(symbol, now));
    // Cursors move only once every symbol has been fetched: if one fails, the next call fetches the
    // others' bars again instead of losing them, and nothing was handed over twice.
    for (const candles of fresh) this.commit(candles);
    return toBatches(fresh.flat());
  }

  gaps(): readonly CandleGap[] {
    return this.found;
  }

  /** Closed bars of one symbol after its cursor, following `since` page by page until caught up. */
  private async fetchClosed(symbol: string, now: EpochMs): Promise<Candle[]> {
    const closed: Candle[] = [];
    let previous = this.lastDelivered.get(symbol);
    let from = previous ? previous.time + this.barMs : this.since;
    // Stop before asking for a bar that cannot have closed yet.
    while (from + this.barMs <= now) {
      const page = await this.withRetry(symbol, () => this.fetchPage(symbol, from));
      const candles = checkedCandles(page, symbol, previous, this.source(symbol));
      const last = candles.at(-1);
      if (last === undefined) break;
      const done = candles.filter((candle) => candle.time + this.barMs <= now);
      closed.push(...done);
      // A bar still open (or opening after `now`) means the exchange has nothing closed beyond it.
      if (done.length < candles.length) break;
      previous = last;
      from = last.time + this.barMs;
    }
    return closed;
  }

  private async fetchPage(symbol: string, from: EpochMs): Promise<OHLCV[]> {
    // ccxt caches a failed loadMarkets and hands the same rejection to every later call, so a retry after
    // a 429 on the market list would fail forever; reloading explicitly starts a fresh attempt.
    if (this.exchange.markets === undefined) await this.exchange.loadMarkets(true);
    const rows = await this.exchange.fetchOHLCV(symbol, this.timeframe, from, this.pageSize);
    if (rows.length === 0) this.refuseUnparsedBody(symbol, from);
    return rows;
  }

  /**
   * ccxt turns a 200 answer that is not JSON into an empty list, which would read as "no new candles";
   * its copy of the last body (`last_http_response`, on by default) tells the two apart. The feed's own
   * requests are sequential, so that copy is the answer to this request unless other code shares the
   * exchange instance.
   */
  private refuseUnparsedBody(symbol: string, from: EpochMs): void {
    const body = this.exchange.last_http_response;
    if (typeof body !== 'string' || body.trim() === '') return;
    try {
      JSON.parse(body);
    } catch {
      const start = new Date(from).toISOString();
      throw new CandleDataError(
        this.source(symbol),
        start,
        `the exchange answered with a body that is not JSON: ${body.slice(0, 80)}`,
      );
    }
  }

  private async withRetry<T>(symbol: string, request: () => Promise<T>): Promise<T> {
    const { attempts, baseDelayMs } = this.retry;
    for (let attempt = 1; ; attempt++) {
      try {
        return await request();
      } catch (error) {
        const failure = await fromCcxtError(error, this.source(symbol));
        if (failure.kind !== 'retryable') throw failure;
        if (attempt >= attempts) {
          throw new RetryableError(
            'market_data_unavailable',
            `${this.source(symbol)}: no candles after ${attempts} attempts: ${describeError(error)}`,
            { cause: error },
          );
        }
        // Backoff runs on the injected clock so tests and simulations do not wait in real time; the spacing
        // of the requests themselves is left to ccxt's own rate limiter (enableRateLimit).
        await this.clock.sleep(baseDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  private commit(candles: readonly Candle[]): void {
    const first = candles[0];
    const last = candles.at(-1);
    if (first === undefined || last === undefined) return;
    const previous = this.lastDelivered.get(first.symbol);
    this.found.push(...findGaps(previous ? [previous, ...candles] : candles, this.barMs, 'continuous'));
    this.lastDelivered.set(first.symbol, last);
  }

  private source(symbol: string): string {
    return `ccxt:${this.exchange.id} ${symbol}`;
  }
}

/**
 * Turns one page of ccxt rows into candles, refusing the first bad row with the symbol and its time:
 * nothing trades on bad data. Times must rise strictly, across pages too.
 */
function checkedCandles(
  rows: readonly OHLCV[],
  symbol: string,
  previous: Candle | undefined,
  source: string,
): Candle[] {
  const candles: Candle[] = [];
  let before = previous;
  for (const row of rows) {
    const candle = checkedCandle(row, symbol, before, source);
    candles.push(candle);
    before = candle;
  }
  return candles;
}

function checkedCandle(row: OHLCV, symbol: string, previous: Candle | undefined, source: string): Candle {
  const [time, open, high, low, close, volume] = row;
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < 0) {
    const where = previous ? `after ${new Date(previous.time).toISOString()}` : null;
    throw new CandleDataError(source, where, `open time ${String(time)} is not a timestamp in milliseconds`);
  }
  const at = new Date(time).toISOString();
  const finite = (name: string, value: number | undefined): number => {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    throw new CandleDataError(source, at, `${name} ${String(value)} is not a finite number`);
  };
  const candle: Candle = {
    symbol,
    time,
    open: finite('open', open),
    high: finite('high', high),
    low: finite('low', low),
    close: finite('close', close),
    volume: finite('volume', volume),
  };
  const problem = barProblem(candle);
  if (problem) throw new CandleDataError(source, at, problem);
  if (previous && time <= previous.time) {
    const problem = time === previous.time ? 'repeats' : 'comes before';
    throw new CandleDataError(
      source,
      at,
      `the bar ${problem} the previous bar's open time ${new Date(previous.time).toISOString()}`,
    );
  }
  return candle;
}

/** Groups by open time, oldest first; within a time, by symbol — the replay feed's order. */
function toBatches(candles: readonly Candle[]): CandleBatch[] {
  const sorted = [...candles].sort(byTimeThenSymbol);
  const batches: CandleBatch[] = [];
  for (const candle of sorted) {
    const last = batches.at(-1);
    if (last && last.time === candle.time) last.candles.push(candle);
    else batches.push({ time: candle.time, candles: [candle] });
  }
  return batches;
}

/**
 * The one table from ccxt's error classes to what the feed's caller must do (style item 9). The first
 * `instanceof` match wins, so subclasses come before their parents. Reading candles changes nothing on the
 * exchange, so everything under OperationFailed is retried — NetworkError (timeouts, 5xx as
 * ExchangeNotAvailable, 418/429 as DDoSProtection or RateLimitExceeded, OnMaintenance) and also
 * BadResponse and binance's "unknown error" / "server busy" codes, which ccxt files beside it.
 */
const CCXT_ERROR_TABLE = [
  { ccxt: 'OperationFailed', kind: 'retryable', code: 'market_data_unavailable', meaning: 'no answer' },
  { ccxt: 'BadSymbol', kind: 'fatal', code: 'unknown_symbol', meaning: 'symbol not listed on the exchange' },
  // Public candles need no keys: this is a blocked IP or region, which no retry will fix.
  { ccxt: 'AuthenticationError', kind: 'fatal', code: 'exchange_access_denied', meaning: 'access refused' },
  { ccxt: 'NotSupported', kind: 'fatal', code: 'exchange_unsupported', meaning: 'ccxt cannot do this here' },
  { ccxt: 'ExchangeError', kind: 'rejected', code: 'market_data_rejected', meaning: 'the exchange refused' },
  { ccxt: 'BaseError', kind: 'fatal', code: 'market_data_failed', meaning: 'ccxt failed' },
] as const satisfies readonly {
  ccxt: keyof typeof Ccxt;
  kind: keyof typeof ERROR_CLASS_BY_KIND;
  code: string;
  meaning: string;
}[];

const ERROR_CLASS_BY_KIND = {
  retryable: RetryableError,
  rejected: RejectedError,
  fatal: FatalError,
} as const;

/** Our own errors pass through; ccxt's are classified by the table; anything else is a bug, wrapped as fatal. */
async function fromCcxtError(error: unknown, source: string): Promise<SigilError> {
  if (isSigilError(error)) return error;
  // Already loaded (the exchange came from it), so this costs a cache lookup, and keeps ccxt's 0.7 s
  // import out of every process that never polls an exchange.
  const ccxt = await import('ccxt');
  const rule = CCXT_ERROR_TABLE.find((entry) => error instanceof ccxt[entry.ccxt]);
  if (rule === undefined) {
    return new FatalError('market_data_failed', `${source}: unexpected error: ${describeError(error)}`, {
      cause: error,
    });
  }
  const message = `${source}: ${rule.meaning}: ${describeError(error)}`;
  return new ERROR_CLASS_BY_KIND[rule.kind](rule.code, message, { cause: error });
}

export interface CcxtExchangeOptions {
  /** Milliseconds before ccxt gives up on a request (ccxt's default: 10 000). */
  timeout?: number;
  /** Milliseconds per unit of request cost for ccxt's rate limiter (the exchange's own figure by default). */
  rateLimit?: number;
  /** Exchange-specific ccxt options, deep-merged over the exchange's defaults. */
  options?: Record<string, unknown>;
  /** Replaces the origin of every API URL of the exchange (a testnet, a proxy, a local fake in tests). */
  apiUrl?: string;
}

/**
 * A public (keyless) ccxt exchange with ccxt's rate limiter on. ccxt is imported here, on first use, because
 * loading it takes about 0.7 s and 60 MB that commands which never touch an exchange should not pay.
 */
export async function createCcxtExchange(id: string, options: CcxtExchangeOptions = {}): Promise<Exchange> {
  const ccxt = await import('ccxt');
  if (!Object.hasOwn(ccxt.exchanges, id)) {
    throw new FatalError('unknown_exchange', `ccxt has no exchange "${id}"`);
  }
  const ExchangeClass = ccxt.exchanges[id as keyof typeof ccxt.exchanges];
  const config: Ccxt.ConstructorArgs = { enableRateLimit: true };
  if (options.timeout !== undefined) config.timeout = options.timeout;
  if (options.rateLimit !== undefined) config.rateLimit = options.rateLimit;
  if (options.options !== undefined) config.options = options.options;
  const exchange = new ExchangeClass(config);
  if (options.apiUrl !== undefined) pointExchangeAt(exchange, options.apiUrl);
  return exchange;
}

/** Sends every API request of the exchange to `apiUrl`'s origin instead of the exchange's own. */
export function pointExchangeAt(exchange: Exchange, apiUrl: string): void {
  exchange.urls.api = withOrigin(exchange.urls.api, apiUrl.replace(/\/+$/, ''));
}

function withOrigin<T>(value: T, origin: string): T {
  if (typeof value === 'string') return value.replace(/^[a-z]+:\/\/[^/]+/i, origin) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => withOrigin(item, origin)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, withOrigin(item, origin)]),
    ) as T;
  }
  return value;
}
