// Live FX candles from a Match-Trader broker's Platform API (`GET /candles`, domain reference §1.3): how a
// time range is asked for, which instrument each symbol is, and how the client's errors are retried. The
// paging from each symbol's last delivered bar, the row checks and the handing over of closed bars only,
// each once, are polled-feed.ts's, shared with the ccxt feed — so scanners cannot tell it from a replay.
// Symbols are Sigil's (EURUSD); the broker's own names (EURUSD. on E8) stay inside this file.
import type { MatchTraderClient } from '../brokers/match-trader/match-trader-client.ts';
import type { CandleGap, Timeframe } from '../domain/candle.ts';
import { TIMEFRAMES } from '../domain/candle.ts';
import { describeError, FatalError, isSigilError } from '../domain/errors.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { CandleBatch, MarketData } from '../domain/ports/market-data.ts';
import type { MarketCalendar } from './gaps.ts';
import { DEFAULT_RETRY, PolledCandles, withRetry, type Page, type RetryPolicy } from './polled-feed.ts';

export interface MatchTraderCandleFeedOptions {
  client: Pick<MatchTraderClient, 'candles' | 'instruments'>;
  /** Sigil's symbols, e.g. `EURUSD`; candles carry them as given, whatever the broker calls them. */
  symbols: readonly string[];
  timeframe: Timeframe;
  clock: Clock;
  /** Open time of the first candle wanted. */
  since: EpochMs;
  retry?: RetryPolicy;
  /** Default `fx`: a Match-Trader account trades FX/CFDs, whose weekend closure is not a gap. */
  calendar?: MarketCalendar;
  /** Bars per requested time range; the server may send fewer (it caps, or the market was shut): the feed pages on. */
  pageSize?: number;
}

/**
 * Sigil timeframe → the Platform API's interval name. `satisfies` makes a new Sigil timeframe without an
 * interval a compile error; 30m is listed ahead of Sigil having it. Looked up at run time, because a
 * timeframe from outside the type (a cast config value) must be refused, not turned into `undefined`.
 */
const INTERVALS: Readonly<Record<string, string>> = {
  '1m': 'M1',
  '5m': 'M5',
  '15m': 'M15',
  '30m': 'M30',
  '1h': 'H1',
  '4h': 'H4',
  '1d': 'D1',
} satisfies Record<Timeframe, string> & Record<string, string>;

const DEFAULT_PAGE_SIZE = 500;
const LISTED_IN_ERROR = 8;

export class MatchTraderCandleFeed implements MarketData {
  readonly timeframe: Timeframe;
  readonly symbols: readonly string[];
  private readonly client: MatchTraderCandleFeedOptions['client'];
  private readonly clock: Clock;
  private readonly retry: RetryPolicy;
  private readonly pageSize: number;
  private readonly interval: string;
  /** Sigil symbol → broker symbol, resolved once from the instrument list on the first poll. */
  private brokerSymbols: Map<string, string> | undefined;
  private readonly polled: PolledCandles;

  constructor(options: MatchTraderCandleFeedOptions) {
    const { timeframe } = options;
    const interval = Object.hasOwn(INTERVALS, timeframe) ? INTERVALS[timeframe] : undefined;
    if (interval === undefined || !Object.hasOwn(TIMEFRAMES, timeframe)) {
      throw new FatalError(
        'exchange_unsupported',
        `Match-Trader has no ${String(timeframe)} candles (timeframes: ${Object.keys(TIMEFRAMES).join(', ')})`,
      );
    }
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
      throw new FatalError('invalid_config', `Match-Trader candle page size must be a positive integer`);
    }
    this.interval = interval;
    this.timeframe = timeframe;
    this.symbols = [...options.symbols];
    this.client = options.client;
    this.clock = options.clock;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.pageSize = pageSize;
    this.polled = new PolledCandles({
      symbols: this.symbols,
      timeframe,
      since: options.since,
      calendar: options.calendar ?? 'fx',
    });
  }

  async closedSince(now: EpochMs): Promise<CandleBatch[]> {
    const brokerSymbols = await this.resolveSymbols();
    return this.polled.closedSince(now, (symbol, from) =>
      this.page(symbol, brokerSymbols.get(symbol) ?? symbol, from, now),
    );
  }

  gaps(): readonly CandleGap[] {
    return this.polled.gaps();
  }

  /**
   * Maps every Sigil symbol to one instrument: the same name, else the one equal once '.' and '/' are
   * removed (E8 lists `EURUSD.`, others `EUR/USD`). Refused before any candle is asked for, since a
   * wrong mapping would trade one market on another's prices.
   */
  private async resolveSymbols(): Promise<Map<string, string>> {
    if (this.brokerSymbols !== undefined) return this.brokerSymbols;
    const listed = (await this.withRetry('instruments', () => this.client.instruments())).map(
      (i) => i.symbol,
    );
    const bare = (symbol: string) => symbol.replace(/[./]/g, '');
    const mapping = new Map<string, string>();
    for (const symbol of this.symbols) {
      const matches = listed.includes(symbol) ? [symbol] : listed.filter((s) => bare(s) === bare(symbol));
      const [match] = matches;
      if (matches.length > 1) {
        throw new FatalError(
          'unknown_symbol',
          `Match-Trader: ${symbol} matches several instruments (${matches.join(', ')}); name one exactly`,
        );
      }
      if (match === undefined) {
        const some = listed.slice(0, LISTED_IN_ERROR).join(', ');
        const more = listed.length > LISTED_IN_ERROR ? `, … ${listed.length} in all` : '';
        throw new FatalError(
          'unknown_symbol',
          `Match-Trader lists no instrument for ${symbol} (listed: ${some === '' ? 'none' : some}${more})`,
        );
      }
      mapping.set(symbol, match);
    }
    this.brokerSymbols = mapping;
    return mapping;
  }

  /**
   * One time range of at most `pageSize` bars from `from`, ending at `now` at the latest. An empty range
   * (a weekend, a halt) is stepped over; a range the server cut short is continued from its last bar.
   */
  private async page(symbol: string, brokerSymbol: string, from: EpochMs, now: EpochMs): Promise<Page> {
    // `to` is `now`, not the last closed open time: were the server's `to` exclusive, the bar that closed
    // exactly at `now` would otherwise wait for the next poll. A forming bar is held back by the caller.
    const to = Math.min(from + this.pageSize * this.polled.barMs, now);
    const rows = await this.withRetry(symbol, () =>
      this.client.candles(brokerSymbol, this.interval, from, to),
    );
    // The server's reading of `from` is unverified: a bar before it (the one containing it, or one
    // already delivered) is dropped rather than delivered twice or refused as out of order.
    const bars = rows.filter((row) => row.time >= from);
    // When empty, resume at `to` itself, not after it: a server reading `to` as exclusive has not sent that bar.
    return { bars, source: `Match-Trader ${brokerSymbol}`, next: to };
  }

  /** Reads change nothing on the account, so every RetryableError of the client is retried, with backoff. */
  private withRetry<T>(what: string, request: () => Promise<T>): Promise<T> {
    return withRetry(request, {
      retry: this.retry,
      clock: this.clock,
      // The client's errors are Sigil's already; anything else is a bug, wrapped as fatal.
      classify: (error) =>
        isSigilError(error)
          ? error
          : new FatalError(
              'market_data_failed',
              `Match-Trader ${what}: unexpected error: ${describeError(error)}`,
              { cause: error },
            ),
      gaveUp: `Match-Trader ${what}: no answer`,
    });
  }
}
