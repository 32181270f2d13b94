// Positions and trades through the API: the open positions marked at the last price (the dashboard's
// open-positions panel), the closed trades a page at a time in the order asked (its trades table), and
// the exit by hand behind the token (its Exit button) — run by the process that owns the variant.
import type { Candle } from '../domain/candle.ts';
import type { Position } from '../domain/position.ts';
import { tradeRows, type TradeRow } from '../backtest/metrics.ts';
import { lastCloseBy, markPosition, type MarkPrice } from '../risk/position-mark.ts';
import { API_EXIT_ACTOR, HttpError, knownVariant, ok, param, type ApiContext, type Route } from './route.ts';
import {
  exitBody,
  parseBody,
  parseQuery,
  positionsQuery,
  tradesQuery,
  type TradeSortKey,
} from './validation.ts';

export const POSITION_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/positions$/,
    mutating: false,
    async handle(ctx, req) {
      const query = parseQuery(positionsQuery, req.query);
      const variant = query.variant === undefined ? undefined : knownVariant(ctx, query.variant, 'query');
      if (query.state === 'closed') {
        return ok({
          positions: await ctx.store.closedPositions(variant === undefined ? {} : { variantId: variant }),
        });
      }
      const now = ctx.clock.now();
      const open = (await ctx.store.openPositions(variant)).filter((p) => ctx.variants.includes(p.variantId));
      const marks = await lastCloses(ctx, open, now);
      return ok({
        now,
        priceSource: ctx.candles
          ? 'the last closed bar of the candles this dashboard charts'
          : 'none: this dashboard has no candles (no unrealised P&L)',
        positions: open.map((p) => markPosition(p, marks.get(p.symbol) ?? null, ctx.terms(p.symbol), now)),
      });
    },
  },
  {
    // The closed trades as the backtest's --json lists them (the full trade record, plus each position's
    // id and exit tag), sorted and paged: `total` counts them all.
    method: 'GET',
    pattern: /^\/api\/trades$/,
    mutating: false,
    async handle(ctx, req) {
      const query = parseQuery(tradesQuery, req.query);
      const variant = query.variant === undefined ? undefined : knownVariant(ctx, query.variant, 'query');
      const closed = await ctx.store.closedPositions(variant === undefined ? {} : { variantId: variant });
      // In close order first (as the backtest lists them), so rows with equal keys keep it: the sort is stable.
      const rows = closedInOrder(closed).flatMap((p) =>
        tradeRows([p]).map((row) => ({ id: p.id as string, exitTag: p.exitTag ?? null, ...row })),
      );
      const sorted = sortRows(rows, query.sort, query.order);
      const page = sorted.slice(
        query.offset,
        query.limit === undefined ? undefined : query.offset + query.limit,
      );
      return ok({
        trades: page,
        total: rows.length,
        offset: query.offset,
        limit: query.limit ?? null,
        sort: query.sort,
        order: query.order,
      });
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/variants\/([^/]+)\/positions\/([^/]+)\/exit$/,
    mutating: true,
    async handle(ctx, req) {
      const variantId = knownVariant(ctx, param(req, 0), 'path');
      const symbol = param(req, 1);
      const body = parseBody(exitBody, await req.body());
      if (!ctx.forceExit) {
        throw new HttpError(
          409,
          `this process cannot close ${variantId}'s positions: use the dashboard of the "sigil run" that owns it, or "sigil exit" while none runs`,
        );
      }
      const result = await ctx.forceExit(
        { variantId, symbol, reason: body.reason ?? 'closed through the API', actor: API_EXIT_ACTOR },
        ctx.onEvent,
      );
      if (result.refusal === 'no_position')
        throw new HttpError(404, result.refused ?? 'no such open position');
      if (result.refusal === 'unavailable') throw new HttpError(409, result.refused ?? 'not available here');
      const json = { closed: result.closed, closedMeanwhile: result.closedMeanwhile, failed: result.failed };
      // The broker refused or could not be reached: the positions stay open, and the answer says so.
      if (result.refusal === 'broker') return { status: 502, json: { error: result.refused, ...json } };
      return ok(json);
    },
  },
];

type Row = TradeRow & { id: string; exitTag: string | null };

function closedInOrder(closed: readonly Position[]): Position[] {
  return [...closed].sort(
    (a, b) => (a.closedAt ?? 0) - (b.closedAt ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

function sortRows(rows: Row[], key: TradeSortKey, order: 'asc' | 'desc'): Row[] {
  const sign = order === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    if (x === y) return 0;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    return (x < y ? -1 : 1) * sign;
  });
}

/** Each symbol's last close by `now` from the dashboard's candles (a replay's files, a live bot's bars). */
async function lastCloses(
  ctx: ApiContext,
  open: readonly Position[],
  now: number,
): Promise<Map<string, MarkPrice>> {
  const marks = new Map<string, MarkPrice>();
  if (!ctx.candles) return marks;
  for (const symbol of new Set(open.map((p) => p.symbol))) {
    if (!ctx.candles.symbols.includes(symbol)) continue;
    const mark = lastCloseBy((await ctx.candles.candles(symbol)) as readonly Candle[], now);
    if (mark) marks.set(symbol, mark);
  }
  return marks;
}
