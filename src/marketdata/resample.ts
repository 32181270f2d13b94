// Aggregates candles into a coarser timeframe: open of the first bar, highest high, lowest low, close of
// the last, summed volume. Buckets start at `dayBoundaryHourUtc` (0 by default; 21 or 22 for an FX
// "New York close" day). A bucket that misses source bars is reported, not silently completed.
import type { Candle } from '../domain/candle.ts';

export interface ResampleOptions {
  fromMs: number;
  toMs: number;
  /** Hour (UTC) at which days — and so 4h and 1d buckets — begin. */
  dayBoundaryHourUtc?: number;
  /** Keep buckets that miss source bars (default false: they are dropped and counted). */
  keepIncomplete?: boolean;
}

export interface ResampleResult {
  candles: Candle[];
  /** Open times of buckets that missed source bars. */
  incomplete: number[];
}

export function resample(candles: readonly Candle[], options: ResampleOptions): ResampleResult {
  const { fromMs, toMs } = options;
  if (toMs <= fromMs || toMs % fromMs !== 0)
    throw new RangeError(`cannot resample ${fromMs} ms bars into ${toMs} ms bars`);
  const offset = (options.dayBoundaryHourUtc ?? 0) * 3_600_000;
  const expected = toMs / fromMs;
  const out: Candle[] = [];
  const incomplete: number[] = [];
  let bucket: Candle | null = null;
  let count = 0;
  const flush = () => {
    if (!bucket) return;
    if (count === expected || options.keepIncomplete) out.push(bucket);
    if (count !== expected) incomplete.push(bucket.time);
  };
  for (const c of candles) {
    const start = Math.floor((c.time - offset) / toMs) * toMs + offset;
    if (!bucket || bucket.time !== start) {
      flush();
      bucket = {
        symbol: c.symbol,
        time: start,
        open: c.open,
        high: c.high,
        low: c.low,
        close: c.close,
        volume: c.volume,
      };
      count = 1;
      continue;
    }
    if (c.high > bucket.high) bucket.high = c.high;
    if (c.low < bucket.low) bucket.low = c.low;
    bucket.close = c.close;
    bucket.volume += c.volume;
    count++;
  }
  flush();
  // The last bucket may still be forming: it is complete only if it holds every source bar.
  return { candles: out, incomplete };
}
