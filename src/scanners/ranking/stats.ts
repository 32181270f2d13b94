// The statistics the evaluation reports: Spearman rank correlation and a mean with its standard error.

/** Ranks 1…n, ties sharing the average of the ranks they span (so Spearman stays exact with ties). */
export function averageRanks(values: readonly number[]): number[] {
  const valueOf = (i: number) => values[i] as number;
  const order = values.map((_, i) => i).sort((a, b) => valueOf(a) - valueOf(b));
  const sortedValue = (k: number) => valueOf(order[k] as number);
  const ranks = Array<number>(values.length).fill(0);
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && sortedValue(end + 1) === sortedValue(start)) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k] as number] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Pearson correlation; NaN when either side has no variance (a correlation is then undefined). */
export function pearson(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new RangeError(`pearson: ${x.length} values against ${y.length}`);
  const n = x.length;
  if (n < 2) return Number.NaN;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

/** Spearman's rank correlation: Pearson on average ranks. NaN when either side is constant. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  return pearson(averageRanks(x), averageRanks(y));
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

export interface MeanEstimate {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1). */
  standardDeviation: number;
  standardError: number;
  /** mean / standardError: how many standard errors the mean lies from 0. */
  tStat: number;
}

/** A mean with its standard error, treating the values as independent draws. */
export function estimateMean(values: readonly number[]): MeanEstimate {
  const n = values.length;
  const m = mean(values);
  if (n < 2)
    return { n, mean: m, standardDeviation: Number.NaN, standardError: Number.NaN, tStat: Number.NaN };
  let squares = 0;
  for (const v of values) squares += (v - m) ** 2;
  const standardDeviation = Math.sqrt(squares / (n - 1));
  const standardError = standardDeviation / Math.sqrt(n);
  return {
    n,
    mean: m,
    standardDeviation,
    standardError,
    tStat: standardError > 0 ? m / standardError : Number.NaN,
  };
}
