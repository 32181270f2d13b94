// Turns one date's scores into the top-K picks with the blueprint's scanner fields. Pure arithmetic on
// the scores, so every field can be checked by hand (docs/ranking-scanner.md has the same definitions).
//
// Notation: the scores sorted descending are s₁ ≥ s₂ ≥ … ≥ sₙ (ties broken by symbol name, so the order
// is total and repeatable); K is topK.
import type { Confidence, ScannerMeasures } from '../../domain/intent.ts';

export interface SymbolScore {
  symbol: string;
  /** The model's predicted next-period log return. */
  score: number;
}

/** Gap thresholds in score units (log return): how clearly the top-K stands apart from the rest. */
export interface ConfidenceThresholds {
  /** score_gap ≥ highGap → 'high'. */
  highGap: number;
  /** score_gap ≥ mediumGap (and < highGap) → 'medium'; below → 'low'. */
  mediumGap: number;
}

export interface RankedPick {
  symbol: string;
  /** 1 for the best score. */
  rank: number;
  side: 'BUY';
  scanner: ScannerMeasures;
}

/** 'high' when scoreGap ≥ highGap, 'medium' when ≥ mediumGap, else 'low'. */
export function confidenceFor(scoreGap: number, thresholds: ConfidenceThresholds): Confidence {
  if (scoreGap >= thresholds.highGap) return 'high';
  if (scoreGap >= thresholds.mediumGap) return 'medium';
  return 'low';
}

export function checkThresholds(thresholds: ConfidenceThresholds): void {
  const { highGap, mediumGap } = thresholds;
  if (!(Number.isFinite(highGap) && Number.isFinite(mediumGap) && highGap >= mediumGap && mediumGap >= 0)) {
    throw new RangeError(
      `confidence thresholds need highGap ≥ mediumGap ≥ 0, got ${highGap} and ${mediumGap}`,
    );
  }
}

/** Scores best first; equal scores in symbol order. */
export function sortByScore(scores: readonly SymbolScore[]): SymbolScore[] {
  return [...scores].sort(
    (a, b) => b.score - a.score || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0),
  );
}

/** s_K − s_{K+1} of a date's scores (the score gap of rankTopK); 0 with fewer than K + 1 symbols. */
export function scoreGapOf(scores: readonly SymbolScore[], topK: number): number {
  return gapOfRanked(sortByScore(scores), topK);
}

function gapOfRanked(ranked: readonly SymbolScore[], topK: number): number {
  const kth = ranked[topK - 1];
  const outsider = ranked[topK];
  return kth && outsider ? kth.score - outsider.score : 0;
}

/**
 * The top-K of one date's cross-section, long-only: a symbol in the top K is picked (BUY) only if its
 * score is > 0, so fewer than K picks — or none — come back when the model expects few gains. The fields
 * are measured on the ranking of every symbol, whether picked or not:
 *
 * - score        = sᵢ, the pick's predicted next-period log return.
 * - scoreGap     = s_K − s_{K+1}: the separation at the cut. 0 when there are fewer than K + 1 symbols.
 * - dropDistance = sᵢ − s_{K+1}: how far this pick's score would have to fall, the others unchanged, to
 *                  reach the first symbol outside the top K. The K-th pick's dropDistance equals scoreGap.
 *                  0 when there are fewer than K + 1 symbols (no symbol outside to be overtaken by).
 * - topkSpread   = s₁ − s_m with m = min(K, n): how spread out the top K are.
 * - confidence   = confidenceFor(scoreGap): the same for every pick of the date.
 */
export function rankTopK(
  scores: readonly SymbolScore[],
  topK: number,
  thresholds: ConfidenceThresholds,
): RankedPick[] {
  if (!Number.isInteger(topK) || topK < 1)
    throw new RangeError(`topK must be a whole number ≥ 1, got ${topK}`);
  checkThresholds(thresholds);
  const bad = scores.find((s) => !Number.isFinite(s.score));
  if (bad)
    throw new RangeError(`score of ${bad.symbol} is ${bad.score}: the model must return finite predictions`);

  const ranked = sortByScore(scores);
  const scoreAt = (rank: number) => (ranked[rank - 1] as SymbolScore).score;
  const n = ranked.length;
  if (n === 0) return [];
  const hasOutsider = n > topK;
  const outsider = hasOutsider ? scoreAt(topK + 1) : 0;
  const scoreGap = gapOfRanked(ranked, topK);
  const topkSpread = scoreAt(1) - scoreAt(Math.min(topK, n));
  const confidence = confidenceFor(scoreGap, thresholds);

  return ranked
    .slice(0, topK)
    .map((entry, i) => ({ entry, rank: i + 1 }))
    .filter(({ entry }) => entry.score > 0)
    .map(({ entry, rank }) => ({
      symbol: entry.symbol,
      rank,
      side: 'BUY' as const,
      scanner: {
        score: entry.score,
        confidence,
        scoreGap,
        dropDistance: hasOutsider ? entry.score - outsider : 0,
        topkSpread,
      },
    }));
}
