// The deflated Sharpe ratio answers: "after trying this many settings, how likely is it that the best
// one's edge is real and not just the luckiest draw?"
//
// Bailey & López de Prado, "The Deflated Sharpe Ratio: Correcting for Selection Bias, Backtest Overfitting
// and Non-Normality" (Journal of Portfolio Management 40(5), 2014). It is the probabilistic Sharpe ratio
// measured not against 0 but against SR0, the Sharpe ratio the best of N skill-less trials would reach by
// luck alone; the deviation of the estimate accounts for the track length and for skewed, fat-tailed
// returns. Everything here is per period (daily in a sweep), never annualised: annualising changes SR but
// not T, and would inflate the statistic.
//
// Φ and Φ⁻¹ come from stdlib (@stdlib/stats-base-dists-normal-*), accurate to double precision; a
// hand-written or table-based CDF would put its own error into the third decimal that the verdict reads.
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

const EULER_MASCHERONI = 0.5772156649015329;

export interface DeflatedSharpeInput {
  /** The selected (best) setting's per-period Sharpe ratio. */
  sharpe: number;
  /** Its number of return periods, T. */
  observations: number;
  /** Of its returns (see `sampleMoments`). */
  skewness: number;
  /** Of its returns, NOT excess (normal = 3). */
  kurtosis: number;
  /** Settings tried, N (independent trials). */
  trials: number;
  /** Variance of the per-period Sharpe ratios across the trials. */
  sharpeVariance: number;
}

export interface DeflatedSharpe {
  /** Probability in [0, 1] that the true Sharpe ratio is above zero, given the selection. */
  value: number;
  /** SR0: the per-period Sharpe ratio luck alone would reach as the best of `trials`. */
  expectedMaxSharpe: number;
}

const phi = (x: number): number => normalCdf(x, 0, 1);
const phiInverse = (p: number): number => normalQuantile(p, 0, 1);

/**
 * SR0 = √V · ((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))), the expected maximum of N independent Sharpe
 * ratio estimates with true value 0 and variance V (γ = Euler–Mascheroni). 0 for N = 1: a single trial
 * was not selected, so there is no luck of the draw to discount.
 */
export function expectedMaxSharpe(trials: number, sharpeVariance: number): number {
  if (!Number.isInteger(trials) || trials < 1) {
    throw new RangeError(`the number of trials must be a whole number of at least 1, got ${trials}`);
  }
  if (!Number.isFinite(sharpeVariance) || sharpeVariance < 0) {
    throw new RangeError(
      `the variance of the trials' Sharpe ratios must be finite and >= 0, got ${sharpeVariance}`,
    );
  }
  if (trials === 1) return 0;
  const g = EULER_MASCHERONI;
  const maxZ = (1 - g) * phiInverse(1 - 1 / trials) + g * phiInverse(1 - 1 / (trials * Math.E));
  return Math.sqrt(sharpeVariance) * maxZ;
}

/**
 * DSR = Φ((SR − SR0)·√(T − 1) / √(1 − γ3·SR + (γ4 − 1)/4·SR²)). Throws RangeError when it cannot be
 * computed: fewer than 2 observations, a non-finite input (an undefined Sharpe ratio or moment), or a
 * non-positive variance term (extreme skew/kurtosis against a large SR, where the paper's asymptotic
 * deviation breaks down).
 */
export function deflatedSharpe(input: DeflatedSharpeInput): DeflatedSharpe {
  const { sharpe, observations, skewness, kurtosis, trials, sharpeVariance } = input;
  for (const [name, value] of Object.entries(input)) {
    if (!Number.isFinite(value))
      throw new RangeError(`the deflated Sharpe ratio needs a finite ${name}, got ${value}`);
  }
  if (observations < 2) {
    throw new RangeError(`the deflated Sharpe ratio needs at least 2 observations, got ${observations}`);
  }
  const sr0 = expectedMaxSharpe(trials, sharpeVariance);
  const variance = 1 - skewness * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe;
  if (!(variance > 0)) {
    throw new RangeError(
      `the deflated Sharpe ratio is undefined here: 1 − skewness·SR + (kurtosis − 1)/4·SR² = ${variance} is not positive`,
    );
  }
  const z = ((sharpe - sr0) * Math.sqrt(observations - 1)) / Math.sqrt(variance);
  return { value: phi(z), expectedMaxSharpe: sr0 };
}
