// Reads what /metrics reports from the store: one pass per scrape.
import { firmDay } from '../compliance/firm-day.ts';
import type { EquitySnapshot } from '../domain/ports/store.ts';
import type { MetricsInput, RequestBudget, VariantDrawdown } from './metrics.ts';
import type { ApiContext } from './route.ts';
import { latestEquity } from './routes.ts';

export async function metricsInput(ctx: ApiContext): Promise<MetricsInput> {
  const now = ctx.clock.now();
  const latest: EquitySnapshot[] = [];
  const drawdowns: VariantDrawdown[] = [];
  const budgets: RequestBudget[] = [];
  const tradingStates = [];
  for (const variant of ctx.variants) {
    const snapshot = await latestEquity(ctx, variant);
    if (snapshot) latest.push(snapshot);
    drawdowns.push({ variant, ratio: drawdownRatio(await ctx.store.equitySnapshots(variant)) });
    tradingStates.push(await ctx.store.tradingState(variant));
    const { compliance, accountKey } = ctx.profile(variant);
    if (compliance && accountKey) {
      const used = await ctx.store.apiCalls(accountKey, firmDay(now, compliance.dayZone).day);
      budgets.push({ variant, used, limits: compliance.requests });
    }
  }
  return {
    now,
    variants: ctx.variants,
    counts: await ctx.store.countByStatus(),
    heartbeats: await ctx.store.heartbeats(),
    latestEquity: latest,
    tradingStates,
    drawdowns,
    requestBudgets: budgets,
  };
}

/** Current drawdown from the equity peak, 0..1, over every snapshot (0 without snapshots). */
export function drawdownRatio(snapshots: readonly EquitySnapshot[]): number {
  let peak = -Infinity;
  for (const s of snapshots) peak = Math.max(peak, s.equity);
  const last = snapshots[snapshots.length - 1];
  if (!last || !(peak > 0)) return 0;
  return Math.max(0, (peak - last.equity) / peak);
}
