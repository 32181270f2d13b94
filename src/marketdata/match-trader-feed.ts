// Live FX candles from a Match-Trader broker's Platform API (`GET /candles`, domain reference §1.3), with
// the contract of the ccxt feed: each `closedSince(now)` pages forward from the last delivered bar of every
// symbol and hands over only bars that have closed, each once — so scanners cannot tell it from a replay.
// Symbols are Sigil's (EURUSD); the broker's own names (EURUSD. on E8) stay inside this file.
import type { MatchTraderClient, MtCandle } from '../brokers/match-trader/match-trader-client.ts';
import type { Candle, CandleGap, Timeframe } from '../domain/candle.ts';
import { TIMEFRAMES, timeframeMs } from '../domain/candle.ts';
import { describeError, FatalError, isSigilError, RetryableError } from '../domain/errors.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { CandleBatch, MarketData } from '../domain/ports/market-data.ts';
import { barProblem, byTimeThenSymbol } from './candle-checks.ts';
import { CandleDataError } from './candle-data-error.ts';
// Type-only ccxt imports there: taking the policy from it does not load ccxt.
import { DEFAULT_RETRY, type RetryPolicy } from './ccxt-feed.ts';
import { findGaps, type MarketCalendar } from './gaps.ts';

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
  private readonly since: EpochMs;
  private readonly retry: RetryPolicy;
  private readonly calendar: MarketCalendar;
  private readonly pageSize: number;
  private readonly interval: string;
  private readonly barMs: number;
  /** Sigil symbol → broker symbol, resolved once from the instrument list on the first poll. */
  private brokerSymbols: Map<string, string> | undefined;
  /** The newest bar delivered per symbol: the cursor the next fetch starts after. */
  private readonly lastDelivered = new Map<string, Candle>();
  private readonly found: CandleGap[] = [];

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
    this.since = options.since;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.calendar = options.calendar ?? 'fx';
    this.pageSize = pageSize;
    this.barMs = timeframeMs(timeframe);
  }

  async closedSince(now: EpochMs): Promise<CandleBatch[]> {
    const brokerSymbols = await this.resolveSymbols();
    const fresh: Candle[][] = [];
    for (const symbol of this.symbols) {
      fresh.push(await this.fetchClosed(symbol, brokerSymbols.get(symbol) ?? symbol, now));
    }
    // Cursors move only once every symbol has been fetched: if one fails, the next call fetches the
    // others' bars again instead of losing them, and nothing was handed over twice.
    for (const candles of fresh) this.commit(candles);
    return toBatches(fresh.flat());
  }

  gaps(): readonly CandleGap[] {
    return this.found;
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
   * Closed bars of one symbol after its cursor. Requests are time ranges of at most `pageSize` bars that
   * end at `now` at the latest; an empty range (a weekend, a halt) is stepped over, and a range the server
   * cut short is continued from its last bar.
   */
  private async fetchClosed(symbol: string, brokerSymbol: string, now: EpochMs): Promise<Candle[]> {
    const closed: Candle[] = [];
    let previous = this.lastDelivered.get(symbol);
    let from = previous ? previous.time + this.barMs : this.since;
    const source = `Match-Trader ${brokerSymbol}`;
    // Stop before asking for a bar that cannot have closed yet.
    while (from + this.barMs <= now) {
      // `to` is `now`, not the last closed open time: were the server's `to` exclusive, the bar that
      // closed exactly at `now` would otherwise wait for the next poll. A forming bar is filtered below.
      const to = Math.min(from + this.pageSize * this.barMs, now);
      const rows = await this.withRetry(symbol, () =>
        this.client.candles(brokerSymbol, this.interval, from, to),
      );
      // The server's reading of `from` is unverified: a bar before it (the one containing it, or one
      // already delivered) is dropped rather than delivered twice or refused as out of order.
      const wanted = rows.filter((row) => row.time >= from);
      const candles = checkedCandles(wanted, symbol, previous, source);
      const last = candles.at(-1);
      if (last === undefined) {
        // Resume at `to` itself, not after it: a server reading `to` as exclusive has not sent that bar.
        from = to;
        continue;
      }
      const done = candles.filter((candle) => candle.time + this.barMs <= now);
      closed.push(...done);
      // A bar still open (or opening after `now`) means the server has nothing closed beyond it.
      if (done.length < candles.length) break;
      previous = last;
      from = last.time + this.barMs;
    }
    return closed;
  }

  /** Reads change nothing on the account, so every RetryableError of the client is retried, with backoff. */
  private async withRetry<T>(what: string, request: () => Promise<T>): Promise<T> {
    const { attempts, baseDelayMs } = this.retry;
    for (let attempt = 1; ; attempt++) {
      try {
        return await request();
      } catch (error) {
        if (!isSigilError(error)) {
          throw new FatalError(
            'market_data_failed',
            `Match-Trader ${what}: unexpected error: ${describeError(error)}`,
            { cause: error },
          );
        }
        if (error.kind !== 'retryable') throw error;
        if (attempt >= attempts) {
          throw new RetryableError(
            'market_data_unavailable',
            `Match-Trader ${what}: no answer after ${attempts} attempts: ${describeError(error)}`,
            { cause: error },
          );
        }
        // On the injected clock, so tests and simulations do not wait in real time.
        await this.clock.sleep(baseDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  private commit(candles: readonly Candle[]): void {
    const first = candles[0];
    const last = candles.at(-1);
    if (first === undefined || last === undefined) return;
    const previous = this.lastDelivered.get(first.symbol);
    this.found.push(...findGaps(previous ? [previous, ...candles] : candles, this.barMs, this.calendar));
    this.lastDelivered.set(first.symbol, last);
  }
}

/**
 * Turns the parsed rows into candles under Sigil's symbol, refusing the first bad one with its time:
 * nothing trades on bad data. Times must rise strictly, across pages too.
 */
function checkedCandles(
  rows: readonly MtCandle[],
  symbol: string,
  previous: Candle | undefined,
  source: string,
): Candle[] {
  const candles: Candle[] = [];
  let before = previous;
  for (const row of rows) {
    if (!Number.isSafeInteger(row.time) || row.time < 0) {
      const where = before ? `after ${new Date(before.time).toISOString()}` : null;
      throw new CandleDataError(source, where, `open time ${row.time} is not a timestamp in milliseconds`);
    }
    const at = new Date(row.time).toISOString();
    const { time, open, high, low, close, volume } = row;
    const candle: Candle = { symbol, time, open, high, low, close, volume };
    const problem = barProblem(candle);
    if (problem) throw new CandleDataError(source, at, problem);
    if (before && candle.time <= before.time) {
      const order = candle.time === before.time ? 'repeats' : 'comes before';
      throw new CandleDataError(
        source,
        at,
        `the bar ${order} the previous bar's open time ${new Date(before.time).toISOString()}`,
      );
    }
    candles.push(candle);
    before = candle;
  }
  return candles;
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
