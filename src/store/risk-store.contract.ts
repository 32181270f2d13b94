// The Store contract for what risk needs: positions by symbol, trails, closed-trade queries, realised
// P&L, the entry lock, locks that never shorten, and the trading state with its audit trail.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { variantId, type EpochMs, type VariantId } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import type { NewPosition } from '../domain/position.ts';
import type { ContractTarget } from './store.contract.ts';
import { longAt100 } from '../../test/support/position-fixture.ts';

const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
const HOUR = 3_600_000;

let counter = 0;
function position(variant: VariantId, symbol: string, overrides: Partial<NewPosition> = {}): NewPosition {
  return longAt100(`rp-${++counter}`, { variant, symbol, openedAt: T0 }, overrides);
}

async function closeWith(store: Store, variant: VariantId, symbol: string, pnl: number, at: EpochMs) {
  const open = await store.openPosition(position(variant, symbol, { openedAt: at - HOUR }));
  return store.closePosition(open.id, {
    exitPrice: 100 + pnl,
    exitReason: 'atr_trail',
    closedAt: at,
    fees: 0,
    pnl,
  });
}

export function describeRiskStoreContract(target: ContractTarget): void {
  describe(`Store contract, risk: ${target.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ store, cleanup } = await target.open());
    });
    after(async () => {
      await store.close();
      await cleanup();
    });

    it('finds the open position of a (variant, symbol), advances it bar by bar and closes it on a bar', async () => {
      const v = variantId('trail');
      assert.equal(await store.openPositionOf(v, 'SOLUSDT'), null);
      const opened = await store.openPosition({ ...position(v, 'SOLUSDT'), signalAt: T0 - HOUR });
      assert.deepEqual(
        [opened.peakPrice, opened.troughPrice, opened.barsHeld, opened.trailedAt, opened.signalAt],
        [100, 100, 0, null, T0 - HOUR],
      );
      const bar = { currentStop: 98.5, peakPrice: 104, troughPrice: 99, barsHeld: 1, barAt: T0 };
      const moved = await store.advancePosition(opened, bar);
      const read = await store.openPositionOf(v, 'SOLUSDT');
      assert.deepEqual(read, moved, 'the advanced position is the one stored');
      assert.deepEqual(
        [
          moved.initialStop,
          moved.currentStop,
          moved.peakPrice,
          moved.troughPrice,
          moved.barsHeld,
          moved.trailedAt,
        ],
        [97, 98.5, 104, 99, 1, T0],
      );
      assert.equal(await store.openPositionOf(variantId('elsewhere'), 'SOLUSDT'), null);
      const closed = await store.closePosition(opened.id, {
        exitPrice: 98.5,
        exitReason: 'atr_trail',
        closedAt: T0 + 2 * HOUR,
        fees: 0,
        pnl: -1.5,
        lastBar: { currentStop: 98.5, peakPrice: 104, troughPrice: 97.5, barsHeld: 2, barAt: T0 + HOUR },
      });
      assert.deepEqual(
        [closed.troughPrice, closed.barsHeld, closed.trailedAt, closed.signalAt],
        [97.5, 2, T0 + HOUR, T0 - HOUR],
        'the closing bar counts',
      );
      await assert.rejects(store.advancePosition(moved, { ...bar, barAt: T0 + HOUR }), /already closed/);
    });

    it('queries closed positions by variant, symbol and close time, and sums realised P&L with its peak', async () => {
      const v = variantId('pnl');
      await closeWith(store, v, 'A', 50, T0 + 1 * HOUR);
      await closeWith(store, v, 'B', -100, T0 + 2 * HOUR);
      await closeWith(store, v, 'A', 30, T0 + 3 * HOUR);
      await closeWith(store, variantId('pnl-other'), 'A', 999, T0 + 2 * HOUR);
      await store.openPosition(position(v, 'C'));

      const all = await store.closedPositions({ variantId: v });
      assert.deepEqual(
        all.map((p) => p.pnl),
        [50, -100, 30],
      );
      assert.deepEqual(
        (await store.closedPositions({ variantId: v, symbol: 'A' })).map((p) => p.pnl),
        [50, 30],
      );
      assert.deepEqual(
        (await store.closedPositions({ variantId: v, closedAfter: T0 + 2 * HOUR })).map((p) => p.pnl),
        [30],
        'closedAfter is exclusive',
      );
      assert.deepEqual(await store.realizedPnl(v), { total: -20, peak: 50, trades: 3 });
      assert.equal(await store.realizedTotal(v), -20);
      assert.equal(await store.realizedTotal(variantId('pnl-none')), 0);
      assert.deepEqual(await store.realizedPnl(variantId('pnl-none')), { total: 0, peak: 0, trades: 0 });
    });

    it('keeps the realised peak in close-time order when a close is booked late (a broker-side close)', async () => {
      const v = variantId('pnl-late');
      await closeWith(store, v, 'A', 30, T0 + 3 * HOUR);
      await closeWith(store, v, 'B', 50, T0 + 1 * HOUR);
      await closeWith(store, v, 'C', -100, T0 + 2 * HOUR);
      // In close-time order the running total went 50, -50, -20: the peak is 50, not the 80 that the
      // booking order (30, 80, -20) would give.
      assert.deepEqual(await store.realizedPnl(v), { total: -20, peak: 50, trades: 3 });
      await closeWith(store, v, 'D', 90, T0 + 4 * HOUR);
      assert.deepEqual(await store.realizedPnl(v), { total: 70, peak: 70, trades: 4 });
      assert.equal(await store.realizedTotal(v), 70);
    });

    it('takes the entry lock only inside a transaction', async () => {
      await assert.rejects(store.tryLockEntry(variantId('lock'), 'X'), /inside transaction/);
      const locked = await store.transaction((tx) => tx.tryLockEntry(variantId('lock'), 'X'));
      assert.equal(locked, true);
    });

    it('keeps the longer of two locks of one kind, and lists the locks in force', async () => {
      const v = variantId('longer');
      const lock = { variantId: v, symbol: 'ETHUSDT', kind: 'cooldown' as const };
      await store.upsertProtection({ ...lock, until: T0 + 6 * HOUR, reason: 'opened p1' }, T0);
      await store.upsertProtection({ ...lock, until: T0 + 2 * HOUR, reason: 'after exit' }, T0 + HOUR);
      const [kept] = await store.activeProtections(v, 'ETHUSDT', T0 + HOUR);
      assert.deepEqual([kept?.until, kept?.reason], [T0 + 6 * HOUR, 'opened p1']);
      await store.upsertProtection({ ...lock, until: T0 + 9 * HOUR, reason: 'opened p2' }, T0 + 3 * HOUR);
      const inForce = await store.protectionsInForce(T0 + 7 * HOUR, v);
      assert.deepEqual(
        inForce.map((p) => [p.symbol, p.until, p.reason]),
        [['ETHUSDT', T0 + 9 * HOUR, 'opened p2']],
      );
      assert.deepEqual(await store.protectionsInForce(T0 + 9 * HOUR, v), [], 'a lock ends at its until');
    });

    it('lifts the locks of the kinds named on exactly one symbol, keeping them as history', async () => {
      const v = variantId('lift');
      const until = T0 + 10 * HOUR;
      await store.upsertProtection(
        { variantId: v, symbol: 'ETHUSDT', kind: 'cooldown', until, reason: 'opened p1' },
        T0,
      );
      await store.upsertProtection(
        { variantId: v, symbol: 'ETHUSDT', kind: 'manual', until, reason: 'news' },
        T0,
      );
      await store.upsertProtection(
        { variantId: v, symbol: 'ETHUSDT', kind: 'compliance', until, reason: 'daily' },
        T0,
      );
      await store.upsertProtection({ variantId: v, symbol: '*', kind: 'manual', until, reason: 'all' }, T0);
      await store.upsertProtection(
        { variantId: v, symbol: 'BTCUSDT', kind: 'cooldown', until, reason: 'p2' },
        T0,
      );

      const lifted = await store.liftProtections(
        { variantId: v, symbol: 'ETHUSDT', kinds: ['cooldown', 'manual'], note: ' (lifted)' },
        T0 + HOUR,
      );
      assert.deepEqual(
        lifted.map((p) => [p.kind, p.until, p.reason]),
        [
          ['cooldown', T0 + HOUR, 'opened p1 (lifted)'],
          ['manual', T0 + HOUR, 'news (lifted)'],
        ],
      );
      assert.deepEqual(
        (await store.protectionsInForce(T0 + HOUR, v)).map((p) => [p.symbol, p.kind]),
        [
          ['*', 'manual'],
          ['BTCUSDT', 'cooldown'],
          ['ETHUSDT', 'compliance'],
        ],
        'other kinds and other symbols (the variant-wide lock too) stay',
      );
      assert.deepEqual(
        await store.liftProtections(
          { variantId: v, symbol: 'ETHUSDT', kinds: ['cooldown'], note: ' again' },
          T0 + 2 * HOUR,
        ),
        [],
        'a lock no longer in force is not lifted twice',
      );
    });

    it('keeps equity snapshots in time order, one per moment, with the latest and the peak at hand', async () => {
      const v = variantId('equity');
      assert.deepEqual(await store.equityHeadline(v), { latest: null, peak: null });
      const snap = (at: number, equity: number) => ({
        variantId: v,
        at,
        balance: 1000,
        equity,
        openPositions: 1,
      });
      // Written out of order, and one moment twice: the later write wins.
      await store.recordEquity(snap(T0 + 2 * HOUR, 1_030));
      await store.recordEquity(snap(T0, 1_000));
      await store.recordEquity(snap(T0 + HOUR, 1_050.5));
      await store.recordEquity(snap(T0 + 3 * HOUR, 990));
      await store.recordEquity(snap(T0 + 2 * HOUR, 1_020));
      assert.deepEqual(
        (await store.equitySnapshots(v)).map((s) => [s.at - T0, s.equity]),
        [
          [0, 1_000],
          [HOUR, 1_050.5],
          [2 * HOUR, 1_020],
          [3 * HOUR, 990],
        ],
      );
      assert.deepEqual(
        (await store.equitySnapshots(v, T0 + 2 * HOUR)).map((s) => s.at - T0),
        [2 * HOUR, 3 * HOUR],
        'since is inclusive',
      );
      const headline = await store.equityHeadline(v);
      assert.deepEqual(headline.latest, snap(T0 + 3 * HOUR, 990));
      assert.equal(headline.peak, 1_050.5);
      // The peak's own snapshot written again lower (a bar run again): the peak follows it down.
      await store.recordEquity(snap(T0 + HOUR, 1_010));
      assert.equal((await store.equityHeadline(v)).peak, 1_020);
      await store.recordEquity(snap(T0 + 4 * HOUR, 1_100));
      assert.deepEqual(await store.equityHeadline(v), { latest: snap(T0 + 4 * HOUR, 1_100), peak: 1_100 });
    });

    it('switches the trading state, records each change once, and reads active for an untouched variant', async () => {
      const v = variantId('state');
      assert.deepEqual(await store.tradingState(v), {
        variantId: v,
        state: 'active',
        reason: '',
        actor: '',
        changedAt: null,
      });
      await store.setTradingState(
        { variantId: v, state: 'halted', reason: 'kill switch: test', actor: 'op' },
        T0,
      );
      const again = await store.setTradingState(
        { variantId: v, state: 'halted', reason: 'second halt', actor: 'op' },
        T0 + 1,
      );
      assert.equal(again.reason, 'kill switch: test', 'halting a halted variant changes nothing');
      await store.setTradingState({ variantId: v, state: 'active', reason: 'reset', actor: 'op' }, T0 + 2);
      assert.equal((await store.tradingState(v)).state, 'active');
      assert.deepEqual(
        (await store.tradingStateChanges(v)).map((c) => [c.from, c.to, c.reason, c.at]),
        [
          ['active', 'halted', 'kill switch: test', T0],
          ['halted', 'active', 'reset', T0 + 2],
        ],
      );
      assert.ok((await store.tradingStates()).some((t) => t.variantId === v && t.state === 'active'));
    });
  });
}
