// ADX as TA-Lib's TA_ADX computes it (Wilder's directional movement). Per bar from the second: +DM is the
// rise of the high, −DM the fall of the low, only the larger counts (−DM when it exceeds +DM, +DM when it
// exceeds −DM and is positive); the true range as ATR's. The first period − 1 of them are summed; then
// each bar decays the sums by 1/period before adding (Wilder), gives +DI = 100·(+DM/TR), −DI likewise and
// DX = 100·|+DI − −DI| / (+DI + −DI). The first ADX is the mean of `period` DX values (index 2·period − 1,
// TA-Lib's lookback), then ADX ← (ADX·(period − 1) + DX) / period. Sums below 1e-8 count as zero, as
// TA_IS_ZERO does.
import { TrueRange } from './true-range.ts';

const isZero = (v: number): boolean => v > -1e-8 && v < 1e-8;

export class Adx {
  private readonly trueRange = new TrueRange();
  private previousHigh = Number.NaN;
  private previousLow = Number.NaN;
  private bars = 0;
  private plusDm = 0;
  private minusDm = 0;
  private tr = 0;
  private dxSum = 0;
  /** NaN until 2 × period bars have been seen. */
  value = Number.NaN;

  constructor(readonly period = 14) {
    if (!Number.isInteger(period) || period < 2)
      throw new RangeError(`ADX period must be a whole number ≥ 2, got ${period}`);
  }

  update(high: number, low: number, close: number): number {
    const range = this.trueRange.update(high, low, close);
    const up = high - this.previousHigh;
    const down = this.previousLow - low;
    this.previousHigh = high;
    this.previousLow = low;
    const bar = this.bars++;
    if (bar === 0) return this.value;
    let plus = 0;
    let minus = 0;
    if (down > 0 && up < down) minus = down;
    else if (up > 0 && up > down) plus = up;
    const p = this.period;
    if (bar < p) {
      // The first period − 1 movements and ranges are summed as they are.
      this.plusDm += plus;
      this.minusDm += minus;
      this.tr += range;
      return this.value;
    }
    this.plusDm = this.plusDm - this.plusDm / p + plus;
    this.minusDm = this.minusDm - this.minusDm / p + minus;
    this.tr = this.tr - this.tr / p + range;
    const dx = this.directionalIndex();
    if (bar < 2 * p - 1) {
      if (dx !== null) this.dxSum += dx;
      return this.value;
    }
    if (bar === 2 * p - 1) {
      if (dx !== null) this.dxSum += dx;
      this.value = this.dxSum / p;
    } else if (dx !== null) {
      this.value = (this.value * (p - 1) + dx) / p;
    }
    return this.value;
  }

  /** DX of the current sums; null where TA-Lib skips it (no range, or no movement either way). */
  private directionalIndex(): number | null {
    if (isZero(this.tr)) return null;
    const minusDi = 100 * (this.minusDm / this.tr);
    const plusDi = 100 * (this.plusDm / this.tr);
    const sum = minusDi + plusDi;
    if (isZero(sum)) return null;
    return 100 * (Math.abs(minusDi - plusDi) / sum);
  }
}
