import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { positionId, variantId, type VariantId } from '../domain/ids.ts';
import type { ExitReason, Position } from '../domain/position.ts';
import { exitStats } from './exit-stats.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 5);
const TREND = variantId('trend');
const MEAN_REV = variantId('mean-rev');

let seq = 0;

function closed(variant: VariantId, exitReason: ExitReason, pnl: number): Position {
  seq += 1;
  return {
    id: positionId(`p${seq}`),
    intentId: null,
    variantId: variant,
    symbol: 'BTC/USDT',
    side: 'long',
    qty: 1,
    entryPrice: 100,
    atrAtEntry: 2,
    initialStop: 95,
    currentStop: 95,
    peakPrice: 100,
    troughPrice: 100,
    barsHeld: 1,
    signalAt: null,
    takeProfit: null,
    openedAt: T0 + seq * HOUR,
    closedAt: T0 + (seq + 1) * HOUR,
    exitPrice: 100 + pnl,
    exitReason,
    fees: 0,
    pnl,
  };
}

function open(variant: VariantId): Position {
  return { ...closed(variant, 'hard_stop', 0), closedAt: null, exitPrice: null, exitReason: null, pnl: null };
}

describe('exitStats', () => {
  it('breaks exits down per variant and reason (hand-computed), sorted by variant', () => {
    const positions = [
      closed(TREND, 'atr_trail', 4),
      closed(TREND, 'hard_stop', -60),
      closed(TREND, 'take_profit', 20),
      closed(MEAN_REV, 'liquidation', -50),
      closed(TREND, 'atr_trail', 6),
      closed(TREND, 'hard_stop', -40),
      open(TREND),
      closed(MEAN_REV, 'take_profit', 15),
      closed(TREND, 'time_stop', -5),
      // A hard stop that still made money (e.g. after a gap in its favour) is no stop-out loss.
      closed(TREND, 'hard_stop', 10),
      closed(MEAN_REV, 'hard_stop', -30),
      closed(TREND, 'atr_trail', -2),
      closed(MEAN_REV, 'take_profit', 15),
    ];
    assert.deepEqual(exitStats(positions), [
      {
        variantId: MEAN_REV,
        trades: 4,
        totalPnl: -50,
        winRate: 0.5,
        byReason: [
          { reason: 'hard_stop', count: 1, share: 0.25, avgPnl: -30, totalPnl: -30, winRate: 0 },
          { reason: 'take_profit', count: 2, share: 0.5, avgPnl: 15, totalPnl: 30, winRate: 1 },
          { reason: 'liquidation', count: 1, share: 0.25, avgPnl: -50, totalPnl: -50, winRate: 0 },
        ],
        avgHardStopLoss: 30,
        avgTrailWin: null,
        winLossRatio: null,
      },
      {
        variantId: TREND,
        trades: 8,
        // −60 − 40 + 10 + 4 + 6 − 2 + 20 − 5
        totalPnl: -67,
        // 10, 4, 6 and 20 won
        winRate: 0.5,
        byReason: [
          { reason: 'hard_stop', count: 3, share: 0.375, avgPnl: -30, totalPnl: -90, winRate: 1 / 3 },
          { reason: 'atr_trail', count: 3, share: 0.375, avgPnl: 8 / 3, totalPnl: 8, winRate: 2 / 3 },
          { reason: 'take_profit', count: 1, share: 0.125, avgPnl: 20, totalPnl: 20, winRate: 1 },
          { reason: 'time_stop', count: 1, share: 0.125, avgPnl: -5, totalPnl: -5, winRate: 0 },
        ],
        // mean(60, 40) over mean(4, 6): one stop-out erases ten trail wins.
        avgHardStopLoss: 50,
        avgTrailWin: 5,
        winLossRatio: 10,
      },
    ]);
  });

  it('has no ratio when there is no losing hard stop', () => {
    const [stats] = exitStats([closed(TREND, 'atr_trail', 3), closed(TREND, 'hard_stop', 2)]);
    assert.ok(stats);
    assert.equal(stats.avgHardStopLoss, null);
    assert.equal(stats.avgTrailWin, 3);
    assert.equal(stats.winLossRatio, null);
  });

  it('has no ratio when there is no winning trail', () => {
    const [stats] = exitStats([closed(TREND, 'hard_stop', -8), closed(TREND, 'atr_trail', -1)]);
    assert.ok(stats);
    assert.equal(stats.avgHardStopLoss, 8);
    assert.equal(stats.avgTrailWin, null);
    assert.equal(stats.winLossRatio, null);
  });

  it('ignores open positions: a variant with only open ones does not appear', () => {
    assert.deepEqual(exitStats([open(TREND), open(MEAN_REV)]), []);
    assert.deepEqual(exitStats([]), []);
  });
});
