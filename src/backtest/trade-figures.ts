// The figures a trader reads first after the totals (freqtrade's summary): balance and return, profit
// factor, how long trades last, the best and worst trade and pair, the longest losing streak, and one
// line per pair. Pure functions of one variant's closed trades, in close order.
import type { Position } from '../domain/position.ts';

/** What the figures read of a closed position. */
export type FigureTrade = Pick<Position, 'symbol' | 'openedAt'> & { closedAt: number; pnl: number };

export interface PairRow {
  symbol: string;
  trades: number;
  /** Trades with pnl > 0. */
  wins: number;
  /** wins / trades, 0..1. */
  winRate: number;
  totalPnl: number;
  /** Mean time from entry to exit, in ms. */
  avgDurationMs: number;
}

export interface TradePick {
  symbol: string;
  pnl: number;
  exitTime: string;
}

export interface PairPick {
  symbol: string;
  totalPnl: number;
}

export interface TradeFigures {
  startingBalance: number;
  /** Total P&L over the starting balance, in percent (like maxDrawdownPct, not a 0..1 fraction). */
  totalReturnPct: number;
  /** Gross profit over gross loss; null without a losing trade (nothing to divide by, and JSON has no ∞). */
  profitFactor: number | null;
  /** Mean time from entry to exit, in ms; null without trades. */
  avgDurationMs: number | null;
  /** The trade with the highest P&L (the first of equals in close order); null without trades. */
  bestTrade: TradePick | null;
  worstTrade: TradePick | null;
  /** The pair with the highest total P&L; with one pair traded it is also the worst. */
  bestPair: PairPick | null;
  worstPair: PairPick | null;
  /** Longest run of losing trades in close order; a break-even trade ends a run (it lost nothing). */
  maxConsecutiveLosses: number;
  maxConsecutiveWins: number;
  /** One row per symbol traded, highest total P&L first (then by symbol). */
  pairs: PairRow[];
}

export function tradeFigures(trades: readonly FigureTrade[], startingBalance: number): TradeFigures {
  let grossProfit = 0;
  let grossLoss = 0;
  let totalPnl = 0;
  let totalDuration = 0;
  let best: FigureTrade | null = null;
  let worst: FigureTrade | null = null;
  for (const t of trades) {
    totalPnl += t.pnl;
    if (t.pnl > 0) grossProfit += t.pnl;
    if (t.pnl < 0) grossLoss -= t.pnl;
    totalDuration += t.closedAt - t.openedAt;
    if (best === null || t.pnl > best.pnl) best = t;
    if (worst === null || t.pnl < worst.pnl) worst = t;
  }
  const pairs = pairRows(trades);
  const first = pairs[0];
  const last = pairs.at(-1);
  return {
    startingBalance,
    totalReturnPct: (totalPnl / startingBalance) * 100,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : null,
    avgDurationMs: trades.length === 0 ? null : totalDuration / trades.length,
    bestTrade: pick(best),
    worstTrade: pick(worst),
    bestPair: first === undefined ? null : { symbol: first.symbol, totalPnl: first.totalPnl },
    worstPair: last === undefined ? null : { symbol: last.symbol, totalPnl: last.totalPnl },
    maxConsecutiveLosses: longestRun(trades, (pnl) => pnl < 0),
    maxConsecutiveWins: longestRun(trades, (pnl) => pnl > 0),
    pairs,
  };
}

function pairRows(trades: readonly FigureTrade[]): PairRow[] {
  const bySymbol = new Map<string, { trades: number; wins: number; pnl: number; duration: number }>();
  for (const t of trades) {
    const row = bySymbol.get(t.symbol) ?? { trades: 0, wins: 0, pnl: 0, duration: 0 };
    row.trades++;
    if (t.pnl > 0) row.wins++;
    row.pnl += t.pnl;
    row.duration += t.closedAt - t.openedAt;
    bySymbol.set(t.symbol, row);
  }
  return [...bySymbol]
    .map(([symbol, r]) => ({
      symbol,
      trades: r.trades,
      wins: r.wins,
      winRate: r.wins / r.trades,
      totalPnl: r.pnl,
      avgDurationMs: r.duration / r.trades,
    }))
    .sort((a, b) => b.totalPnl - a.totalPnl || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}

function pick(trade: FigureTrade | null): TradePick | null {
  return trade === null
    ? null
    : { symbol: trade.symbol, pnl: trade.pnl, exitTime: new Date(trade.closedAt).toISOString() };
}

function longestRun(trades: readonly FigureTrade[], counts: (pnl: number) => boolean): number {
  let longest = 0;
  let run = 0;
  for (const t of trades) {
    run = counts(t.pnl) ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}
