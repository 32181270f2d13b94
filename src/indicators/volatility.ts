// Log returns and their rolling standard deviation (sample, n − 1), in O(1) per update.

export class LogReturn {
  private previous = Number.NaN;
  value = Number.NaN;

  /** ln(close / previous close); NaN for the first value or a non-positive price. */
  update(close: number): number {
    const previous = this.previous;
    this.previous = close;
    this.value = previous > 0 && close > 0 ? Math.log(close / previous) : Number.NaN;
    return this.value;
  }
}

/** Sample standard deviation of the last `period` values, by Welford's update with removal. */
export class RollingStdDev {
  private readonly window: Float64Array;
  private count = 0;
  private next = 0;
  private mean = 0;
  private m2 = 0;
  value = Number.NaN;

  constructor(readonly period: number) {
    if (!Number.isInteger(period) || period < 2)
      throw new RangeError(`window must be a whole number ≥ 2, got ${period}`);
    this.window = new Float64Array(period);
  }

  update(x: number): number {
    if (this.count < this.period) {
      this.count++;
      const delta = x - this.mean;
      this.mean += delta / this.count;
      this.m2 += delta * (x - this.mean);
    } else {
      const old = this.window[this.next] as number;
      const oldMean = this.mean;
      this.mean += (x - old) / this.period;
      this.m2 += (x - old) * (x - this.mean + old - oldMean);
    }
    this.window[this.next] = x;
    this.next = (this.next + 1) % this.period;
    this.value =
      this.count === this.period ? Math.sqrt(Math.max(0, this.m2) / (this.period - 1)) : Number.NaN;
    return this.value;
  }
}

/** Rolling volatility: the standard deviation of log returns over `period` returns. */
export class RollingVolatility {
  private readonly returns = new LogReturn();
  private readonly deviation: RollingStdDev;
  value = Number.NaN;

  constructor(readonly period: number) {
    this.deviation = new RollingStdDev(period);
  }

  update(close: number): number {
    const r = this.returns.update(close);
    if (Number.isNaN(r)) return this.value;
    return (this.value = this.deviation.update(r));
  }
}
