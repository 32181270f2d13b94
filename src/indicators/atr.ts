// Average true range as TA-Lib's TA_ATR computes it: bar 0 has no true range; the first ATR, at index
// `period`, is the mean of TR_1 … TR_period; then Wilder smoothing in TA-Lib's three steps
// (ATR × (period − 1), + TR, ÷ period) so the doubles match.
import { TrueRange } from './true-range.ts';

export class Atr {
  private readonly trueRange = new TrueRange();
  private ranges = 0;
  private seedSum = 0;
  /** NaN until index `period`. */
  value = Number.NaN;

  constructor(readonly period: number) {
    if (!Number.isInteger(period) || period < 1)
      throw new RangeError(`ATR period must be a whole number ≥ 1, got ${period}`);
  }

  update(high: number, low: number, close: number): number {
    const tr = this.trueRange.update(high, low, close);
    if (Number.isNaN(tr)) return this.value;
    if (this.period === 1) return (this.value = tr);
    if (this.ranges < this.period) {
      this.seedSum += tr;
      this.ranges++;
      if (this.ranges === this.period) this.value = this.seedSum / this.period;
      return this.value;
    }
    let atr = this.value * (this.period - 1);
    atr += tr;
    atr /= this.period;
    return (this.value = atr);
  }

  get ready(): boolean {
    return !Number.isNaN(this.value);
  }
}
