// Exponential moving average as TA-Lib's TA_EMA computes it (default compatibility): seeded with the
// SMA of the first `period` inputs, first value at index period − 1, then EMA ← (x − EMA) × k + EMA
// in exactly that form (k = 2 / (period + 1)), so the doubles match TA-Lib's.

export class Ema {
  private readonly k: number;
  private seen = 0;
  private seedSum = 0;
  /** NaN until `period` values have been seen. */
  value = Number.NaN;

  constructor(readonly period: number) {
    if (!Number.isInteger(period) || period < 1)
      throw new RangeError(`EMA period must be a whole number ≥ 1, got ${period}`);
    this.k = 2 / (period + 1);
  }

  update(x: number): number {
    if (this.seen < this.period) {
      this.seedSum += x;
      this.seen++;
      if (this.seen === this.period) this.value = this.seedSum / this.period;
      return this.value;
    }
    this.value = (x - this.value) * this.k + this.value;
    return this.value;
  }

  get ready(): boolean {
    return this.seen >= this.period;
  }
}
