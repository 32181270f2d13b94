// The memory store passes the SQL stores' contract suites; and what only it has to prove: its isolation
// (one transaction at a time, callers outside it wait, nothing waits when none is open) and records a
// caller cannot change under the store.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { positionId, variantId, type EpochMs } from '../../domain/ids.ts';
import { describeBrokerStoreContract } from '../broker-store.contract.ts';
import { describeLlmStoreContract } from '../llm-store.contract.ts';
import { describeRiskStoreContract } from '../risk-store.contract.ts';
import { describeStoreContract, type ContractTarget } from '../store.contract.ts';
import { longAt100 } from '../../../test/support/position-fixture.ts';
import { MemoryStore } from './memory-store.ts';

const target: ContractTarget = {
  name: 'memory',
  async open() {
    return { store: new MemoryStore(), cleanup: async () => undefined };
  },
};

describeStoreContract(target);
describeRiskStoreContract(target);
describeLlmStoreContract(target);
describeBrokerStoreContract(target);

const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
const V = variantId('iso');

describe('memory store isolation', () => {
  it('makes a call from outside wait for the open transaction, and see only what it committed', async () => {
    const store = new MemoryStore();
    const input = { variantId: V, symbol: 'AAA', tradeDate: '2026-01-05' };
    const key = { ...input, source: 'scanner' as const };
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const failing = store.transaction(async (tx) => {
      await tx.insertIntent(input, 'scanner', T0);
      assert.equal(await tx.intentExists(key), true, 'the transaction sees its own write');
      await held;
      throw new Error('boom');
    });
    const outside = store.intentExists(key);
    let answered = false;
    void outside.then(() => (answered = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(answered, false, 'the outside read waits');
    release();
    await assert.rejects(failing, /boom/);
    assert.equal(await outside, false, 'and never saw the rolled-back insert');
  });

  it('runs the transactions of different callers one after the other, nested ones joining', async () => {
    const store = new MemoryStore();
    const steps: string[] = [];
    const unit = (name: string) =>
      store.transaction(async (tx) => {
        steps.push(`${name} begins`);
        await new Promise((resolve) => setImmediate(resolve));
        await tx.transaction(async (inner) => {
          assert.equal(inner, tx, 'a nested call joins the outer transaction');
          await inner.recordScanStart(V, T0);
        });
        steps.push(`${name} ends`);
      });
    await Promise.all([unit('a'), unit('b')]);
    assert.deepEqual(steps, ['a begins', 'a ends', 'b begins', 'b ends']);
  });

  it('runs a call at once when no transaction is open', async () => {
    const store = new MemoryStore();
    const written = store.openPosition(longAt100('p-1', { variant: V, symbol: 'AAA', openedAt: T0 }));
    // The write is done before its promise is awaited: nothing queued it.
    const [open] = await Promise.all([store.openPositions(V), written]);
    assert.deepEqual(
      open.map((p) => p.id),
      ['p-1'],
    );
  });

  it('lets a transaction view kept after its end queue like any outside caller', async () => {
    const store = new MemoryStore();
    let kept: MemoryStore | null = null;
    await store.transaction(async (tx) => {
      kept = tx as MemoryStore;
    });
    await assert.rejects((kept as unknown as MemoryStore).tryLockEntry(V, 'AAA'), /inside transaction/);
  });

  it('hands out frozen records, so a caller cannot change the store by mutating one', async () => {
    const store = new MemoryStore();
    const opened = await store.openPosition(longAt100('p-2', { variant: V, symbol: 'BBB', openedAt: T0 }));
    assert.throws(() => {
      (opened as { currentStop: number }).currentStop = 1;
    }, TypeError);
    const { intent } = await store.insertIntent({ variantId: V, symbol: 'X', tradeDate: 'd' }, 's', T0);
    assert.throws(() => {
      (intent.scanner as { score: number }).score = 1;
    }, TypeError);
    const listed = await store.openPositions(V);
    listed.pop(); // the arrays are the caller's own
    assert.equal((await store.getPosition(positionId('p-2')))?.currentStop, 97);
    assert.equal((await store.openPositions(V)).length, 1);
  });

  it('refuses calls once closed', async () => {
    const store = new MemoryStore();
    await store.close();
    await assert.rejects(store.jobs(), /closed/);
    await assert.rejects(
      store.transaction(async () => undefined),
      /closed/,
    );
  });
});
