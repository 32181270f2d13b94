// The sample moments of a return series that the deflated Sharpe ratio needs: how much a period returns
// on average, how much it varies, and how lopsided and fat-tailed its returns are.
//
// Estimators, chosen to match Bailey & López de Prado ("The Deflated Sharpe Ratio", 2014), whose formulas
// take the plain moment ratios:
// - std uses n − 1 (the Sharpe ratio's deviation, as everywhere else in Sigil);
// - skewness = m3 / m2^1.5 and kurtosis = m4 / m2² with central moments mk = Σ(x − mean)^k / n, i.e. the
//   biased (population-style) estimators, as scipy.stats.skew/kurtosis(fisher=False) compute them.
//   Kurtosis is NOT excess: a normal distribution has 3. The small-sample corrections (G1, G2) would
//   change the result by O(1/n), which is noise at the hundreds of days a sweep covers.
// Two passes (mean first, then deviations) rather than running sums: daily returns are small numbers
// with a smaller mean, where Σx² − (Σx)²/n would cancel digits away.

export interface SampleMoments {
  mean: number;
  /** With n − 1; NaN below 2 observations. */
  std: number;
  /** m3 / m2^1.5; NaN when the series does not vary (or is empty). */
  skewness: number;
  /** m4 / m2², not excess (normal = 3); NaN when the series does not vary (or is empty). */
  kurtosis: number;
  n: number;
}

// A deviation this far below the size of the returns themselves is rounding left over by the mean, not
// variation: treating it as variation would report an absurd Sharpe ratio or skewness instead of
// "undefined". Relative, so it holds for returns in fractions, percent or money.
const ZERO_DEVIATION = 1e-12;

export function sampleMoments(returns: ArrayLike<number>): SampleMoments {
  const n = returns.length;
  if (n === 0) return { mean: NaN, std: NaN, skewness: NaN, kurtosis: NaN, n };
  let sum = 0;
  let largest = 0;
  for (let i = 0; i < n; i++) {
    const x = returns[i] as number;
    sum += x;
    largest = Math.max(largest, Math.abs(x));
  }
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (returns[i] as number) - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const flat = Math.sqrt(m2 / n) <= ZERO_DEVIATION * largest;
  const std = n < 2 ? NaN : flat ? 0 : Math.sqrt(m2 / (n - 1));
  if (flat) return { mean, std, skewness: NaN, kurtosis: NaN, n };
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { mean, std, skewness: m3 / Math.pow(m2, 1.5), kurtosis: m4 / (m2 * m2), n };
}

/**
 * The per-period Sharpe ratio mean / std (std with n − 1, not annualised, no risk-free rate): what the
 * deflated Sharpe ratio takes. NaN below 2 observations or when the returns do not vary, where the ratio
 * is undefined; `deflatedSharpe` refuses NaN, so the caller reports "cannot be computed".
 */
export function dailySharpe(returns: ArrayLike<number>): number {
  const { mean, std } = sampleMoments(returns);
  return std > 0 ? mean / std : NaN;
}
