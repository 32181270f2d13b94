// The Match-Trader adapter: the broker contract through the real client against the fake Match-Trader,
// then the faults — lost answers, 5xx, 429, expired sessions, REJECTED answers, a position closed on the
// broker while Sigil was down — each ending with no duplicate position and an exact request count.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UnknownOutcomeError, RetryableError } from '../../domain/errors.ts';
import { positionId, variantId, type EpochMs } from '../../domain/ids.ts';
import type { OrderRequest } from '../../domain/order.ts';
import type { Store } from '../../domain/ports/store.ts';
import { openStore } from '../../store/open-store.ts';
import { FakeMatchTrader } from '../../../test/support/fake-match-trader.ts';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { describeBrokerContract } from '../broker.contract.ts';
import { RequestBudget } from '../request-budget.ts';
import { presetRules } from '../../compliance/presets.ts';
import { MatchTraderBroker } from './match-trader-broker.ts';

const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
const ACCOUNT = 'match_trader:123456';
const CONTRACT_SIZES: Record<string, number> = { XAUUSD: 100, EURUSD: 100_000 };

interface Rig {
  fake: FakeMatchTrader;
  store: Store;
  broker: MatchTraderBroker;
  budget: RequestBudget;
  clock: { now: EpochMs };
  /** A second adapter on the same store and account: the process after a restart. */
  restart(): MatchTraderBroker;
  dispose(): Promise<void>;
}

async function rig(options: { allPerDay?: number } = {}): Promise<Rig> {
  const clock = { now: T0 };
  const fake = await FakeMatchTrader.start({ now: () => clock.now });
  const dir = tempDir();
  const { store } = await openStore(`sqlite:${join(dir.path, 'mt.db')}`, { now: '2026-01-05T12:00:00Z' });
  const rules = presetRules('e8', 50_000);
  if (options.allPerDay !== undefined)
    rules.requests = { ...rules.requests, allPerDay: options.allPerDay, reserve: 2 };
  const budget = new RequestBudget(store, ACCOUNT, rules);
  const build = () =>
    new MatchTraderBroker({
      client: fake.client({
        timeoutMs: 300,
        now: () => clock.now,
        onRequest: (call) => budget.spend(call.kind, clock.now),
      }),
      store,
      account: ACCOUNT,
      contractSizeOf: (symbol) => CONTRACT_SIZES[symbol.replace(/\.$/, '')] ?? 1,
    });
  return {
    fake,
    store,
    broker: build(),
    budget,
    clock,
    restart: build,
    dispose: async () => {
      await fake.close();
      await store.close();
      dir.remove();
    },
  };
}

describeBrokerContract('Match-Trader (fake Platform API)', async () => {
  const r = await rig();
  let price = 2000;
  return {
    broker: r.broker,
    symbol: 'XAUUSD',
    qty: 0.1,
    contractSize: 100,
    invalidQty: 0.001,
    price: () => price,
    setPrice: async (to) => {
      price = to;
      r.fake.setPrice('XAUUSD.', to);
    },
    now: () => (r.clock.now += 1_000),
    dispose: r.dispose,
  };
});

let n = 0;
function buy(overrides: Partial<OrderRequest> = {}): OrderRequest {
  const id = `mt-${++n}`;
  return {
    clientOrderId: `${id}:entry`,
    variantId: variantId('e8'),
    symbol: 'EURUSD',
    side: 'buy',
    purpose: 'entry',
    qty: 0.5,
    contractSize: 100_000,
    intentId: null,
    positionId: positionId(`${id}:position`),
    stopLoss: 1.095,
    takeProfit: 1.11,
    ...overrides,
  };
}

describe('Match-Trader adapter under faults', () => {
  let r: Rig;
  before(async () => {
    r = await rig();
  });
  after(() => r.dispose());

  /** Every request that reached the fake was counted, and nothing else. */
  async function assertCountsExact(): Promise<void> {
    const counted = await r.budget.today(r.clock.now);
    assert.equal(counted.all, r.fake.requests.length, 'every request counted once');
    const opens = r.fake.requests.filter((q) => q.route === 'open').length;
    const edits = r.fake.requests.filter((q) => q.route === 'edit').length;
    assert.equal(counted.positions, opens);
    assert.equal(counted.modifications, edits);
  }

  it('an answer lost after the broker accepted: the read-back finds the position, nothing is sent twice', async () => {
    r.fake.fault('open', { kind: 'timeout_after_accept' });
    const order = buy();
    const fill = await r.broker.submitMarketOrder(order, r.clock.now);
    assert.equal(fill.status, 'filled');
    assert.ok(fill.brokerRef);
    assert.equal(r.fake.openPositions().filter((p) => p.id === fill.brokerRef).length, 1);
    assert.deepEqual(await r.broker.submitMarketOrder(order, r.clock.now), fill);
    assert.equal(r.fake.requests.filter((q) => q.route === 'open').length, 1);
    await assertCountsExact();
  });

  for (const fault of [
    { kind: 'timeout_before_accept' as const },
    { kind: 'status' as const, status: 500 },
    { kind: 'status' as const, status: 503 },
  ]) {
    it(`${fault.kind}${'status' in fault ? ` ${fault.status}` : ''} on open: unknown, read back as not placed; the retry places it once`, async () => {
      const opensBefore = r.fake.openPositions().length;
      r.fake.fault('open', fault);
      const order = buy();
      await assert.rejects(r.broker.submitMarketOrder(order, r.clock.now), (error) => {
        assert.ok(error instanceof UnknownOutcomeError, String(error));
        assert.match(error.message, /not placed/);
        return true;
      });
      assert.equal(r.fake.openPositions().length, opensBefore);
      assert.equal(await r.broker.findOrder(order.clientOrderId), null);
      r.clock.now += 1_000;
      const fill = await r.broker.submitMarketOrder(order, r.clock.now);
      assert.equal(fill.status, 'filled');
      assert.equal(r.fake.openPositions().length, opensBefore + 1);
      await assertCountsExact();
    });
  }

  it('429 on open: retryable, nothing placed, nothing recorded', async () => {
    const opensBefore = r.fake.openPositions().length;
    r.fake.fault('open', { kind: 'status', status: 429 });
    const order = buy();
    await assert.rejects(r.broker.submitMarketOrder(order, r.clock.now), RetryableError);
    assert.equal(r.fake.openPositions().length, opensBefore);
    assert.equal(await r.store.findOrder(order.clientOrderId), null);
    await assertCountsExact();
  });

  it('a REJECTED answer is a recorded rejection; asking again does not send again', async () => {
    r.fake.fault('open', { kind: 'rejected', message: 'Market closed', nativeCode: 'MARKET_CLOSED' });
    const order = buy();
    const fill = await r.broker.submitMarketOrder(order, r.clock.now);
    assert.equal(fill.status, 'rejected');
    assert.match(fill.reason, /Market closed/);
    const opens = r.fake.requests.filter((q) => q.route === 'open').length;
    assert.deepEqual(await r.broker.submitMarketOrder(order, r.clock.now), fill);
    assert.equal(r.fake.requests.filter((q) => q.route === 'open').length, opens);
    await assertCountsExact();
  });

  it('an expired session is renewed once and the order goes through once', async () => {
    r.fake.expireSessions();
    const opensBefore = r.fake.openPositions().length;
    const fill = await r.broker.submitMarketOrder(buy(), r.clock.now);
    assert.equal(fill.status, 'filled');
    assert.equal(r.fake.openPositions().length, opensBefore + 1);
    assert.ok(r.fake.requests.some((q) => q.status === 401));
    await assertCountsExact();
  });

  it('a crash between the send and the record: the restarted adapter finds the order on the broker', async () => {
    r.fake.fault('open', { kind: 'timeout_after_accept' });
    const order = buy();
    // The attempt is written, the broker opens the position, and the process dies before recording it:
    // the lost answer is simulated by the fault, the death by never looking at the result.
    const dead = r.restart();
    await dead.submitMarketOrder(order, r.clock.now).catch(() => undefined);
    await r.store.transaction(async () => undefined);
    const opensAfterCrash = r.fake.openPositions().length;
    // (The read-back of the dying process may have recorded it already; a fresh one must agree.)
    const restarted = r.restart();
    const found = await restarted.findOrder(order.clientOrderId);
    assert.equal(found?.status, 'filled');
    assert.equal(
      r.fake.openPositions().filter((p) => p.id === found?.brokerRef).length,
      1,
      'the found order is the open position',
    );
    const again = await restarted.submitMarketOrder(order, r.clock.now);
    assert.equal(again.brokerRef, found?.brokerRef);
    assert.equal(r.fake.openPositions().length, opensAfterCrash);
    await assertCountsExact();
  });

  it('closing a position the broker already closed (its stop hit while Sigil was down) returns that close', async () => {
    const entry = buy();
    const fill = await r.broker.submitMarketOrder(entry, r.clock.now);
    assert.ok(fill.brokerRef);
    r.clock.now += 60_000;
    r.fake.setPrice('EURUSD.', 1.09);
    const closed = await r.broker.closedPositionsSince(T0, r.clock.now);
    assert.equal(closed.find((c) => c.brokerRef === fill.brokerRef)?.reason, 'stop_loss');
    const exit = await r.broker.submitMarketOrder(
      {
        ...entry,
        clientOrderId: `${entry.positionId}:exit`,
        side: 'sell',
        purpose: 'exit',
        brokerRef: fill.brokerRef,
      },
      r.clock.now,
    );
    assert.equal(exit.status, 'filled');
    assert.equal(exit.price, 1.095);
    assert.match(exit.reason, /closed on the broker/);
    r.fake.setPrice('EURUSD.', 1.1);
    await assertCountsExact();
  });

  it('a refused close is sent again on the next try, and closes the position then', async () => {
    const entry = buy();
    const fill = await r.broker.submitMarketOrder(entry, r.clock.now);
    assert.ok(fill.brokerRef);
    const exit: OrderRequest = {
      ...entry,
      clientOrderId: `${entry.positionId}:exit`,
      side: 'sell',
      purpose: 'exit',
      brokerRef: fill.brokerRef,
    };
    r.fake.fault('close', { kind: 'rejected', message: 'Market closed' });
    const refused = await r.broker.submitMarketOrder(exit, r.clock.now);
    assert.equal(refused.status, 'rejected');
    assert.ok(
      r.fake.openPositions().some((p) => p.id === fill.brokerRef),
      'still open',
    );
    r.clock.now += 600_000;
    const closed = await r.broker.submitMarketOrder(exit, r.clock.now);
    assert.equal(closed.status, 'filled');
    assert.equal(
      r.fake.openPositions().some((p) => p.id === fill.brokerRef),
      false,
    );
    assert.deepEqual(await r.store.findOrder(exit.clientOrderId), closed, 'the fill replaced the refusal');
    await assertCountsExact();
  });

  it('a quantity is sent in lots of the broker contract size, rounded down to its step', async () => {
    const order = buy({ qty: 0.537 });
    const fill = await r.broker.submitMarketOrder(order, r.clock.now);
    assert.equal(fill.status, 'filled');
    const sent = r.fake.requests.filter((q) => q.route === 'open').at(-1)?.body as { volume: number };
    assert.equal(sent.volume, 0.53);
    assert.equal(fill.qty, 0.53);
  });
});

describe('Match-Trader request budget', () => {
  it('refuses an entry past the budget without sending it, and still lets a close through', async () => {
    // E8's 85 % margin of 20 calls (reserve 2): entries may spend 17; closes the full 20.
    const r = await rig({ allPerDay: 20 });
    try {
      const fills = [];
      for (let i = 0; i < 10; i++) fills.push(await r.broker.submitMarketOrder(buy(), r.clock.now));
      const refused = fills.filter((f) => f.status === 'rejected');
      assert.ok(refused.length > 0, 'the budget ran out');
      assert.match(refused[0]?.reason ?? '', /request budget/);
      const counted = await r.budget.today(r.clock.now);
      assert.equal(counted.all, r.fake.requests.length);
      assert.ok(counted.all <= 20);
      const open = fills.find((f) => f.status === 'filled');
      assert.ok(open?.brokerRef);
      const before = r.fake.openPositions().length;
      const exit = await r.broker
        .submitMarketOrder(
          {
            ...buy(),
            clientOrderId: 'budget:exit',
            side: 'sell',
            purpose: 'exit',
            brokerRef: open.brokerRef,
          },
          r.clock.now,
        )
        .catch((error: unknown) => error);
      assert.equal(r.fake.openPositions().length, before - 1, `the close went through: ${String(exit)}`);
    } finally {
      await r.dispose();
    }
  });
});
