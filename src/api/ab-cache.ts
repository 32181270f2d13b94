// The A/B verdict is a bootstrap (10 000 resamples per comparison): about a second on a year of a busy
// bot's trades, far too slow for a page that refreshes every 2 s. It changes only when a trade closes,
// so the server keeps the last verdict with the closed trades it was computed from.
import { compareAll, type AbComparison } from '../backtest/ab-test.ts';
import type { Position } from '../domain/position.ts';

export class AbVerdictCache {
  private last: { key: string; ab: AbComparison[] } | null = null;

  verdict(variants: readonly string[], closed: readonly Position[]): AbComparison[] {
    const key = cacheKey(variants, closed);
    if (this.last?.key === key) return this.last.ab;
    const ab = compareAll(
      variants.map((id) => ({
        id,
        pnls: closed.filter((p) => p.variantId === id && p.pnl !== null).map((p) => p.pnl as number),
      })),
    );
    this.last = { key, ab };
    return ab;
  }
}

/** The closed trades as the verdict sees them: which, in what order, with what P&L. */
function cacheKey(variants: readonly string[], closed: readonly Position[]): string {
  let hash = 0;
  for (const p of closed) {
    for (const part of [p.id, String(p.pnl)]) {
      for (let i = 0; i < part.length; i++) hash = (Math.imul(hash, 31) + part.charCodeAt(i)) | 0;
    }
  }
  return `${variants.join(',')}|${closed.length}|${hash}`;
}
