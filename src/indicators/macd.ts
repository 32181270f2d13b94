// MACD as TA-Lib's TA_MACD computes it: the fast and slow EMAs are both seeded with an SMA whose window
// ends on the same bar — the slow period's last (index slow − 1) — so the first MACD value is at index
// slow − 1 and the fast EMA's seed is the mean of its last `fast` inputs there, not of the first `fast`.
// The signal line is the EMA (SMA-seeded) of the MACD values; all three outputs start at index
// slow + signal − 2, TA-Lib's lookback.
import { Ema } from './ema.ts';

export interface MacdValue {
  macd: number;
  signal: number;
  histogram: number;
}

const NONE: MacdValue = { macd: Number.NaN, signal: Number.NaN, histogram: Number.NaN };

export class Macd {
  /** The inputs until both seeds are known. */
  private readonly seed: number[] = [];
  private fastValue = Number.NaN;
  private slowValue = Number.NaN;
  private readonly kFast: number;
  private readonly kSlow: number;
  private readonly signalEma: Ema;
  value: MacdValue = NONE;

  constructor(
    readonly fast = 12,
    readonly slow = 26,
    readonly signal = 9,
  ) {
    if (![fast, slow, signal].every((p) => Number.isInteger(p) && p >= 2) || fast >= slow)
      throw new RangeError(
        `MACD periods must be whole numbers ≥ 2 with fast < slow, got ${fast}, ${slow}, ${signal}`,
      );
    this.kFast = 2 / (fast + 1);
    this.kSlow = 2 / (slow + 1);
    this.signalEma = new Ema(signal);
  }

  update(x: number): MacdValue {
    if (this.seed.length < this.slow) {
      this.seed.push(x);
      if (this.seed.length < this.slow) return this.value;
      this.slowValue = mean(this.seed);
      this.fastValue = mean(this.seed.slice(this.slow - this.fast));
    } else {
      this.fastValue = (x - this.fastValue) * this.kFast + this.fastValue;
      this.slowValue = (x - this.slowValue) * this.kSlow + this.slowValue;
    }
    const macd = this.fastValue - this.slowValue;
    const signal = this.signalEma.update(macd);
    this.value = Number.isNaN(signal) ? NONE : { macd, signal, histogram: macd - signal };
    return this.value;
  }
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
