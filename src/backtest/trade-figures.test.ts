import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tradeFigures, type FigureTrade } from './trade-figures.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 5);

function t(symbol: string, opened: number, closed: number, pnl: number): FigureTrade {
  return { symbol, openedAt: T0 + opened * HOUR, closedAt: T0 + closed * HOUR, pnl };
}

function near(actual: number | null | undefined, expected: number): void {
  assert.ok(actual != null && Math.abs(actual - expected) < 1e-9, `expected ${expected}, got ${actual}`);
}

describe('tradeFigures', () => {
  // In close order: +30, −10, −5, 0 (break-even), −20, +15 on 1 000 of starting balance.
  const trades = [
    t('BTC/USDT', 0, 2, 30),
    t('ETH/USDT', 1, 3, -10),
    t('ETH/USDT', 3, 7, -5),
    t('BTC/USDT', 4, 8, 0),
    t('SOL/USDT', 8, 9, -20),
    t('BTC/USDT', 9, 12, 15),
  ];

  it('computes return, profit factor and mean duration by hand', () => {
    const f = tradeFigures(trades, 1000);
    assert.equal(f.startingBalance, 1000);
    // +10 on 1 000.
    near(f.totalReturnPct, 1);
    // 45 won over 35 lost.
    near(f.profitFactor, 45 / 35);
    // 2 + 2 + 4 + 4 + 1 + 3 hours over six trades.
    near(f.avgDurationMs, (16 / 6) * HOUR);
  });

  it('names the best and worst trade and pair', () => {
    const f = tradeFigures(trades, 1000);
    assert.deepEqual(f.bestTrade, { symbol: 'BTC/USDT', pnl: 30, exitTime: '2026-01-05T02:00:00.000Z' });
    assert.deepEqual(f.worstTrade, { symbol: 'SOL/USDT', pnl: -20, exitTime: '2026-01-05T09:00:00.000Z' });
    assert.deepEqual(f.bestPair, { symbol: 'BTC/USDT', totalPnl: 45 });
    // SOL's one −20 is worse than ETH's −10 and −5.
    assert.deepEqual(f.worstPair, { symbol: 'SOL/USDT', totalPnl: -20 });
  });

  it('counts the longest losing run; a break-even trade ends it', () => {
    const f = tradeFigures(trades, 1000);
    // −10, −5, then the break-even, then −20 alone: 2, not 3.
    assert.equal(f.maxConsecutiveLosses, 2);
    assert.equal(f.maxConsecutiveWins, 1);
    assert.equal(
      tradeFigures([t('A', 0, 1, -1), t('A', 1, 2, -1), t('A', 2, 3, -1)], 100).maxConsecutiveLosses,
      3,
    );
  });

  it('has one row per pair, highest P&L first', () => {
    const { pairs } = tradeFigures(trades, 1000);
    assert.deepEqual(
      pairs.map((p) => [p.symbol, p.trades, p.wins, p.totalPnl, p.avgDurationMs / HOUR]),
      [
        ['BTC/USDT', 3, 2, 45, 3],
        ['ETH/USDT', 2, 0, -15, 3],
        ['SOL/USDT', 1, 0, -20, 1],
      ],
    );
    near(pairs[0]?.winRate, 2 / 3);
  });

  it('leaves undefined figures null: no trades, or no loss to divide by', () => {
    const none = tradeFigures([], 500);
    assert.deepEqual(
      [none.totalReturnPct, none.profitFactor, none.avgDurationMs, none.bestTrade, none.bestPair, none.pairs],
      [0, null, null, null, null, []],
    );
    assert.equal(none.maxConsecutiveLosses, 0);
    const winsOnly = tradeFigures([t('A', 0, 1, 5), t('B', 1, 2, 5)], 100);
    assert.equal(winsOnly.profitFactor, null);
    // Equal P&L: the first in close order is the best, and the pairs tie-break by name.
    assert.equal(winsOnly.bestTrade?.symbol, 'A');
    assert.equal(winsOnly.worstTrade?.symbol, 'A');
    assert.deepEqual([winsOnly.bestPair?.symbol, winsOnly.worstPair?.symbol], ['A', 'B']);
  });
});
