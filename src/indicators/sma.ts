// Simple moving average over the last `period` values: a running sum over a preallocated ring.

export class Sma {
  private readonly window: Float64Array;
  private sum = 0;
  private count = 0;
  private next = 0;
  /** NaN until `period` values have been seen. */
  value = Number.NaN;

  constructor(readonly period: number) {
    if (!Number.isInteger(period) || period < 1)
      throw new RangeError(`SMA period must be a whole number ≥ 1, got ${period}`);
    this.window = new Float64Array(period);
  }

  update(x: number): number {
    if (this.count === this.period) this.sum -= this.window[this.next] as number;
    else this.count++;
    this.window[this.next] = x;
    this.sum += x;
    this.next = (this.next + 1) % this.period;
    this.value = this.count === this.period ? this.sum / this.period : Number.NaN;
    return this.value;
  }

  get ready(): boolean {
    return this.count === this.period;
  }
}
