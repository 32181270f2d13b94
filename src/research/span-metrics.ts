// A sweep's figures of one setting over one span — the whole run, a walk-forward window, a half — from
// its trades as columns. The same formulas as the backtest report (metrics.ts): the config's own setting
// shows the numbers `sigil backtest` shows for it.
import { annualisedRatios, dailyReturns, drawdowns } from '../backtest/metrics.ts';
import type { Objective, SpanMetrics } from './sweep-report.ts';
import type { TradeColumns } from './trade-columns.ts';

export interface Span {
  from: number;
  /** Exclusive. */
  to: number;
}

/**
 * The figures of `trades` (already the span's: entered in it). Their daily returns run from the span's
 * start to its end, or to the last close when a trade entered in the span closed after it.
 */
export function spanMetrics(trades: TradeColumns, span: Span, startingBalance: number): SpanMetrics {
  const pnls = Array.from(trades.pnl);
  const count = pnls.length;
  let totalPnl = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let wins = 0;
  for (const pnl of pnls) {
    totalPnl += pnl;
    if (pnl > 0) {
      grossProfit += pnl;
      wins++;
    } else if (pnl < 0) {
      grossLoss -= pnl;
    }
  }
  const lastClose = count === 0 ? span.to : Math.max(span.to, trades.closedAt[count - 1] as number);
  const closes = pnls.map((pnl, i) => ({ closedAt: trades.closedAt[i] as number, pnl }));
  const returns = dailyReturns(closes, { startingBalance, from: span.from, to: lastClose });
  return {
    trades: count,
    totalPnl,
    expectancy: count === 0 ? 0 : totalPnl / count,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : null,
    ...annualisedRatios(returns),
    winRate: count === 0 ? 0 : wins / count,
    maxDrawdownPct: drawdowns(startingBalance, pnls).maxDrawdownPct,
  };
}

/** The objective's value, or null when it is undefined or the trades are fewer than `minTrades`. */
export function objectiveValue(metrics: SpanMetrics, objective: Objective, minTrades: number): number | null {
  if (metrics.trades < minTrades) return null;
  switch (objective) {
    case 'expectancy':
      return metrics.expectancy;
    case 'sharpe':
      return metrics.sharpe;
    case 'sortino':
      return metrics.sortino;
    case 'profit_factor':
      return metrics.profitFactor;
    case 'total_pnl':
      return metrics.totalPnl;
  }
}
