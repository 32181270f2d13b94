// Bollinger bands as TA-Lib's TA_BBANDS computes them with its default SMA: the middle band is the SMA of
// the last `period` closes; the bands lie `deviations` population standard deviations above and below,
// the variance taken as mean(x²) − mean(x)² over the window (0 when that is not positive), as TA-Lib's
// stddev over a precomputed average does.

export interface BollingerValue {
  upper: number;
  middle: number;
  lower: number;
}

export class Bollinger {
  private readonly window: Float64Array;
  private sum = 0;
  private sumSquares = 0;
  private count = 0;
  private next = 0;
  /** NaN bands until `period` values have been seen. */
  value: BollingerValue = { upper: Number.NaN, middle: Number.NaN, lower: Number.NaN };

  constructor(
    readonly period: number,
    readonly deviations = 2,
  ) {
    if (!Number.isInteger(period) || period < 2)
      throw new RangeError(`Bollinger period must be a whole number ≥ 2, got ${period}`);
    this.window = new Float64Array(period);
  }

  update(x: number): BollingerValue {
    if (this.count === this.period) {
      const old = this.window[this.next] as number;
      this.sum -= old;
      this.sumSquares -= old * old;
    } else this.count++;
    this.window[this.next] = x;
    this.sum += x;
    this.sumSquares += x * x;
    this.next = (this.next + 1) % this.period;
    if (this.count < this.period) return this.value;
    const middle = this.sum / this.period;
    const variance = this.sumSquares / this.period - middle * middle;
    const spread = variance > 0 ? Math.sqrt(variance) * this.deviations : 0;
    this.value = { upper: middle + spread, middle, lower: middle - spread };
    return this.value;
  }
}
