import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { presetRules } from './presets.ts';
import { scriptedState, trade } from './scripted-ledger.ts';

const utc = (iso: string): number => Date.parse(iso);
// E8's day turns at 00:00 UTC+2 = 22:00 UTC.
const E8 = presetRules('e8', 50_000);

describe('accountState: balance history rebuilt forward from the initial balance', () => {
  const trades = [
    trade(utc('2026-11-21T10:00:00Z'), 1000), // day 11-21 → 51 000
    trade(utc('2026-11-21T15:00:00Z'), -400), // → 50 600, the 11-21 end-of-day balance
    trade(utc('2026-11-22T21:00:00Z'), 900), // day 11-22 → 51 500
    trade(utc('2026-11-22T22:00:00Z'), -300), // exactly 00:00 UTC+2: day 11-23 → 51 200
    trade(utc('2026-11-23T09:00:00Z'), 500), // day 11-23 (today) → 51 700
  ];
  const now = utc('2026-11-23T12:00:00Z');

  it('reads day-start, high-water and end-of-day balances from the ledger', () => {
    const state = scriptedState(E8, now, { trades: [...trades].reverse() });
    assert.equal(state.day, '2026-11-23');
    assert.equal(state.dayStart, utc('2026-11-22T22:00:00Z'));
    assert.equal(state.nextDayStart, utc('2026-11-23T22:00:00Z'));
    assert.equal(state.balance, 51_700);
    // The trade closed exactly at the boundary belongs to today, so it is not in the day-start balance.
    assert.equal(state.dayStartBalance, 51_500);
    assert.equal(state.dayStartEquity, 51_500);
    assert.equal(state.highWaterBalance, 51_700);
    // Boundaries passed: start 50 000, after 11-21 50 600, after 11-22 51 500; intraday 51 000 is no EOD.
    assert.equal(state.highestEodBalance, 51_500);
    assert.deepEqual(state.dailyPnl, [
      { day: '2026-11-21', pnl: 600 },
      { day: '2026-11-22', pnl: 900 },
      { day: '2026-11-23', pnl: 200 },
    ]);
  });

  it('charges fees Sigil never saw to the present: past balances (the daily anchors) are not lowered', () => {
    const state = scriptedState(E8, now, { trades, unseenFees: 25 });
    assert.equal(state.balance, 51_675);
    // Forward from the initial 50 000: the day started at 51 500 whatever the broker booked unseen, so
    // the daily level is measured from the higher anchor and Sigil acts sooner, never later.
    assert.equal(state.dayStartBalance, 51_500);
    assert.equal(state.highestEodBalance, 51_500);
    assert.equal(state.highWaterBalance, 51_700);
  });

  it('an empty ledger starts and ends at the live balance', () => {
    const state = scriptedState(E8, now);
    assert.equal(state.dayStartBalance, 50_000);
    assert.equal(state.highWaterBalance, 50_000);
    assert.equal(state.highestEodBalance, 50_000);
    assert.deepEqual(state.dailyPnl, []);
    assert.equal(state.tradingDays, 0);
  });

  it('uses the dayStartEquity seen at rollover when known', () => {
    const state = scriptedState(E8, now, { trades, dayStartEquity: 51_800 });
    assert.equal(state.dayStartBalance, 51_500);
    assert.equal(state.dayStartEquity, 51_800);
  });
});

describe('accountState: trading days, short trades, counters', () => {
  it('counts distinct firm days on which a position was opened, open positions included', () => {
    const now = utc('2026-11-25T12:00:00Z');
    const state = scriptedState(E8, now, {
      trades: [
        // Opened 11-21 (UTC+2), held over two days: counts once, on its opening day.
        { openedAt: utc('2026-11-21T08:00:00Z'), closedAt: utc('2026-11-23T08:00:00Z'), pnl: 10 },
        // Opened 21:30 UTC on 11-21 = 23:30 UTC+2, still 11-21.
        { openedAt: utc('2026-11-21T21:30:00Z'), closedAt: utc('2026-11-21T21:31:00Z'), pnl: 10 },
        // Opened 22:00 UTC on 11-21 = 00:00 UTC+2 on 11-22.
        { openedAt: utc('2026-11-21T22:00:00Z'), closedAt: utc('2026-11-21T22:00:30Z'), pnl: 10 },
      ],
      open: [utc('2026-11-25T09:00:00Z'), utc('2026-11-25T10:00:00Z')],
      openOrders: 3,
      requests: { all: 120, positions: 4 },
    });
    assert.equal(state.tradingDays, 3); // 11-21, 11-22, 11-25
    assert.equal(state.closedTrades, 3);
    assert.equal(state.shortTrades, 1); // 30 s < 60 s; 60 s exactly is not short
    assert.equal(state.openPositions, 2);
    assert.equal(state.openOrders, 3);
    assert.deepEqual(state.requests, { all: 120, modifications: 0, positions: 4 });
  });

  it('handles a 10 000-trade ledger (smoke, no timing assert)', () => {
    const start = utc('2025-01-01T00:00:00Z');
    const trades = Array.from({ length: 10_000 }, (_, i) =>
      trade(start + i * 3 * 3_600_000, i % 3 === 0 ? -5 : 4),
    );
    const state = scriptedState(E8, start + 10_001 * 3 * 3_600_000, { trades });
    assert.equal(state.closedTrades, 10_000);
    assert.equal(
      state.dailyPnl.reduce((sum, d) => sum + d.pnl, 0),
      state.balance - 50_000,
    );
  });
});
