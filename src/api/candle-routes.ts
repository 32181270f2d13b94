// A symbol's candles with Sigil's trades on them, for the dashboard's candle chart: entries and exits as
// markers on the bar they happened in, the stops of open positions as levels. Times are in seconds, as
// lightweight-charts takes them.
import type { Candle } from '../domain/candle.ts';
import type { Position } from '../domain/position.ts';
import { HttpError, knownVariant, type ApiContext, type Route } from './route.ts';
import { candlesQuery, parseQuery } from './validation.ts';

/**
 * One entry or exit, with what the page needs to filter markers by variant and to merge the trades of
 * one bar into one marker (src/web/sigil-charts.js `declutter`); `text` names the trade in full.
 */
export interface ChartMarker {
  time: number;
  position: 'aboveBar' | 'belowBar';
  shape: 'arrowUp' | 'arrowDown' | 'circle';
  color: string;
  text: string;
  variant: string;
  kind: 'entry' | 'exit';
  /** The exit's P&L; 0 on an entry. */
  pnl: number;
}

const ENTRY_COLOR = '#2962ff';
const WIN_COLOR = '#2b8a3e';
const LOSS_COLOR = '#c92a2a';

export const CANDLE_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/candles\/([^/]+)$/,
    mutating: false,
    async handle(ctx, req) {
      const query = parseQuery(candlesQuery, req.query);
      const symbol = decodeURIComponent(req.params[0] ?? '');
      if (!ctx.candles) {
        return { status: 200, json: { symbol, available: false, candles: [], markers: [], stops: [] } };
      }
      if (!ctx.candles.symbols.includes(symbol))
        throw new HttpError(404, `no candles for symbol "${symbol}"`);
      const end = query.to ?? (await lastActivity(ctx));
      const all = await ctx.candles.candles(symbol);
      const shown = lastBarsUpTo(all, end, query.limit);
      const positions = await positionsOf(ctx, symbol, query.variant, shown[0]?.time ?? end);
      return {
        status: 200,
        json: {
          symbol,
          available: true,
          candles: shown.map((c) => ({
            time: seconds(c.time),
            open: c.open,
            high: c.high,
            low: c.low,
            close: c.close,
          })),
          markers: markersOn(shown, positions),
          stops: positions
            .filter((p) => p.closedAt === null)
            .map((p) => ({ price: p.currentStop, title: `${p.variantId} stop`, variant: p.variantId })),
        },
      };
    },
  },
];

/**
 * Where the chart ends by default: the bot's last scan. A running bot scanned within the last bar; a
 * backtest's store (served by `sigil dashboard` long after) ends where its replay did, not today.
 */
async function lastActivity(ctx: ApiContext): Promise<number> {
  const now = ctx.clock.now();
  const scans = (await ctx.store.heartbeats()).map((hb) => hb.lastScanEnd ?? hb.lastScanStart ?? 0);
  const last = Math.max(0, ...scans);
  return last > 0 ? Math.min(now, last) : now;
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** The last `limit` bars that had opened by `end` (a replay's dashboard shows the bot's now, not the data's end). */
function lastBarsUpTo(candles: readonly Candle[], end: number, limit: number): Candle[] {
  let upTo = candles.length;
  while (upTo > 0 && (candles[upTo - 1]?.time ?? 0) > end) upTo--;
  return candles.slice(Math.max(0, upTo - limit), upTo);
}

async function positionsOf(
  ctx: ApiContext,
  symbol: string,
  variant: string | undefined,
  from: number,
): Promise<Position[]> {
  const known = variant === undefined ? undefined : knownVariant(ctx, variant, 'query');
  const open = (await ctx.store.openPositions(known)).filter((p) => p.symbol === symbol);
  // Trades that closed before the first bar shown have no marker to draw.
  const closed = await ctx.store.closedPositions({
    symbol,
    closedAfter: from - 1,
    ...(known === undefined ? {} : { variantId: known }),
  });
  return [...closed, ...open];
}

/** Markers sit on the bar an event happened in; events outside the shown bars are left out. */
function markersOn(candles: readonly Candle[], positions: readonly Position[]): ChartMarker[] {
  const first = candles[0];
  const last = candles[candles.length - 1];
  if (!first || !last) return [];
  const barOf = (at: number): number | null => {
    if (at < first.time) return null;
    let lo = 0;
    let hi = candles.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if ((candles[mid]?.time ?? Infinity) <= at) lo = mid;
      else hi = mid - 1;
    }
    const bar = candles[lo];
    // Past the last bar's own length the event belongs to a bar not shown yet.
    const barLength = candles.length > 1 ? last.time - (candles[candles.length - 2]?.time ?? 0) : 0;
    if (!bar || (bar === last && at > last.time + barLength)) return null;
    return seconds(bar.time);
  };
  const markers: ChartMarker[] = [];
  for (const p of positions) {
    const entry = barOf(p.openedAt);
    if (entry !== null) {
      const long = p.side === 'long';
      markers.push({
        time: entry,
        position: long ? 'belowBar' : 'aboveBar',
        shape: long ? 'arrowUp' : 'arrowDown',
        color: ENTRY_COLOR,
        text: `${p.variantId} ${p.side}`,
        variant: p.variantId,
        kind: 'entry',
        pnl: 0,
      });
    }
    const exit = p.closedAt === null ? null : barOf(p.closedAt);
    if (exit !== null) {
      const pnl = p.pnl ?? 0;
      markers.push({
        time: exit,
        position: p.side === 'long' ? 'aboveBar' : 'belowBar',
        shape: 'circle',
        color: pnl >= 0 ? WIN_COLOR : LOSS_COLOR,
        text: `${p.variantId} ${p.exitReason ?? 'exit'} ${pnl >= 0 ? '+' : ''}${pnl.toFixed(2)}`,
        variant: p.variantId,
        kind: 'exit',
        pnl,
      });
    }
  }
  // lightweight-charts wants markers in time order.
  return markers.sort((a, b) => a.time - b.time);
}
