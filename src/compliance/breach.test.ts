import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessBreach } from './breach.ts';
import { presetRules } from './presets.ts';
import { scriptedState, trade } from './scripted-ledger.ts';

const utc = (iso: string): number => Date.parse(iso);
const e8 = presetRules('e8', 50_000);
const now = utc('2026-11-23T12:00:00Z');

describe('assessBreach: E8 50k daily loss (soft)', () => {
  it('is none a cent above the act level and soft exactly at it', () => {
    assert.equal(assessBreach(scriptedState(e8, now, { equity: 47_875.01 }), e8).kind, 'none');
    const breach = assessBreach(scriptedState(e8, now, { equity: 47_875 }), e8);
    assert.equal(breach.kind, 'soft');
    assert.equal(breach.rule, 'daily_loss');
    assert.equal(breach.numbers.pausedUntil, utc('2026-11-23T22:00:00Z'));
  });

  it('explains the numbers and when the pause ends', () => {
    const breach = assessBreach(scriptedState(e8, now, { equity: 47_812.4 }), e8);
    assert.equal(
      breach.reason,
      'equity 47 812.40 ≤ 47 875.00: 85 % of the daily loss limit (5 % of day-start balance 50 000.00 = 2 500.00) used; paused until 2026-11-24 00:00 UTC+2',
    );
    assert.deepEqual(breach.numbers, {
      equity: 47_812.4,
      actLevel: 47_875,
      lossLevel: 47_500,
      amount: 2_500,
      pausedUntil: utc('2026-11-23T22:00:00Z'),
    });
  });

  it('after 00:00 UTC+2 the act level is measured from the new day-start balance', () => {
    const trades = [trade(utc('2026-11-23T10:00:00Z'), -1000)]; // today's closed loss
    const today = scriptedState(e8, utc('2026-11-23T21:59:59Z'), { trades, equity: 47_875 });
    assert.equal(assessBreach(today, e8).kind, 'soft');
    // At 22:00 UTC the day turns: base 49 000, act level 49 000 − 0.85 × 2 450 = 46 917.50.
    const tomorrow = scriptedState(e8, utc('2026-11-23T22:00:00Z'), { trades, equity: 47_875 });
    assert.equal(tomorrow.dayStartBalance, 49_000);
    assert.equal(assessBreach(tomorrow, e8).kind, 'none');
    const lower = scriptedState(e8, utc('2026-11-23T22:00:00Z'), { trades, equity: 46_917.5 });
    const breach = assessBreach(lower, e8);
    assert.equal(breach.kind, 'soft');
    assert.equal(breach.numbers.actLevel, 46_917.5);
    assert.match(breach.reason, /paused until 2026-11-25 00:00 UTC\+2$/);
  });
});

describe('assessBreach: E8 50k max loss (hard)', () => {
  // Two losing days bring the balance to 48 000; today's daily act level is then 45 960.
  const trades = [trade(utc('2026-11-20T10:00:00Z'), -1000), trade(utc('2026-11-21T10:00:00Z'), -1000)];

  it('is hard at 50 000 − 0.85 × 4 000 = 46 600', () => {
    assert.equal(assessBreach(scriptedState(e8, now, { trades, equity: 46_600.01 }), e8).kind, 'none');
    const breach = assessBreach(scriptedState(e8, now, { trades, equity: 46_600 }), e8);
    assert.equal(breach.kind, 'hard');
    assert.equal(breach.rule, 'max_loss');
    assert.equal(
      breach.reason,
      'equity 46 600.00 ≤ 46 600.00: 85 % of the max loss limit (8 % of initial balance 50 000.00 = 4 000.00) used; trading halted',
    );
  });

  it('hard wins when both act levels are crossed', () => {
    assert.equal(assessBreach(scriptedState(e8, now, { equity: 46_000 }), e8).kind, 'hard');
  });

  it('names a trailing, locked level in the reason', () => {
    const e8One = {
      ...presetRules('e8', 100_000),
      maxLoss: { limitPct: 6, mode: 'trailing_intraday' as const, lockAtInitial: true },
    };
    const won = [trade(utc('2026-11-23T09:00:00Z'), 8000)];
    const breach = assessBreach(scriptedState(e8One, now, { trades: won, equity: 100_900 }), e8One);
    assert.equal(breach.kind, 'hard');
    assert.match(
      breach.reason,
      /below the closed-balance high 108 000\.00, locked at the initial balance 100 000\.00/,
    );
  });

  it('reports none with both levels when nothing is off', () => {
    const breach = assessBreach(scriptedState(e8, now), e8);
    assert.deepEqual(breach, {
      kind: 'none',
      rule: 'none',
      reason: 'equity 50 000.00 above the act levels (daily 47 875.00, max 46 600.00)',
      numbers: { equity: 50_000, dailyActLevel: 47_875, maxActLevel: 46_600 },
    });
  });
});
