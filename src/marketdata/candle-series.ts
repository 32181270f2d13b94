// One symbol's candles as columns: six Float64Arrays in time order instead of an object per bar. A year
// of hourly bars is 8,760 rows × 48 bytes ≈ 420 KB and no garbage, and a column is what indicators,
// binary searches and the on-disk cache want. Times are open times in epoch ms: whole numbers far below
// 2^53, so exact in a float64.
import type { Candle } from '../domain/candle.ts';

export interface CandleSeries {
  readonly symbol: string;
  readonly length: number;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** The columns in the order they sit in memory and in a cache entry. */
export const SERIES_COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
export type SeriesColumn = (typeof SERIES_COLUMNS)[number];

export const BYTES_PER_ROW = SERIES_COLUMNS.length * Float64Array.BYTES_PER_ELEMENT;

/**
 * Columns of `length` rows, zeroed, side by side on one SharedArrayBuffer: a parameter sweep can post the
 * series to worker threads and every worker reads the same memory — nothing is copied or serialised.
 */
export function allocateSeries(symbol: string, length: number): CandleSeries {
  return seriesOnBuffer(symbol, new SharedArrayBuffer(length * BYTES_PER_ROW), length);
}

/** Views a buffer laid out as `allocateSeries` lays it out (time column first, then open … volume). */
export function seriesOnBuffer(symbol: string, buffer: ArrayBufferLike, length: number): CandleSeries {
  const column = (k: number) => new Float64Array(buffer, k * length * Float64Array.BYTES_PER_ELEMENT, length);
  return {
    symbol,
    length,
    time: column(0),
    open: column(1),
    high: column(2),
    low: column(3),
    close: column(4),
    volume: column(5),
  };
}

export function seriesFromCandles(symbol: string, candles: readonly Candle[]): CandleSeries {
  const series = allocateSeries(symbol, candles.length);
  candles.forEach((c, i) => {
    series.time[i] = c.time;
    series.open[i] = c.open;
    series.high[i] = c.high;
    series.low[i] = c.low;
    series.close[i] = c.close;
    series.volume[i] = c.volume;
  });
  return series;
}

/** Row `i` as a Candle object: made on demand, for the consumers that want objects. */
export function candleAt(series: CandleSeries, i: number): Candle {
  return {
    symbol: series.symbol,
    time: series.time[i] as number,
    open: series.open[i] as number,
    high: series.high[i] as number,
    low: series.low[i] as number,
    close: series.close[i] as number,
    volume: series.volume[i] as number,
  };
}

export function candlesFromSeries(series: CandleSeries): Candle[] {
  const candles = new Array<Candle>(series.length);
  for (let i = 0; i < series.length; i++) candles[i] = candleAt(series, i);
  return candles;
}

/** The first row whose open time is at or after `time` (`length` if none): the columns are sorted. */
export function firstRowAtOrAfter(series: CandleSeries, time: number): number {
  let lo = 0;
  let hi = series.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((series.time[mid] as number) < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Rows [from, to) as views on the same memory (`subarray`): nothing is copied. */
export function sliceSeries(series: CandleSeries, from: number, to: number): CandleSeries {
  const start = Math.max(0, Math.min(from, series.length));
  const end = Math.max(start, Math.min(to, series.length));
  return {
    symbol: series.symbol,
    length: end - start,
    time: series.time.subarray(start, end),
    open: series.open.subarray(start, end),
    high: series.high.subarray(start, end),
    low: series.low.subarray(start, end),
    close: series.close.subarray(start, end),
    volume: series.volume.subarray(start, end),
  };
}

/** The bars opening in [from, to) — either bound may be left open — as views, by binary search. */
export function seriesBetween(series: CandleSeries, from?: number, to?: number): CandleSeries {
  const start = from === undefined ? 0 : firstRowAtOrAfter(series, from);
  const end = to === undefined ? series.length : firstRowAtOrAfter(series, to);
  return start === 0 && end === series.length ? series : sliceSeries(series, start, end);
}
