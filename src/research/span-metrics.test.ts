import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { variantId, type EpochMs } from '../domain/ids.ts';
import type { Position } from '../domain/position.ts';
import { longAt100, storedPosition } from '../../test/support/position-fixture.ts';
import { variantReport } from '../backtest/metrics.ts';
import { objectiveValue, spanMetrics } from './span-metrics.ts';
import { tradeColumns, tradesEntered } from './trade-columns.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0: EpochMs = Date.UTC(2026, 0, 5);
const V = variantId('v');

function trade(id: string, openedHours: number, closedHours: number, pnl: number): Position {
  const position = longAt100(id, { variant: V, symbol: 'BTC/USDT', openedAt: T0 + openedHours * HOUR });
  return storedPosition(position, {
    closedAt: T0 + closedHours * HOUR,
    exitPrice: 100 + pnl,
    exitReason: pnl > 0 ? 'atr_trail' : 'hard_stop',
    pnl,
  });
}

// Given out of close order on purpose: the columns sort them.
const TRADES = [
  trade('c', 50, 80, -4),
  trade('a', 1, 5, 10),
  trade('b', 30, 40, -2),
  trade('d', 100, 130, 6),
  trade('e', 200, 210, 3),
];

describe('a sweep setting’s figures', () => {
  it('are the backtest report’s own figures for the same trades', () => {
    const span = { from: T0, to: T0 + 10 * DAY };
    const mine = spanMetrics(tradeColumns(TRADES), span, 1000);
    const report = variantReport(V, TRADES, { startingBalance: 1000, ...span });
    assert.equal(mine.trades, 5);
    assert.equal(mine.totalPnl, report.totalPnl);
    assert.equal(
      mine.expectancy,
      report.avgPnl,
      'the mean P&L per trade (the report’s expectancy, summed another way)',
    );
    assert.equal(mine.profitFactor, report.profitFactor);
    assert.equal(mine.sharpe, report.sharpe);
    assert.equal(mine.sortino, report.sortino);
    assert.equal(mine.winRate, report.winRate);
    assert.equal(mine.maxDrawdownPct, report.maxDrawdownPct);
    // By hand: 19 won against 6 lost.
    assert.equal(mine.profitFactor, 19 / 6);
  });

  it('of a span are the trades entered in it, whenever they closed', () => {
    const columns = tradeColumns(TRADES);
    assert.deepEqual(Array.from(columns.pnl), [10, -2, -4, 6, 3], 'close order');
    const part = tradesEntered(columns, T0 + 30 * HOUR, T0 + 101 * HOUR);
    assert.deepEqual(Array.from(part.pnl), [-2, -4, 6]);
    const span = { from: T0 + 30 * HOUR, to: T0 + 101 * HOUR };
    // Trade d closes after the span: its day still counts in the span's daily returns.
    const metrics = spanMetrics(part, span, 1000);
    assert.equal(metrics.totalPnl, 0);
    assert.equal(metrics.winRate, 1 / 3);
    assert.notEqual(metrics.sharpe, null);
  });

  it('give each objective, and none below the minimum of trades', () => {
    const metrics = spanMetrics(tradeColumns(TRADES), { from: T0, to: T0 + 10 * DAY }, 1000);
    assert.equal(objectiveValue(metrics, 'expectancy', 5), 13 / 5);
    assert.equal(objectiveValue(metrics, 'total_pnl', 1), 13);
    assert.equal(objectiveValue(metrics, 'profit_factor', 1), 19 / 6);
    assert.equal(objectiveValue(metrics, 'sharpe', 1), metrics.sharpe);
    assert.equal(objectiveValue(metrics, 'sortino', 1), metrics.sortino);
    assert.equal(objectiveValue(metrics, 'expectancy', 6), null);
    const none = spanMetrics(tradeColumns([]), { from: T0, to: T0 + 10 * DAY }, 1000);
    assert.deepEqual([none.trades, none.expectancy, none.profitFactor], [0, 0, null]);
    assert.equal(objectiveValue(none, 'profit_factor', 0), null, 'undefined without a losing trade');
  });
});
