// Live candles from an exchange, polled through ccxt: how a page is asked for and read, and which ccxt
// errors are retried. Paging from each symbol's last delivered bar, the row checks and the handing over of
// closed bars only are polled-feed.ts's — the same contract as the replay feed, so scanners cannot tell
// live from backtest.
import type * as Ccxt from 'ccxt';
import type { Exchange, OHLCV } from 'ccxt';
import type { CandleGap, Timeframe } from '../domain/candle.ts';
import { describeError, FatalError, isSigilError, RejectedError, RetryableError } from '../domain/errors.ts';
import type { SigilError } from '../domain/errors.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { CandleBatch, MarketData } from '../domain/ports/market-data.ts';
import { CandleDataError } from './candle-data-error.ts';
import {
  DEFAULT_RETRY,
  PolledCandles,
  withRetry,
  type Page,
  type RawBar,
  type RetryPolicy,
} from './polled-feed.ts';

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

const DEFAULT_PAGE_SIZE = 500;

export class CcxtCandleFeed implements MarketData {
  readonly timeframe: Timeframe;
  readonly symbols: readonly string[];
  private readonly exchange: Exchange;
  private readonly clock: Clock;
  private readonly retry: RetryPolicy;
  private readonly pageSize: number;
  private readonly polled: PolledCandles;

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
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    // Crypto trades around the clock, so every missing bar is a gap.
    this.polled = new PolledCandles({
      symbols: this.symbols,
      timeframe,
      since: options.since,
      calendar: 'continuous',
    });
  }

  closedSince(now: EpochMs): Promise<CandleBatch[]> {
    return this.polled.closedSince(now, (symbol, from) => this.page(symbol, from));
  }

  gaps(): readonly CandleGap[] {
    return this.polled.gaps();
  }

  /**
   * One page of `symbol` from `from` on; an empty one means the exchange is caught up. Failures are retried
   * on the injected clock; the spacing of the requests themselves is left to ccxt's own rate limiter
   * (enableRateLimit).
   */
  private async page(symbol: string, from: EpochMs): Promise<Page> {
    const source = this.source(symbol);
    const rows = await withRetry(() => this.fetchPage(symbol, from), {
      retry: this.retry,
      clock: this.clock,
      classify: (error) => fromCcxtError(error, source),
      gaveUp: `${source}: no candles`,
    });
    return { bars: rows.map(rawBar), source };
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

  private source(symbol: string): string {
    return `ccxt:${this.exchange.id} ${symbol}`;
  }
}

/** A ccxt row `[time, open, high, low, close, volume]`, each field possibly missing, named for the checks. */
function rawBar([time, open, high, low, close, volume]: OHLCV): RawBar {
  return { time, open, high, low, close, volume };
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
