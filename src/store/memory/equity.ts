// Equity snapshots per variant in time order, one per moment (a second write at the same moment
// replaces it), with the highest equity kept beside them: the headline (latest and peak) a bar and a
// metrics scrape read is two array reads. The peak is looked for again (a scan) only when a rewrite
// lowers the snapshot that held it — never in a replay, which writes each moment once, in order.
import type { EpochMs, VariantId } from '../../domain/ids.ts';
import type { EquityHeadline, EquitySnapshot } from '../../domain/ports/store.ts';
import { lowerBound } from './sorted.ts';
import type { UndoLog } from './undo-log.ts';

interface Series {
  snapshots: EquitySnapshot[];
  /** MAX(equity); -Infinity while empty. */
  peak: number;
}

const byAt = (s: EquitySnapshot, at: EpochMs): number => s.at - at;

export class EquityTable {
  private readonly series = new Map<VariantId, Series>();

  constructor(private readonly undo: UndoLog) {}

  record(s: EquitySnapshot): void {
    const { variantId, at, balance, equity, openPositions } = s;
    let series = this.series.get(variantId);
    if (!series) this.series.set(variantId, (series = { snapshots: [], peak: -Infinity }));
    const { snapshots, peak } = series;
    const next: EquitySnapshot = Object.freeze({ variantId, at, balance, equity, openPositions });
    const last = snapshots[snapshots.length - 1];
    const index = last === undefined || last.at < at ? snapshots.length : lowerBound(snapshots, at, byAt);
    const replaced = snapshots[index]?.at === at ? (snapshots[index] as EquitySnapshot) : null;
    if (replaced) snapshots[index] = next;
    else if (index === snapshots.length) snapshots.push(next);
    else snapshots.splice(index, 0, next);
    if (equity >= peak) series.peak = equity;
    else if (replaced && replaced.equity === peak) series.peak = maxEquity(snapshots);
    const held = series;
    this.undo.record(() => {
      if (replaced) held.snapshots[index] = replaced;
      else held.snapshots.splice(index, 1);
      held.peak = peak;
    });
  }

  /** Snapshots at or after `since`, in time order. */
  since(variantId: VariantId, since?: EpochMs): EquitySnapshot[] {
    const snapshots = this.series.get(variantId)?.snapshots;
    if (!snapshots) return [];
    return since === undefined ? snapshots.slice() : snapshots.slice(lowerBound(snapshots, since, byAt));
  }

  headline(variantId: VariantId): EquityHeadline {
    const series = this.series.get(variantId);
    const latest = series?.snapshots[series.snapshots.length - 1];
    return series && latest ? { latest, peak: series.peak } : { latest: null, peak: null };
  }
}

function maxEquity(snapshots: readonly EquitySnapshot[]): number {
  let peak = -Infinity;
  for (const s of snapshots) if (s.equity > peak) peak = s.equity;
  return peak;
}
