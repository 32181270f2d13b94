// The probability of backtest overfitting answers: "if I pick the setting that did best on one part of
// the data, how often does it end up in the worse half on the part it has not seen?"
//
// Bailey, Borwein, López de Prado & Zhu, "The Probability of Backtest Overfitting" (Journal of
// Computational Finance 20(4), 2017; SSRN 2013/2015), by combinatorially symmetric cross-validation
// (CSCV): the periods are cut into S contiguous blocks; every choice of S/2 blocks is once the in-sample
// half and the rest its out-of-sample half. For each split the in-sample best setting n* is located among
// all settings out of sample: ω = its rank / (N + 1), λ = ln(ω / (1 − ω)). PBO is the share of splits with
// λ ≤ 0, i.e. where n* did no better than the median setting out of sample.
//
// Conventions (the paper leaves them open):
// - Performance is the Sharpe ratio mean / std (std with n − 1) of a setting's returns over the half's
//   concatenated periods. A half without variation has Sharpe +∞ or −∞ by the sign of its mean (steady
//   gains beat any noisy ones) and 0 when its mean is 0 too (a setting that did not trade).
// - T not divisible by S: the remainder periods are dropped from the START, so the most recent are kept.
// - Each half must hold at least 2 periods for a deviation, so a block may be one period only when S ≥ 4.
// - In-sample ties go to the lowest setting index, for determinism; out-of-sample ties share their
//   average rank, so identical settings put n* exactly at the median: λ = 0 counts as overfit, since the
//   selection bought nothing.
// - Splits are enumerated in lexicographic order of their in-sample blocks: `logits[i]` is the i-th.
//
// Cost: per-block sums and sums of squares are taken once per setting (O(N·T)); each split then costs
// O(N·S). N = 500, T = 1000, S = 16 (12,870 splits) took 0.6–0.75 s on the development machine.

export interface Overfitting {
  /** Share of splits, 0..1, whose in-sample best fell to or below the median out of sample. */
  pbo: number;
  /** Splits evaluated: C(S, S/2). */
  combinations: number;
  /** λ of each split, in enumeration order. */
  logits: number[];
}

/** C(20, 10) = 184,756 splits is the most we evaluate: beyond, the run would take minutes for hundreds of settings. */
export const MAX_BLOCKS = 20;

// A variance this small against the mean square is what the subtraction Σx² − (Σx)·mean leaves of a
// constant series by rounding; a real one would be a per-period Sharpe ratio above 10⁵.
const ZERO_VARIANCE = 1e-10;

export function probabilityOfOverfitting(returns: readonly ArrayLike<number>[], blocks: number): Overfitting {
  const blockSize = validate(returns, blocks);
  const settings = returns.length;
  const { sums, squares } = blockMoments(returns, blocks, blockSize);
  const half = blocks / 2;
  const count = half * blockSize;
  const inSample = new Float64Array(settings);
  const outOfSample = new Float64Array(settings);
  const isIn = new Uint8Array(blocks);
  const logits: number[] = [];
  let overfit = 0;

  for (const chosen of lexicographicHalves(blocks)) {
    isIn.fill(0);
    for (const b of chosen) isIn[b] = 1;
    for (let n = 0; n < settings; n++) {
      let sIn = 0;
      let qIn = 0;
      let sOut = 0;
      let qOut = 0;
      const row = n * blocks;
      for (let b = 0; b < blocks; b++) {
        const s = sums[row + b] as number;
        const q = squares[row + b] as number;
        if (isIn[b] === 1) {
          sIn += s;
          qIn += q;
        } else {
          sOut += s;
          qOut += q;
        }
      }
      inSample[n] = sharpe(sIn, qIn, count);
      outOfSample[n] = sharpe(sOut, qOut, count);
    }
    const best = firstMax(inSample);
    const rank = averageRank(outOfSample, best);
    logits.push(Math.log(rank / (settings + 1 - rank)));
    if (2 * rank <= settings + 1) overfit++;
  }
  return { pbo: overfit / logits.length, combinations: logits.length, logits };
}

/** Checks the input and returns the block size, in periods. */
function validate(returns: readonly ArrayLike<number>[], blocks: number): number {
  if (returns.length < 2) {
    throw new RangeError(`the probability of overfitting needs at least 2 settings, got ${returns.length}`);
  }
  if (!Number.isInteger(blocks) || blocks < 2 || blocks % 2 !== 0 || blocks > MAX_BLOCKS) {
    throw new RangeError(
      `the number of blocks must be an even whole number from 2 to ${MAX_BLOCKS}, got ${blocks}`,
    );
  }
  const periods = (returns[0] as ArrayLike<number>).length;
  returns.forEach((series, n) => {
    if (series.length !== periods) {
      throw new RangeError(
        `every setting needs the same number of periods: setting ${n} has ${series.length}, setting 0 has ${periods}`,
      );
    }
    for (let t = 0; t < periods; t++) {
      if (!Number.isFinite(series[t])) {
        throw new RangeError(`setting ${n}'s return in period ${t} is not a finite number: ${series[t]}`);
      }
    }
  });
  // Each half (blocks/2 blocks) needs 2 periods for a standard deviation.
  const minBlockSize = Math.max(1, Math.ceil(2 / (blocks / 2)));
  const blockSize = Math.floor(periods / blocks);
  if (blockSize < minBlockSize) {
    throw new RangeError(
      `${blocks} blocks need at least ${blocks * minBlockSize} periods (each half at least 2), got ${periods}`,
    );
  }
  return blockSize;
}

/** Per setting and block (row-major, setting × block): the sum and the sum of squares of its returns. */
function blockMoments(
  returns: readonly ArrayLike<number>[],
  blocks: number,
  blockSize: number,
): { sums: Float64Array; squares: Float64Array } {
  const sums = new Float64Array(returns.length * blocks);
  const squares = new Float64Array(returns.length * blocks);
  returns.forEach((series, n) => {
    const start = series.length - blocks * blockSize; // the remainder is dropped from the start
    for (let b = 0; b < blocks; b++) {
      let s = 0;
      let q = 0;
      for (let t = start + b * blockSize, end = t + blockSize; t < end; t++) {
        const x = series[t] as number;
        s += x;
        q += x * x;
      }
      sums[n * blocks + b] = s;
      squares[n * blocks + b] = q;
    }
  });
  return { sums, squares };
}

/** Mean / std (n − 1) from the sum and sum of squares of n returns; ±∞ or 0 without variation. */
function sharpe(sum: number, squares: number, n: number): number {
  const mean = sum / n;
  const variance = (squares - sum * mean) / (n - 1);
  if (variance <= ZERO_VARIANCE * (squares / n)) return mean > 0 ? Infinity : mean < 0 ? -Infinity : 0;
  return mean / Math.sqrt(variance);
}

/** Index of the largest value, the lowest index among equals. */
function firstMax(values: Float64Array): number {
  let best = 0;
  for (let n = 1; n < values.length; n++) if ((values[n] as number) > (values[best] as number)) best = n;
  return best;
}

/** Rank of values[at] from 1 (lowest) to values.length (highest); ties share their average rank. */
function averageRank(values: Float64Array, at: number): number {
  const value = values[at] as number;
  let below = 0;
  let equal = 0;
  for (const v of values) {
    if (v < value) below++;
    else if (v === value) equal++;
  }
  return below + (equal + 1) / 2;
}

/** Every choice of blocks/2 of the blocks 0..blocks−1, ascending within, in lexicographic order. */
function* lexicographicHalves(blocks: number): Generator<readonly number[]> {
  const half = blocks / 2;
  const chosen = Array.from({ length: half }, (_, i) => i);
  for (;;) {
    yield chosen;
    let i = half - 1;
    while (i >= 0 && (chosen[i] as number) === blocks - half + i) i--;
    if (i < 0) return;
    chosen[i] = (chosen[i] as number) + 1;
    for (let j = i + 1; j < half; j++) chosen[j] = (chosen[j - 1] as number) + 1;
  }
}
