// Replays candle series (one per symbol) as a MarketData feed: bars are delivered once their close time
// has passed, grouped by open time across symbols, oldest first. The same feed drives `sigil scan`,
// backtests and tests. The series are merged lazily (series-merge.ts) and Candle objects are made only
// for the batch being delivered: no array of every bar is built or sorted. On the 19 shared pairs
// (432k bars) the old feed took 112 ms to flatten and sort, this one 5 ms to start.
import type { Candle, CandleGap, Timeframe } from '../domain/candle.ts';
import { timeframeMs } from '../domain/candle.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { CandleBatch, MarketData } from '../domain/ports/market-data.ts';
import { candleAt, type CandleSeries } from './candle-series.ts';
import { findGaps, findSeriesGaps, type MarketCalendar } from './gaps.ts';
import { SeriesMerge } from './series-merge.ts';

/** One symbol's bars: columns, or Candle objects (as tests and older callers build them). */
export type ReplaySeries = CandleSeries | readonly Candle[];

/** What the merge needs of a series: its sorted open times, and the bar of a row as a Candle. */
interface Source {
  symbol: string;
  time: Float64Array;
  candle(row: number): Candle;
}

export class ReplayFeed implements MarketData {
  readonly symbols: readonly string[];
  readonly start: EpochMs;
  /** Close time of the last bar, the end of the replay. */
  readonly end: EpochMs;
  private readonly barMs: number;
  /** The series in symbol order: the order bars sharing an open time are delivered in. */
  private readonly sources: readonly Source[];
  private readonly merge: SeriesMerge;
  /** Scratch for each step of the merge: which source, which row. */
  private readonly taken: number[] = [];
  private readonly rows: number[] = [];
  private readonly found: CandleGap[];

  constructor(
    series: readonly ReplaySeries[],
    readonly timeframe: Timeframe,
    calendar: MarketCalendar = 'continuous',
  ) {
    this.barMs = timeframeMs(timeframe);
    this.symbols = series
      .map((s) => (isColumns(s) ? (s.length > 0 ? s.symbol : '') : (s[0]?.symbol ?? '')))
      .filter((symbol) => symbol !== '');
    this.found = series.flatMap((s) =>
      isColumns(s) ? findSeriesGaps(s, this.barMs, calendar) : findGaps(s, this.barMs, calendar),
    );
    // Symbol order as byTimeThenSymbol compares them; a stable sort keeps series of one symbol in order.
    this.sources = series
      .map(source)
      .filter((s) => s.time.length > 0)
      .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
    this.merge = new SeriesMerge(this.sources.map((s) => s.time));
    const firsts = this.sources.map((s) => s.time[0] as number);
    const lasts = this.sources.map((s) => s.time[s.time.length - 1] as number);
    this.start = firsts.length > 0 ? firsts.reduce((a, b) => Math.min(a, b)) : 0;
    this.end = lasts.length > 0 ? lasts.reduce((a, b) => Math.max(a, b)) + this.barMs : 0;
  }

  async closedSince(now: EpochMs): Promise<CandleBatch[]> {
    return this.takeUntil(now);
  }

  /** Synchronous form for the backtester's hot loop. */
  takeUntil(now: EpochMs): CandleBatch[] {
    const { merge, sources, taken, rows } = this;
    const batches: CandleBatch[] = [];
    while (!merge.done && merge.time + this.barMs <= now) {
      const time = merge.time;
      taken.length = 0;
      rows.length = 0;
      merge.take(taken, rows);
      const candles = new Array<Candle>(taken.length);
      for (let i = 0; i < taken.length; i++) {
        candles[i] = (sources[taken[i] as number] as Source).candle(rows[i] as number);
      }
      batches.push({ time, candles });
    }
    return batches;
  }

  gaps(): readonly CandleGap[] {
    return this.found;
  }
}

function isColumns(series: ReplaySeries): series is CandleSeries {
  return !Array.isArray(series);
}

function source(series: ReplaySeries): Source {
  if (isColumns(series)) {
    return { symbol: series.symbol, time: series.time, candle: (row) => candleAt(series, row) };
  }
  // Bars given as objects are delivered as they are, from a copy of the array (as the merged array of
  // every bar this feed used to hold), in time order — stably sorted if they were not.
  const inOrder = series.every((c, i) => i === 0 || (series[i - 1] as Candle).time <= c.time);
  const sorted = inOrder ? [...series] : [...series].sort((a, b) => a.time - b.time);
  return {
    symbol: sorted[0]?.symbol ?? '',
    time: Float64Array.from(sorted, (c) => c.time),
    candle: (row) => sorted[row] as Candle,
  };
}
