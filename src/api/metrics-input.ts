// Reads what /metrics reports from the store: one pass per scrape.
import { firmDay } from '../compliance/firm-day.ts';
import type { EquityHeadline, EquitySnapshot } from '../domain/ports/store.ts';
import type { MetricsInput, RequestBudget, VariantDrawdown } from './metrics.ts';
import type { ApiContext } from './route.ts';

export async function metricsInput(ctx: ApiContext): Promise<MetricsInput> {
  const now = ctx.clock.now();
  const latest: EquitySnapshot[] = [];
  const drawdowns: VariantDrawdown[] = [];
  const budgets: RequestBudget[] = [];
  const tradingStates = [];
  for (const variant of ctx.variants) {
    const headline = await ctx.store.equityHeadline(variant);
    if (headline.latest) latest.push(headline.latest);
    drawdowns.push({ variant, ratio: drawdownRatio(headline) });
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

/** Current drawdown below the highest snapshot, 0..1 (0 without snapshots). */
export function drawdownRatio({ latest, peak }: EquityHeadline): number {
  if (latest === null || peak === null || !(peak > 0)) return 0;
  return Math.max(0, (peak - latest.equity) / peak);
}
