// Entry, trail, exit, protections and the kill switch together, on both stores: the path a position
// takes in live trading and in the backtest, with the locks and switches it leaves behind.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Candle } from '../domain/candle.ts';
import { variantId, type EpochMs, type VariantId } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import type { NewPosition, Position } from '../domain/position.ts';
import { blockedSymbols } from '../scanners/entry-guard.ts';
import { openStore } from '../store/open-store.ts';
import { STORE_TARGETS } from '../../test/support/store-targets.ts';
import { enterAtomically } from './atomic-entry.ts';
import type { CloseRules } from './close-trade.ts';
import { resetTradingState, tripKillSwitch } from './kill-switch.ts';
import { applyBar, type BarResult, type ManageContext } from './manage-position.ts';
import { longAt100 } from '../../test/support/position-fixture.ts';

const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
const HOUR = 3_600_000;

const NO_PROTECTIONS: CloseRules['protections'] = {
  cooldownAfterExitHours: 0,
  stoplossGuard: { tradeLimit: 0, lookbackHours: 24, lockHours: 12, scope: 'symbol' },
  maxDrawdown: { maxDrawdownPct: 0, tradeLimit: 1, lookbackHours: 48, lockHours: 12 },
  lowProfit: { tradeLimit: 0, lookbackHours: 72, lockHours: 24, requiredProfitUsd: 0 },
};

function context(close: Partial<CloseRules> = {}): ManageContext {
  return {
    exits: { trailAtrMultiplier: 2, trailActivationPct: 0, timeStopBars: 0, priceTick: 0.01 },
    close: { protections: NO_PROTECTIONS, killSwitchDrawdownPct: 0, startingBalanceUsd: 1000, ...close },
    terms: { contractSize: 1, quote: 'dollars' },
    feeRate: 0,
    actor: 'position-manager:test',
  };
}

let counter = 0;
function newPosition(
  variant: VariantId,
  symbol: string,
  openedAt: EpochMs,
  overrides: Partial<NewPosition> = {},
) {
  return longAt100(`life-${++counter}`, { variant, symbol, openedAt }, overrides);
}

/** An hourly bar opening `hours` after T0. */
function bar(
  symbol: string,
  hours: number,
  [open, high, low, close]: [number, number, number, number],
  atr = 1,
) {
  const candle: Candle = { symbol, time: T0 + hours * HOUR, open, high, low, close, volume: 1 };
  return { candle, closeTime: candle.time + HOUR, atr, exitSignal: false };
}

async function enter(store: Store, position: NewPosition, now: EpochMs, cooldownHours = 6) {
  return enterAtomically(store, { position, cooldownHours }, now);
}

function closed(result: BarResult): Position {
  assert.equal(result.kind, 'closed', JSON.stringify(result));
  return (result as Extract<BarResult, { kind: 'closed' }>).result.position;
}

for (const target of STORE_TARGETS) {
  describe(`position lifecycle: ${target.dialect}`, () => {
    let db: { url: string; cleanup(): Promise<void> };
    let store: Store;
    before(async () => {
      db = await target.create();
      ({ store } = await openStore(db.url, { now: '2026-01-05T00:00:00Z' }));
    });
    after(async () => {
      await store.close();
      await db.cleanup();
    });

    it('enters once, trails, exits on the trail, and the cooldown written at open expires at its until', async () => {
      const v = variantId('life');
      const opened = await enter(store, newPosition(v, 'BTCUSDT', T0), T0);
      assert.equal(opened.kind, 'opened');
      const again = await enter(store, newPosition(v, 'BTCUSDT', T0), T0);
      assert.deepEqual([again.kind, 'code' in again && again.code], ['refused', 'already_open']);

      let position = (await store.openPositionOf(v, 'BTCUSDT'))!;
      const ctx = context();
      // Bar 0 makes a high of 103: trail = 103 − 2 × 1 = 101, applied from bar 1.
      const step = await applyBar(store, position, bar('BTCUSDT', 0, [100, 103, 99.5, 102.5]), ctx);
      assert.equal(step.kind, 'held');
      position = (step as Extract<BarResult, { kind: 'held' }>).position;
      assert.deepEqual([position.currentStop, position.peakPrice], [101, 103]);
      assert.equal((await store.getPosition(position.id))?.currentStop, 101, 'the trail is persisted');
      // The same bar applied again (a step retried after a crash) must not test the stop it raised
      // against its own low (99.5 < 101).
      const retried = await applyBar(store, position, bar('BTCUSDT', 0, [100, 103, 99.5, 102.5]), ctx);
      assert.equal(retried.kind, 'held', 'a bar is applied once');

      const exit = closed(
        await applyBar(store, position, bar('BTCUSDT', 1, [102, 102.2, 100.5, 100.8]), ctx),
      );
      assert.deepEqual(
        [exit.exitReason, exit.exitPrice, exit.pnl, exit.closedAt],
        ['atr_trail', 101, 1, T0 + 2 * HOUR],
      );

      const blocked = await enter(store, newPosition(v, 'BTCUSDT', T0 + 5 * HOUR), T0 + 6 * HOUR - 1);
      assert.deepEqual([blocked.kind, 'code' in blocked && blocked.code], ['refused', 'locked_cooldown']);
      const free = await enter(store, newPosition(v, 'BTCUSDT', T0 + 6 * HOUR), T0 + 6 * HOUR);
      assert.equal(free.kind, 'opened', 'the cooldown ends exactly at open + cooldown_hours');
    });

    it('a gap through the stop fills at the open and is a hard_stop while the stop never moved', async () => {
      const v = variantId('gap');
      await enter(store, newPosition(v, 'ETHUSDT', T0, { atrAtEntry: null }), T0);
      const position = (await store.openPositionOf(v, 'ETHUSDT'))!;
      const exit = closed(await applyBar(store, position, bar('ETHUSDT', 0, [95, 96, 94, 95.5]), context()));
      assert.deepEqual([exit.exitReason, exit.exitPrice, exit.pnl], ['hard_stop', 95, -5]);
    });

    it('losing stop-outs trip the stoploss guard, which locks the whole variant until its until', async () => {
      const v = variantId('guarded');
      const ctx = context({
        protections: {
          ...NO_PROTECTIONS,
          stoplossGuard: { tradeLimit: 2, lookbackHours: 24, lockHours: 4, scope: 'variant' },
        },
      });
      for (const [i, symbol] of ['AAA', 'BBB'].entries()) {
        await enter(store, newPosition(v, symbol, T0 + i * HOUR), T0 + i * HOUR, 0);
        const position = (await store.openPositionOf(v, symbol))!;
        await applyBar(store, position, bar(symbol, i, [99, 99.5, 96, 96.5]), ctx);
      }
      const locks = await store.protectionsInForce(T0 + 2 * HOUR, v);
      assert.deepEqual(
        locks.map((l) => [l.symbol, l.kind, l.until]),
        [['*', 'stoploss_guard', T0 + 2 * HOUR + 4 * HOUR]],
      );
      const refused = await enter(store, newPosition(v, 'CCC', T0 + 3 * HOUR), T0 + 3 * HOUR);
      assert.deepEqual(
        [refused.kind, 'code' in refused && refused.code],
        ['refused', 'locked_stoploss_guard'],
      );
      const later = await enter(store, newPosition(v, 'CCC', T0 + 6 * HOUR), T0 + 6 * HOUR);
      assert.equal(later.kind, 'opened');
    });

    it('a drawdown trips the kill switch; it holds across a restart until reset, halting entries but not stops', async () => {
      const v = variantId('killed');
      const ctx = context({ killSwitchDrawdownPct: 1, startingBalanceUsd: 1000 });
      // Two positions; the first loses 12 (1.2 % of 1000) at its stop and trips the switch.
      await enter(store, newPosition(v, 'AAA', T0, { qty: 4 }), T0, 0);
      await enter(store, newPosition(v, 'BBB', T0, { takeProfit: 104 }), T0, 0);
      const a = (await store.openPositionOf(v, 'AAA'))!;
      const stopped = await applyBar(store, a, bar('AAA', 0, [99, 99, 96.5, 97]), ctx);
      assert.equal(closed(stopped).pnl, -12);
      assert.match(
        (stopped as Extract<BarResult, { kind: 'closed' }>).result.tripped?.reason ?? '',
        /^kill switch: realised drawdown 1.20 %/,
      );

      // A restart: a new connection reads the same switch.
      await store.close();
      ({ store } = await openStore(db.url, { now: '2026-01-05T00:00:00Z' }));
      assert.equal((await store.tradingState(v)).state, 'halted');
      const refused = await enter(store, newPosition(v, 'CCC', T0 + HOUR), T0 + HOUR, 0);
      assert.deepEqual([refused.kind, 'code' in refused && refused.code], ['refused', 'trading_halted']);

      const b = (await store.openPositionOf(v, 'BBB'))!;
      const target = await applyBar(store, b, bar('BBB', 1, [101, 104.5, 100.5, 104]), ctx);
      assert.deepEqual([target.kind, 'reason' in target && target.reason], ['deferred', 'take_profit']);
      const stop = closed(await applyBar(store, b, bar('BBB', 2, [99, 99, 96, 96.5]), ctx));
      assert.equal(stop.exitReason, 'hard_stop', 'a halted variant still honours its stops');

      await resetTradingState(store, { variantId: v, actor: 'operator:test' }, T0 + 4 * HOUR);
      assert.equal(
        (await enter(store, newPosition(v, 'CCC', T0 + 4 * HOUR), T0 + 4 * HOUR, 0)).kind,
        'opened',
      );
      assert.deepEqual(
        (await store.tradingStateChanges(v)).map((c) => [c.from, c.to, c.actor]),
        [
          ['active', 'halted', 'position-manager:test'],
          ['halted', 'active', 'operator:test'],
        ],
      );
    });

    it('reducing refuses entries and still takes every exit; a manual halt is a kill switch too', async () => {
      const v = variantId('reducing');
      await enter(store, newPosition(v, 'AAA', T0, { takeProfit: 102 }), T0, 0);
      await store.setTradingState({ variantId: v, state: 'reducing', reason: 'wind down', actor: 'op' }, T0);
      const refused = await enter(store, newPosition(v, 'BBB', T0), T0, 0);
      assert.deepEqual([refused.kind, 'code' in refused && refused.code], ['refused', 'trading_reducing']);
      assert.deepEqual(
        [...(await blockedSymbols(store, v, ['AAA', 'ZZZ'], T0)).entries()],
        [
          ['AAA', 'variant reducing: wind down'],
          ['ZZZ', 'variant reducing: wind down'],
        ],
        'the scanner does not signal for a variant that may not enter',
      );
      const a = (await store.openPositionOf(v, 'AAA'))!;
      assert.equal(
        closed(await applyBar(store, a, bar('AAA', 0, [100, 103, 99.5, 102.5]), context())).exitReason,
        'take_profit',
      );

      const halted = await tripKillSwitch(store, { variantId: v, why: 'by hand', actor: 'op' }, T0 + HOUR);
      assert.deepEqual([halted.state, halted.reason], ['halted', 'kill switch: by hand']);
    });
  });
}
