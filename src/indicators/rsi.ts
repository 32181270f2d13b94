// Relative strength index as TA-Lib's TA_RSI computes it (classic mode): the first `period` price
// changes seed the average gain and loss (a zero change is a gain of 0); then Wilder smoothing; output
// 100 × gain / (gain + loss), and 0 — not 50 — when both are zero (flat prices). First value at index
// `period`.

export class Rsi {
  private previous = Number.NaN;
  private changes = 0;
  private gain = 0;
  private loss = 0;
  /** NaN until index `period`. */
  value = Number.NaN;

  constructor(readonly period: number) {
    if (!Number.isInteger(period) || period < 2)
      throw new RangeError(`RSI period must be a whole number ≥ 2, got ${period}`);
  }

  update(close: number): number {
    const previous = this.previous;
    this.previous = close;
    if (Number.isNaN(previous)) return this.value;
    const change = close - previous;
    if (this.changes < this.period) {
      if (change < 0) this.loss -= change;
      else this.gain += change;
      this.changes++;
      if (this.changes < this.period) return this.value;
      this.gain /= this.period;
      this.loss /= this.period;
    } else {
      this.gain *= this.period - 1;
      this.loss *= this.period - 1;
      if (change < 0) this.loss -= change;
      else this.gain += change;
      this.gain /= this.period;
      this.loss /= this.period;
    }
    const total = this.gain + this.loss;
    // TA-Lib's TA_IS_ZERO: anything within ±1e-8 counts as flat.
    this.value = total > -1e-8 && total < 1e-8 ? 0 : 100 * (this.gain / total);
    return this.value;
  }

  get ready(): boolean {
    return !Number.isNaN(this.value);
  }
}
