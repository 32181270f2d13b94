// What every polled live feed does whatever its source: page forward from the last delivered bar of each
// symbol, check every row, hand over only bars that have closed (each once, in the replay feed's order),
// note gaps, and retry a failed request with backoff. A feed adds how a page is fetched and read, and how
// its source's errors map to Sigil's — so a bar is refused, and a source given up on, in the same words.
import type { Candle, CandleGap, Timeframe } from '../domain/candle.ts';
import { timeframeMs } from '../domain/candle.ts';
import { describeError, RetryableError } from '../domain/errors.ts';
import type { SigilError } from '../domain/errors.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { CandleBatch } from '../domain/ports/market-data.ts';
import { barProblem, byTimeThenSymbol } from './candle-checks.ts';
import { CandleDataError } from './candle-data-error.ts';
import { findGaps, type MarketCalendar } from './gaps.ts';

export interface RetryPolicy {
  /** Tries per request, the first included. */
  attempts: number;
  /** Wait before the second try; doubled before each further one. */
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1_000 };

/** One row as the source sent it, before any check; a field the source left out is undefined. */
export interface RawBar {
  time: number | undefined;
  open: number | undefined;
  high: number | undefined;
  low: number | undefined;
  close: number | undefined;
  volume: number | undefined;
}

/** One request's answer, rows already read into bars. */
export interface Page {
  bars: readonly RawBar[];
  /** Names the source in errors about these bars, e.g. `ccxt:binance BTC/USDT`. */
  source: string;
  /** Where to ask next when the page held no bars; absent, an empty page means the source is caught up. */
  next?: EpochMs;
}

/** Fetches the page of `symbol` that starts at open time `from`; `now` bounds what can have closed. */
export type PageFetcher = (symbol: string, from: EpochMs, now: EpochMs) => Promise<Page>;

export interface PolledCandlesOptions {
  symbols: readonly string[];
  timeframe: Timeframe;
  /** Open time of the first candle wanted. */
  since: EpochMs;
  /** Which jumps between bars are gaps: an FX weekend is not. */
  calendar: MarketCalendar;
}

/** The per-symbol cursors of a polled feed, and the paging, checking and gap-finding that move them. */
export class PolledCandles {
  readonly barMs: number;
  private readonly symbols: readonly string[];
  private readonly since: EpochMs;
  private readonly calendar: MarketCalendar;
  /** The newest bar delivered per symbol: the cursor the next fetch starts after. */
  private readonly lastDelivered = new Map<string, Candle>();
  private readonly found: CandleGap[] = [];

  constructor(options: PolledCandlesOptions) {
    this.symbols = [...options.symbols];
    this.since = options.since;
    this.calendar = options.calendar;
    this.barMs = timeframeMs(options.timeframe);
  }

  async closedSince(now: EpochMs, fetchPage: PageFetcher): Promise<CandleBatch[]> {
    const fresh: Candle[][] = [];
    for (const symbol of this.symbols) fresh.push(await this.fetchClosed(symbol, now, fetchPage));
    // Cursors move only once every symbol has been fetched: if one fails, the next call fetches the
    // others' bars again instead of losing them, and nothing was handed over twice.
    for (const candles of fresh) this.commit(candles);
    return toBatches(fresh.flat());
  }

  gaps(): readonly CandleGap[] {
    return this.found;
  }

  /** Closed bars of one symbol after its cursor, page by page until caught up. */
  private async fetchClosed(symbol: string, now: EpochMs, fetchPage: PageFetcher): Promise<Candle[]> {
    const closed: Candle[] = [];
    let previous = this.lastDelivered.get(symbol);
    let from = previous ? previous.time + this.barMs : this.since;
    // Stop before asking for a bar that cannot have closed yet.
    while (from + this.barMs <= now) {
      const page = await fetchPage(symbol, from, now);
      const candles = checkedCandles(page.bars, symbol, previous, page.source);
      const last = candles.at(-1);
      if (last === undefined) {
        if (page.next === undefined) break;
        from = page.next;
        continue;
      }
      const done = candles.filter((candle) => candle.time + this.barMs <= now);
      closed.push(...done);
      // A bar still open (or opening after `now`) means the source has nothing closed beyond it.
      if (done.length < candles.length) break;
      previous = last;
      from = last.time + this.barMs;
    }
    return closed;
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

export interface RetryOptions {
  retry: RetryPolicy;
  clock: Clock;
  /** The source's error as a Sigil error; only a retryable one is tried again. */
  classify: (error: unknown) => SigilError | Promise<SigilError>;
  /** Opens the message once the tries are used up, e.g. `Match-Trader instruments: no answer`. */
  gaveUp: string;
}

/** Runs `request`, trying it again after a retryable failure with exponential backoff. */
export async function withRetry<T>(request: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { attempts, baseDelayMs } = options.retry;
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      const failure = await options.classify(error);
      if (failure.kind !== 'retryable') throw failure;
      if (attempt >= attempts) {
        throw new RetryableError(
          'market_data_unavailable',
          `${options.gaveUp} after ${attempts} attempts: ${describeError(error)}`,
          { cause: error },
        );
      }
      // On the injected clock, so tests and simulations do not wait in real time.
      await options.clock.sleep(baseDelayMs * 2 ** (attempt - 1));
    }
  }
}

/**
 * Turns one page of rows into candles under `symbol`, refusing the first bad row with its time: nothing
 * trades on bad data. Times must rise strictly, across pages too.
 */
function checkedCandles(
  bars: readonly RawBar[],
  symbol: string,
  previous: Candle | undefined,
  source: string,
): Candle[] {
  const candles: Candle[] = [];
  let before = previous;
  for (const bar of bars) {
    const candle = checkedCandle(bar, symbol, before, source);
    candles.push(candle);
    before = candle;
  }
  return candles;
}

function checkedCandle(bar: RawBar, symbol: string, previous: Candle | undefined, source: string): Candle {
  const { time, open, high, low, close, volume } = bar;
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
    const order = time === previous.time ? 'repeats' : 'comes before';
    throw new CandleDataError(
      source,
      at,
      `the bar ${order} the previous bar's open time ${new Date(previous.time).toISOString()}`,
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
