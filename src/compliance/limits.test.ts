import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FirmRules } from './firm-rules.ts';
import { limitsOf } from './limits.ts';
import { presetRules } from './presets.ts';
import { scriptedState, trade } from './scripted-ledger.ts';

const utc = (iso: string): number => Date.parse(iso);

describe('limitsOf: E8 daily limit, 5 % of the day-start balance at 00:00 UTC+2', () => {
  const e8 = presetRules('e8', 50_000);

  it('acts at 85 % of 2 500 below the day-start balance', () => {
    const limits = limitsOf(scriptedState(e8, utc('2026-11-23T12:00:00Z')), e8);
    assert.equal(limits.dailyLossLevel, 47_500);
    assert.equal(limits.dailyActLevel, 47_875);
    assert.equal(limits.maxLossLevel, 46_000);
    assert.equal(limits.maxActLevel, 46_600);
  });

  it('re-bases on the new day-start balance after 22:00 UTC', () => {
    const trades = [trade(utc('2026-11-23T15:00:00Z'), -1000)];
    const before = limitsOf(scriptedState(e8, utc('2026-11-23T21:59:59Z'), { trades }), e8);
    assert.equal(before.dailyActLevel, 47_875);
    const after = limitsOf(scriptedState(e8, utc('2026-11-23T22:00:00Z'), { trades }), e8);
    assert.equal(after.dailyLossLevel, 49_000 - 2_450);
    assert.equal(after.dailyActLevel, 49_000 - 2_082.5);
    assert.equal(after.maxActLevel, 46_600); // static: the max loss level does not move
  });
});

describe('limitsOf: FTMO daily limit, prior Prague midnight balance − 5 % of initial', () => {
  const ftmo = presetRules('ftmo_2step', 100_000);
  const trades = [
    trade(utc('2026-10-24T21:59:00Z'), 1000), // 23:59 CEST on 10-24
    trade(utc('2026-10-24T22:30:00Z'), -3000), // 00:30 CEST on 10-25
    trade(utc('2026-10-25T22:30:00Z'), 500), // 23:30 CET on 10-25: after the switch, still 10-25
  ];

  it('the level moves with the midnight balance, the amount stays 5 % of initial', () => {
    const sunday = limitsOf(scriptedState(ftmo, utc('2026-10-25T12:00:00Z'), { trades }), ftmo);
    assert.equal(sunday.dailyLossLevel, 101_000 - 5_000);
    assert.equal(sunday.dailyActLevel, 101_000 - 4_250);
    // The 25-hour Sunday ends at 23:00 UTC (midnight CET), not 22:00.
    const lateSunday = scriptedState(ftmo, utc('2026-10-25T22:45:00Z'), { trades });
    assert.equal(lateSunday.day, '2026-10-25');
    assert.equal(limitsOf(lateSunday, ftmo).dailyLossLevel, 96_000);
    const monday = limitsOf(scriptedState(ftmo, utc('2026-10-26T08:00:00Z'), { trades }), ftmo);
    assert.equal(monday.dailyLossLevel, 98_500 - 5_000);
    assert.equal(monday.dailyActLevel, 98_500 - 4_250);
  });
});

describe('limitsOf: The5ers daily base, higher of balance and equity at day start', () => {
  const the5ers = presetRules('the5ers_high_stakes', 100_000);
  const now = utc('2026-11-23T12:00:00Z');

  it('floating profit at rollover raises the base', () => {
    const limits = limitsOf(scriptedState(the5ers, now, { dayStartEquity: 101_200 }), the5ers);
    assert.equal(limits.dailyLossLevel, 101_200 - 5_060);
    assert.equal(limits.dailyActLevel, 96_899);
  });

  it('floating loss at rollover leaves the balance as the base', () => {
    const limits = limitsOf(scriptedState(the5ers, now, { dayStartEquity: 99_000 }), the5ers);
    assert.equal(limits.dailyLossLevel, 95_000);
  });
});

describe('limitsOf: trailing max loss', () => {
  // E8 One's example: 100k, 6 % trailing from the closed-balance high, locked at the initial balance.
  const e8One: FirmRules = {
    ...presetRules('e8', 100_000),
    name: 'custom',
    daily: { limitPct: 0, base: 'balance', amountOf: 'base' },
    maxLoss: { limitPct: 6, mode: 'trailing_intraday', lockAtInitial: true },
  };
  const now = utc('2026-11-23T12:00:00Z');
  const maxAt = (pnls: number[], rules = e8One) => {
    const trades = pnls.map((pnl, i) => trade(utc('2026-11-23T08:00:00Z') + i * 60_000, pnl));
    return limitsOf(scriptedState(rules, now, { trades }), rules);
  };

  it('follows the closed-balance high at once and locks at the initial balance', () => {
    assert.equal(maxAt([]).maxLossLevel, 94_000);
    assert.equal(maxAt([]).maxActLevel, 94_900);
    assert.equal(maxAt([]).dailyActLevel, null);
    assert.equal(maxAt([1000]).maxLossLevel, 95_000);
    assert.equal(maxAt([6000]).maxLossLevel, 100_000);
    assert.equal(maxAt([6000]).maxActLevel, 100_900);
    // High 108k, then a loss: the level stays locked at 100k.
    assert.equal(maxAt([6000, 2000, -5000]).maxLossLevel, 100_000);
  });

  it('without the lock the level keeps trailing', () => {
    const unlocked = { ...e8One, maxLoss: { ...e8One.maxLoss, lockAtInitial: false } };
    assert.equal(maxAt([6000, 2000, -5000], unlocked).maxLossLevel, 102_000);
  });

  it('trailing EOD (FTMO 1-Step style) moves only at day boundaries', () => {
    const ftmo1 = presetRules('ftmo_2step', 100_000);
    ftmo1.maxLoss = { limitPct: 10, mode: 'trailing_eod', lockAtInitial: false };
    const trades = [
      trade(utc('2026-11-20T09:00:00Z'), 3000), // intraday high 103k on 11-20
      trade(utc('2026-11-20T14:00:00Z'), -1000), // 11-20 ends at 102k
      trade(utc('2026-11-21T09:00:00Z'), 4000), // 106k intraday on 11-21
    ];
    const during = limitsOf(scriptedState(ftmo1, utc('2026-11-21T12:00:00Z'), { trades }), ftmo1);
    assert.equal(during.maxLossLevel, 92_000);
    const nextDay = limitsOf(scriptedState(ftmo1, utc('2026-11-22T08:00:00Z'), { trades }), ftmo1);
    assert.equal(nextDay.maxLossLevel, 96_000);
    const losing = limitsOf(
      scriptedState(ftmo1, utc('2026-11-20T12:00:00Z'), {
        trades: [trade(utc('2026-11-19T09:00:00Z'), -2000)],
      }),
      ftmo1,
    );
    assert.equal(losing.maxLossLevel, 90_000); // never below initial − 10 %
  });
});

describe('limitsOf: best day and profit target', () => {
  const e8 = presetRules('e8', 50_000);
  const days = [
    trade(utc('2026-11-16T09:00:00Z'), 2000),
    trade(utc('2026-11-17T09:00:00Z'), 500),
    trade(utc('2026-11-18T09:00:00Z'), 1500),
  ];
  const now = utc('2026-11-19T12:00:00Z');

  it('raises the target to bestDay / 0.40 and withholds it until reached', () => {
    const limits = limitsOf(scriptedState(e8, now, { trades: days }), e8);
    assert.equal(limits.bestDay, 2000);
    assert.equal(limits.totalProfit, 4000);
    assert.equal(limits.bestDayOk, false);
    assert.equal(limits.effectiveTargetBalance, 55_000); // not 54 000 (8 %)
    assert.equal(limits.targetReached, false);
    const more = [...days, trade(utc('2026-11-19T09:00:00Z'), 1000)];
    const reached = limitsOf(scriptedState(e8, now, { trades: more }), e8);
    assert.equal(reached.bestDayOk, true);
    assert.equal(reached.targetReached, true);
  });

  it('min trading days block the target', () => {
    const ftmo = presetRules('ftmo_2step', 100_000);
    const threeDays = [3000, 3000, 4000].map((pnl, d) => trade(utc(`2026-11-1${d + 1}T09:00:00Z`), pnl));
    const three = limitsOf(scriptedState(ftmo, now, { trades: threeDays }), ftmo);
    assert.equal(three.totalProfit, 10_000);
    assert.equal(three.targetReached, false);
    const four = [...threeDays, trade(utc('2026-11-14T09:00:00Z'), 1)];
    assert.equal(limitsOf(scriptedState(ftmo, now, { trades: four }), ftmo).targetReached, true);
  });

  it('a funded account has no target', () => {
    const funded = { ...e8, profitTargetPct: 0 };
    const limits = limitsOf(scriptedState(funded, now, { trades: days }), funded);
    assert.equal(limits.effectiveTargetBalance, null);
    assert.equal(limits.targetReached, false);
  });
});
