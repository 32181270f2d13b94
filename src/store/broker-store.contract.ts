// The Store contract for brokers: the request budget counts exactly, refuses what does not fit without
// counting it, and holds its limits when many calls are counted at once; order attempts keep their
// first send time; orders carry the broker's id and their stops.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { variantId } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import type { ContractTarget } from './store.contract.ts';

const UNLIMITED = { all: null, modifications: null, positions: null };

export function describeBrokerStoreContract(target: ContractTarget): void {
  describe(`Store contract, broker records: ${target.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ store, cleanup } = await target.open());
    });
    after(async () => {
      await store.close();
      await cleanup();
    });

    it('counts calls per account, day and kind, and refuses a call that would pass a limit', async () => {
      const limits = { all: 5, modifications: 2, positions: null };
      assert.equal(
        await store.spendApiCalls('mt:1', 'd1', { all: 2, modifications: 1, positions: 1 }, limits),
        true,
      );
      assert.equal(
        await store.spendApiCalls('mt:1', 'd1', { all: 1, modifications: 1, positions: 0 }, limits),
        true,
      );
      // The modification would be the third: nothing of this call is counted, not even its `all`.
      assert.equal(
        await store.spendApiCalls('mt:1', 'd1', { all: 1, modifications: 1, positions: 0 }, limits),
        false,
      );
      assert.deepEqual(await store.apiCalls('mt:1', 'd1'), { all: 3, modifications: 2, positions: 1 });
      assert.deepEqual(await store.apiCalls('mt:1', 'd2'), { all: 0, modifications: 0, positions: 0 });
      assert.deepEqual(await store.apiCalls('mt:2', 'd1'), { all: 0, modifications: 0, positions: 0 });
      assert.equal(
        await store.spendApiCalls('mt:1', 'd1', { all: 2, modifications: 0, positions: 0 }, limits),
        true,
      );
      assert.equal(
        await store.spendApiCalls('mt:1', 'd1', { all: 1, modifications: 0, positions: 0 }, limits),
        false,
      );
      assert.equal(
        await store.spendApiCalls('mt:1', 'd1', { all: 1, modifications: 0, positions: 0 }, UNLIMITED),
        true,
      );
      assert.deepEqual(await store.apiCalls('mt:1', 'd1'), { all: 6, modifications: 2, positions: 1 });
    });

    it('never lets concurrent calls together pass a limit', async () => {
      const limits = { all: 10, modifications: null, positions: null };
      const answers = await Promise.all(
        Array.from({ length: 25 }, () =>
          store.spendApiCalls('mt:race', 'd1', { all: 1, modifications: 0, positions: 0 }, limits),
        ),
      );
      assert.equal(answers.filter(Boolean).length, 10);
      assert.equal((await store.apiCalls('mt:race', 'd1')).all, 10);
    });

    it('writes down each send under a client order id, the latest replacing the earlier', async () => {
      const attempt = {
        clientOrderId: 'i-1:entry',
        account: 'mt:1',
        variantId: variantId('e8'),
        symbol: 'EURUSD.',
        side: 'buy' as const,
        qty: 0.5,
        sentAt: 1_000,
      };
      assert.equal(await store.orderAttempt('i-1:entry'), null);
      assert.deepEqual(await store.recordOrderAttempt(attempt), attempt);
      const resent = { ...attempt, qty: 0.6, sentAt: 9_000 };
      assert.deepEqual(await store.recordOrderAttempt(resent), resent);
      assert.deepEqual(await store.orderAttempt('i-1:entry'), resent);
    });

    it("stores an order's broker id and stops, finds it by that id, and lists a variant's orders", async () => {
      const v = variantId('brk');
      const request = {
        clientOrderId: 'i-2:entry',
        variantId: v,
        symbol: 'XAUUSD.',
        side: 'sell' as const,
        purpose: 'entry' as const,
        qty: 0.2,
        contractSize: 100,
        intentId: null,
        positionId: null,
        stopLoss: 2010,
        takeProfit: 1950,
      };
      const result = {
        clientOrderId: 'i-2:entry',
        status: 'filled' as const,
        price: 2000,
        qty: 0.2,
        fee: 0,
        reason: '',
        at: 5_000,
        brokerRef: 'P7',
      };
      assert.deepEqual(await store.recordOrder(request, result), result);
      assert.deepEqual(await store.findOrderByBrokerRef('P7'), { request, result });
      assert.equal(await store.findOrderByBrokerRef('P8'), null);
      await store.setOrderStops('i-2:entry', { stopLoss: 2005, takeProfit: null });
      const [listed] = await store.variantOrders(v);
      assert.equal(listed?.request.stopLoss, 2005);
      assert.equal(listed?.request.takeProfit, null);
      assert.deepEqual(await store.variantOrders(variantId('nobody')), []);
    });

    it('replaces a refusal with a later fill under the same id, and never a fill', async () => {
      const request = {
        clientOrderId: 'p-3:exit',
        variantId: variantId('brk'),
        symbol: 'EURUSD.',
        side: 'sell' as const,
        purpose: 'exit' as const,
        qty: 0.5,
        contractSize: 100_000,
        intentId: null,
        positionId: null,
      };
      const refused = {
        clientOrderId: 'p-3:exit',
        status: 'rejected' as const,
        price: null,
        qty: 0.5,
        fee: 0,
        reason: 'Market closed',
        at: 1_000,
        brokerRef: null,
      };
      const filled = {
        ...refused,
        status: 'filled' as const,
        price: 1.1,
        reason: '',
        at: 2_000,
        brokerRef: 'P9',
      };
      assert.deepEqual(await store.recordOrder(request, refused), refused);
      assert.deepEqual(await store.recordOrder(request, filled), filled);
      assert.deepEqual(await store.recordOrder(request, { ...refused, at: 3_000 }), filled);
      assert.deepEqual(await store.findOrder('p-3:exit'), filled);
    });
  });
}
