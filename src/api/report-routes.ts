// The store's results as the backtest report computes them — per-variant metrics, exit-reason stats and
// the A/B verdict — plus the chart data the dashboard draws with the report's own charts.
import { buildReport, type Report } from '../backtest/backtest-report.ts';
import { equityCurve, exitBars, variantColors, colorOf } from '../charts/chart-data.ts';
import { ok, type ApiContext, type Route } from './route.ts';
import { emptyQuery, parseQuery } from './validation.ts';

async function storeReport(ctx: ApiContext): Promise<Report> {
  const closed = await ctx.store.closedPositions();
  const now = ctx.clock.now();
  const first = closed.reduce((min, p) => Math.min(min, p.openedAt), now);
  return buildReport({
    from: Math.min(first, now),
    to: now,
    variants: ctx.variants.map((id) => ({ id, startingBalance: ctx.profile(id).startingBalance })),
    closed,
    ab: ctx.abVerdicts.verdict(ctx.variants, closed),
  });
}

export const REPORT_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/report$/,
    mutating: false,
    async handle(ctx, req) {
      parseQuery(emptyQuery, req.query);
      const report = await storeReport(ctx);
      const colors = variantColors(report.variants);
      return ok({
        from: report.from,
        to: report.to,
        variants: report.variants,
        ab: report.ab,
        equity: report.variants.map((v) => ({
          variant: v.variantId,
          color: colorOf(colors, v.variantId),
          points: equityCurve(report, v.variantId, ctx.profile(v.variantId).startingBalance),
        })),
        exits: exitBars(report.variants, colors),
      });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/exits$/,
    mutating: false,
    async handle(ctx, req) {
      parseQuery(emptyQuery, req.query);
      const report = await storeReport(ctx);
      return ok({ exits: report.variants.map((v) => ({ variant: v.variantId, stats: v.exits })) });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/ab$/,
    mutating: false,
    async handle(ctx, req) {
      parseQuery(emptyQuery, req.query);
      return ok({ ab: (await storeReport(ctx)).ab });
    },
  },
];
