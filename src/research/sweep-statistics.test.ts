import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dailyPnlReturns, sweepStatistics, type StatisticsInput } from './sweep-statistics.ts';
import type { SettingTrades } from './walk-forward.ts';

const DAY = 86_400_000;
const START = Date.UTC(2023, 0, 1);
const DAYS = 200;

/** A setting trading once a day, each trade `pnl(day)`, closed the same day. */
function setting(index: number, pnl: (day: number) => number): SettingTrades {
  const days = Array.from({ length: DAYS }, (_, d) => d);
  return {
    index,
    startingBalance: 1000,
    trades: {
      openedAt: Float64Array.from(days, (d) => START + d * DAY + 3_600_000),
      closedAt: Float64Array.from(days, (d) => START + d * DAY + 7_200_000),
      pnl: Float64Array.from(days, pnl),
    },
  };
}

// Deterministic noise in [−1, 1): a fixed permutation, different per seed.
const noise = (seed: number) => (d: number) => ((d * 7919 + seed * 104729) % 211) / 105.5 - 1;

function input(settings: SettingTrades[], best: number, own: SettingTrades | null = null): StatisticsInput {
  return {
    settings,
    best,
    bestLabel: `setting ${best}`,
    own,
    span: { from: START, to: START + DAYS * DAY },
    minTrades: 30,
    blocks: 8,
    seed: 1,
    walkForward: null,
  };
}

describe('a sweep’s statistics', () => {
  it('call a steady edge real', () => {
    const edge = setting(0, (d) => 2 + noise(1)(d));
    const others = [1, 2, 3].map((i) => setting(i, noise(i + 1)));
    const stats = sweepStatistics(input([edge, ...others], 0, others[0]));
    assert.ok((stats.deflatedSharpe.value ?? 0) > 0.99);
    assert.equal(stats.overfitting.value, 0, 'best in every split');
    assert.ok((stats.bootstrap.best?.ci[0] ?? 0) > 1.5);
    assert.equal(stats.bootstrap.comparison?.verdict, 'b_better');
    assert.match(stats.bootstrap.explanation, /beats the configuration as written by more than noise/);
    assert.deepEqual(
      [stats.verdict.likelyReal, stats.verdict.text],
      [true, 'the best setting is likely real'],
    );
  });

  it('cannot tell the luckiest of noise from luck', () => {
    const settings = Array.from({ length: 12 }, (_, i) => setting(i, noise(i + 1)));
    const best = settings
      .map((s) => ({ index: s.index, total: s.trades.pnl.reduce((a, b) => a + b, 0) }))
      .sort((a, b) => b.total - a.total)[0]?.index as number;
    const stats = sweepStatistics(input(settings, best));
    assert.equal(stats.verdict.likelyReal, false);
    assert.equal(stats.verdict.text, 'the data cannot tell it from luck');
    assert.equal(stats.deflatedSharpe.trials, 12);
    assert.ok((stats.deflatedSharpe.value ?? 1) < 0.95);
    assert.equal(stats.verdict.reasons.length, 3);
  });

  it('count settings that made the same trades as one trial', () => {
    const a = setting(0, (d) => 1 + noise(1)(d));
    const twin = { ...setting(1, (d) => 1 + noise(1)(d)) };
    const b = setting(2, noise(3));
    const stats = sweepStatistics(input([a, twin, b], 0));
    assert.equal(stats.deflatedSharpe.trials, 2);
    assert.match(
      stats.deflatedSharpe.explanation,
      /3 settings ran; 1 repeated another's trades exactly and count once/,
    );
    assert.equal(stats.overfitting.value, 0, 'the twin no longer ties with the best');
  });

  it('say why without a best setting or a second one', () => {
    const none = sweepStatistics({ ...input([setting(0, noise(1))], 0), best: null });
    assert.equal(none.deflatedSharpe.value, null);
    assert.match(none.verdict.reasons[0] ?? '', /no setting made the minimum of 30 trades/);
    assert.equal(none.verdict.likelyReal, false);
    const one = sweepStatistics(input([setting(0, (d) => 1 + noise(1)(d))], 0));
    assert.equal(one.overfitting.value, null);
    assert.match(one.overfitting.explanation, /at least two settings that made different trades \(1 did\)/);
    assert.match(one.deflatedSharpe.explanation, /the 1 setting tried is accounted for/);
  });

  it('take daily P&L over the starting balance, on the span’s calendar', () => {
    const returns = dailyPnlReturns(
      setting(0, () => 5),
      { from: START, to: START + 3 * DAY },
    );
    assert.deepEqual(Array.from(returns).slice(0, 2), [0.005, 0.005]);
    // Later closes land on the last day.
    assert.ok(Math.abs((returns[2] ?? 0) - 0.005 * (DAYS - 2)) < 1e-12);
  });
});
