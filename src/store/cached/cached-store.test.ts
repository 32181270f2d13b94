// The replay's caching store: the store contract holds through it — with every call in a transaction of
// its own, so each read after the first comes from the cache — and the cache never outlives a change it
// did not make: another connection's commit, or its own transaction rolled back.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { variantId, type EpochMs } from '../../domain/ids.ts';
import type { Store } from '../../domain/ports/store.ts';
import { longAt100 } from '../../../test/support/position-fixture.ts';
import { freshSchema } from '../../../test/support/postgres.ts';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { describeBrokerStoreContract } from '../broker-store.contract.ts';
import { describeLlmStoreContract } from '../llm-store.contract.ts';
import { openStore } from '../open-store.ts';
import { describeRiskStoreContract } from '../risk-store.contract.ts';
import { describeStoreContract, type ContractTarget } from '../store.contract.ts';
import { CachedStore } from './cached-store.ts';

const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
const HOUR = 3_600_000;
const MIGRATED_AT = '2026-01-05T00:00:00Z';

/**
 * Each call in a transaction of its own: the first read of a kind fills the cache, the ones after it
 * are answered from memory — so the contract's every assertion checks the cache. The entry lock keeps
 * its own rule (only inside a transaction), and `transaction` is the store's.
 */
function everyCallInATransaction(store: CachedStore): Store {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      if (name === 'transaction' || name === 'close' || name === 'tryLockEntry') return value.bind(target);
      return (...args: unknown[]) =>
        target.transaction((tx) =>
          (tx[name as keyof Store] as (...a: unknown[]) => Promise<unknown>)(...args),
        );
    },
  });
}

const cachedSqlite: ContractTarget = {
  name: 'SQLite behind the replay cache',
  async open() {
    const dir = tempDir();
    const { store } = await openStore(`sqlite:${join(dir.path, 'sigil.db')}`, { now: MIGRATED_AT });
    return { store: everyCallInATransaction(new CachedStore(store)), cleanup: async () => dir.remove() };
  },
};

describeStoreContract(cachedSqlite);
describeRiskStoreContract(cachedSqlite);
describeLlmStoreContract(cachedSqlite);
describeBrokerStoreContract(cachedSqlite);

describe('the replay cache', () => {
  const dir = tempDir();
  const url = `sqlite:${join(dir.path, 'cache.db')}`;
  const V = variantId('cached');
  let store: Store;
  let other: Store;
  before(async () => {
    store = (await openStore(url, { now: MIGRATED_AT })).store;
    other = (await openStore(url, { now: MIGRATED_AT })).store;
  });
  after(async () => {
    await store.close();
    await other.close();
    dir.remove();
  });

  it("sees another connection's halt and locks at its next transaction", async () => {
    const cached = new CachedStore(store);
    const read = () =>
      cached.transaction(async (tx) => [
        (await tx.tradingState(V)).state,
        (await tx.protectionsInForce(T0, V)).map((lock) => lock.kind),
      ]);
    assert.deepEqual(await read(), ['active', []]);
    await other.setTradingState({ variantId: V, state: 'halted', reason: 'by hand', actor: 'cli' }, T0);
    await other.upsertProtection(
      { variantId: V, symbol: 'BTCUSDT', kind: 'manual', until: T0 + HOUR, reason: 'news' },
      T0,
    );
    assert.deepEqual(await read(), ['halted', ['manual']]);
    await other.setTradingState({ variantId: V, state: 'active', reason: 'reset', actor: 'cli' }, T0);
  });

  it('forgets what a rolled-back transaction wrote', async () => {
    const cached = new CachedStore(store);
    const position = longAt100('rolled-back', { variant: V, symbol: 'ETHUSDT', openedAt: T0 });
    assert.deepEqual(await cached.transaction((tx) => tx.openPositions(V)), []);
    await assert.rejects(
      cached.transaction(async (tx) => {
        await tx.openPosition(position);
        assert.equal((await tx.openPositions(V)).length, 1, 'the transaction sees its own write');
        throw new Error('the bar failed');
      }),
      /the bar failed/,
    );
    assert.deepEqual(await cached.transaction((tx) => tx.openPositions(V)), []);
    assert.equal(await store.getPosition(position.id), null);
  });

  it('sees a write made through it outside a transaction', async () => {
    const cached = new CachedStore(store);
    assert.equal((await cached.transaction((tx) => tx.tradingState(V))).state, 'active');
    await cached.setTradingState({ variantId: V, state: 'reducing', reason: 'wind down', actor: 'cli' }, T0);
    assert.equal((await cached.transaction((tx) => tx.tradingState(V))).state, 'reducing');
    await cached.setTradingState({ variantId: V, state: 'active', reason: 'reset', actor: 'cli' }, T0);
  });

  it('keeps the open positions, the trail and the realised P&L in step with the store', async () => {
    const cached = new CachedStore(store);
    const W = variantId('cached-book');
    const opened = longAt100('book-1', { variant: W, symbol: 'SOLUSDT', openedAt: T0 });
    await cached.transaction(async (tx) => {
      const held = await tx.openPosition(opened);
      await tx.advancePosition(held, {
        currentStop: 97,
        peakPrice: 104,
        troughPrice: 99,
        barsHeld: 1,
        barAt: T0,
      });
    });
    const [kept] = await cached.transaction((tx) => tx.openPositions(W));
    assert.deepEqual(kept, await store.getPosition(opened.id));
    assert.throws(
      () => Object.assign(kept as object, { currentStop: 1 }),
      TypeError,
      'cached records are frozen',
    );
    await cached.transaction((tx) =>
      tx.closePosition(opened.id, {
        exitPrice: 104,
        exitReason: 'atr_trail',
        closedAt: T0 + 2 * HOUR,
        fees: 0,
        pnl: 4,
      }),
    );
    assert.deepEqual(await cached.transaction((tx) => tx.openPositions(W)), []);
    assert.deepEqual(await cached.transaction((tx) => tx.realizedPnl(W)), await store.realizedPnl(W));
  });
});

describe('the replay cache on PostgreSQL', () => {
  it('keeps nothing: PostgreSQL has no token for changes made elsewhere', async () => {
    const schema = await freshSchema();
    const { store } = await openStore(schema.url, { now: MIGRATED_AT });
    const { store: other } = await openStore(schema.url, { now: MIGRATED_AT });
    try {
      assert.equal(await store.externalVersion?.(), null);
      const cached = new CachedStore(store);
      const V = variantId('pg-cached');
      assert.equal((await cached.transaction((tx) => tx.tradingState(V))).state, 'active');
      await other.setTradingState({ variantId: V, state: 'halted', reason: 'probe', actor: 'probe' }, T0);
      assert.equal((await cached.transaction((tx) => tx.tradingState(V))).state, 'halted');
    } finally {
      await store.close();
      await other.close();
      await schema.drop();
    }
  });
});
