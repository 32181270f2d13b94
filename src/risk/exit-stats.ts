// Exit analytics per variant: the breakdown that showed the seed's hard stops erasing 8–30 trail wins
// each. Kept as a pure function of closed positions so a report and a regression test read the same
// numbers.
import type { VariantId } from '../domain/ids.ts';
import { EXIT_REASONS, type ExitReason, type Position } from '../domain/position.ts';

export interface ExitReasonStats {
  reason: ExitReason;
  count: number;
  /** Of the variant's exits, 0..1. */
  share: number;
  avgPnl: number;
  totalPnl: number;
  /** Share of these exits with pnl > 0, 0..1. */
  winRate: number;
}

export interface VariantExitStats {
  variantId: VariantId;
  trades: number;
  totalPnl: number;
  winRate: number;
  /** In EXIT_REASONS order, only reasons that occurred. */
  byReason: ExitReasonStats[];
  /** Mean |pnl| of hard_stop exits with pnl < 0. */
  avgHardStopLoss: number | null;
  /** Mean pnl of atr_trail exits with pnl > 0. */
  avgTrailWin: number | null;
  /** avgHardStopLoss / avgTrailWin: how many trail wins one stop-out erases (the seed saw 8–30). */
  winLossRatio: number | null;
}

interface Exit {
  reason: ExitReason;
  pnl: number;
}

/** Stats per variant, sorted by variantId; open positions (no closedAt, pnl or exitReason) are ignored. */
export function exitStats(positions: readonly Position[]): VariantExitStats[] {
  const byVariant = new Map<VariantId, Exit[]>();
  for (const p of positions) {
    if (p.closedAt === null || p.pnl === null || p.exitReason === null) continue;
    const exits = byVariant.get(p.variantId) ?? [];
    exits.push({ reason: p.exitReason, pnl: p.pnl });
    byVariant.set(p.variantId, exits);
  }
  // Code-unit order, not localeCompare: the report must not change with the host's locale.
  return [...byVariant.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((id) => variantStats(id, byVariant.get(id) ?? []));
}

function variantStats(variantId: VariantId, exits: readonly Exit[]): VariantExitStats {
  const byReason: ExitReasonStats[] = [];
  for (const reason of EXIT_REASONS) {
    const pnls = exits.filter((e) => e.reason === reason).map((e) => e.pnl);
    if (pnls.length === 0) continue;
    const totalPnl = sum(pnls);
    byReason.push({
      reason,
      count: pnls.length,
      share: pnls.length / exits.length,
      avgPnl: totalPnl / pnls.length,
      totalPnl,
      winRate: wins(pnls) / pnls.length,
    });
  }
  const pnls = exits.map((e) => e.pnl);
  const avgHardStopLoss = mean(
    exits.filter((e) => e.reason === 'hard_stop' && e.pnl < 0).map((e) => Math.abs(e.pnl)),
  );
  const avgTrailWin = mean(exits.filter((e) => e.reason === 'atr_trail' && e.pnl > 0).map((e) => e.pnl));
  return {
    variantId,
    trades: exits.length,
    totalPnl: sum(pnls),
    winRate: wins(pnls) / exits.length,
    byReason,
    avgHardStopLoss,
    avgTrailWin,
    // avgTrailWin is a mean of positive numbers, so the division is safe whenever both exist.
    winLossRatio: avgHardStopLoss !== null && avgTrailWin !== null ? avgHardStopLoss / avgTrailWin : null,
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, v) => total + v, 0);
}

function wins(pnls: readonly number[]): number {
  return pnls.filter((p) => p > 0).length;
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : sum(values) / values.length;
}
