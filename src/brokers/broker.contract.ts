// The broker contract: what every adapter (paper, ccxt, Match-Trader) must do, run against each one —
// the paper account on a real store, the others through their real client libraries against fake
// servers on 127.0.0.1.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { positionId, variantId, type EpochMs, type PositionId } from '../domain/ids.ts';
import type { OrderRequest } from '../domain/order.ts';
import type { Broker, BrokerPosition } from '../domain/ports/broker.ts';

export interface BrokerUnderTest {
  broker: Broker;
  symbol: string;
  /** A quantity the broker accepts. */
  qty: number;
  contractSize: number;
  /** A quantity the broker refuses (under its minimum, off its step); null where any is accepted. */
  invalidQty: number | null;
  /** Where the market is now. */
  price(): number;
  /** Moves the market (the fake server's quote, the paper account's price source). */
  setPrice(price: number): Promise<void>;
  /** The clock the adapter is driven with: tests move it forward between steps. */
  now(): EpochMs;
  dispose(): Promise<void>;
}

const VARIANT = variantId('contract');
let sequence = 0;

function entry(under: BrokerUnderTest, overrides: Partial<OrderRequest> = {}): OrderRequest {
  const n = `${process.pid}-${++sequence}`;
  return {
    clientOrderId: `c${n}:entry`,
    variantId: VARIANT,
    symbol: under.symbol,
    side: 'buy',
    purpose: 'entry',
    qty: under.qty,
    contractSize: under.contractSize,
    intentId: null,
    positionId: positionId(`c${n}:position`),
    stopLoss: round(under.price() * 0.98),
    takeProfit: round(under.price() * 1.04),
    ...overrides,
  };
}

/** Sigil's id of each position the suite opened, by the broker's id. */
const sigilIds = new Map<string, PositionId>();

function exitOf(under: BrokerUnderTest, position: BrokerPosition): OrderRequest {
  const id = sigilIds.get(position.brokerRef) ?? null;
  return {
    clientOrderId: `${id ?? position.brokerRef}:exit`,
    variantId: VARIANT,
    symbol: position.symbol,
    side: position.side === 'long' ? 'sell' : 'buy',
    purpose: 'exit',
    qty: position.qty,
    contractSize: under.contractSize,
    intentId: null,
    positionId: id,
    brokerRef: position.brokerRef,
  };
}

function round(price: number): number {
  return Number(price.toFixed(2));
}

function near(actual: number | null | undefined, expected: number, tolerance: number, what: string): void {
  assert.ok(
    actual !== null && actual !== undefined && Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} is not within ${tolerance} of ${expected}`,
  );
}

export function describeBrokerContract(name: string, open: () => Promise<BrokerUnderTest>): void {
  describe(`Broker contract: ${name}`, () => {
    let under: BrokerUnderTest;
    let broker: Broker;
    const start = 100;
    before(async () => {
      under = await open();
      broker = under.broker;
      await under.setPrice(start);
    });
    after(() => under.dispose());

    async function openOne(overrides: Partial<OrderRequest> = {}) {
      const order = entry(under, overrides);
      const fill = await broker.submitMarketOrder(order, under.now());
      assert.equal(fill.status, 'filled', fill.reason);
      assert.ok(fill.brokerRef, 'an entry names the position it opened');
      if (order.positionId) sigilIds.set(fill.brokerRef, order.positionId);
      const position = (await broker.openPositions(under.now())).find((p) => p.brokerRef === fill.brokerRef);
      assert.ok(position, `position ${fill.brokerRef} is among the open positions`);
      return { order, fill, position };
    }

    async function closeOne(position: BrokerPosition) {
      const fill = await broker.submitMarketOrder(exitOf(under, position), under.now());
      assert.equal(fill.status, 'filled', fill.reason);
      return fill;
    }

    it('fills a market entry with its stop-loss and take-profit and lists the position', async () => {
      const { order, fill, position } = await openOne();
      near(fill.price, start, start * 0.01, 'fill price');
      assert.equal(fill.qty, under.qty);
      assert.equal(position.side, 'long');
      assert.equal(position.symbol, under.symbol);
      assert.equal(position.qty, under.qty);
      near(position.entryPrice, fill.price ?? 0, 1e-9, 'entry price');
      near(position.stopLoss, order.stopLoss ?? 0, 0.01, 'stop-loss');
      near(position.takeProfit, order.takeProfit ?? 0, 0.01, 'take-profit');
      await closeOne(position);
    });

    it('answers a client order id sent twice with the first order, never a second one', async () => {
      const { order, fill } = await openOne();
      const count = (await broker.openPositions(under.now())).length;
      const again = await broker.submitMarketOrder(order, under.now());
      assert.deepEqual(
        { status: again.status, price: again.price, brokerRef: again.brokerRef },
        { status: fill.status, price: fill.price, brokerRef: fill.brokerRef },
      );
      const positions = await broker.openPositions(under.now());
      assert.equal(positions.length, count);
      const position = positions.find((p) => p.brokerRef === fill.brokerRef);
      assert.ok(position);
      await closeOne(position);
    });

    it('finds an order by its client order id; an id never sent is not found', async () => {
      const { order, fill, position } = await openOne();
      const found = await broker.findOrder(order.clientOrderId);
      assert.equal(found?.status, 'filled');
      assert.equal(found?.brokerRef, fill.brokerRef);
      assert.equal(await broker.findOrder(`never-sent-${process.pid}:entry`), null);
      await closeOne(position);
    });

    it('moves the stops of an open position', async () => {
      const { position } = await openOne();
      await broker.modifyStops(
        position,
        { stopLoss: round(start * 0.99), takeProfit: round(start * 1.05) },
        under.now(),
      );
      const moved = (await broker.openPositions(under.now())).find((p) => p.brokerRef === position.brokerRef);
      near(moved?.stopLoss, round(start * 0.99), 0.01, 'moved stop-loss');
      near(moved?.takeProfit, round(start * 1.05), 0.01, 'moved take-profit');
      await closeOne(position);
    });

    it('closes a position with an exit order; it is then closed, with its P&L in the balance', async () => {
      const since = under.now();
      const before = await broker.account(under.now());
      const { position } = await openOne();
      await under.setPrice(start * 1.01);
      const fill = await closeOne(position);
      near(fill.price, start * 1.01, start * 0.01, 'exit price');
      assert.equal(
        (await broker.openPositions(under.now())).some((p) => p.brokerRef === position.brokerRef),
        false,
      );
      const closed = (await broker.closedPositionsSince(since, under.now())).find(
        (c) => c.brokerRef === position.brokerRef,
      );
      assert.ok(closed, 'the position is among those closed since the test began');
      const gross = ((fill.price ?? 0) - position.entryPrice) * position.qty * under.contractSize;
      assert.ok(closed.pnl > 0 && closed.pnl <= gross + 1e-9, `pnl ${closed.pnl} of a gross ${gross}`);
      const afterClose = await broker.account(under.now());
      near(afterClose.balance - before.balance, closed.pnl, Math.abs(gross) * 0.05 + 0.01, 'balance change');
      await under.setPrice(start);
    });

    it("shows an open position's floating P&L in equity, not in balance", async () => {
      const { position } = await openOne();
      await under.setPrice(start * 0.99);
      const account = await broker.account(under.now());
      const floating = (start * 0.99 - position.entryPrice) * position.qty * under.contractSize;
      assert.ok(account.equity < account.balance, `equity ${account.equity} < balance ${account.balance}`);
      near(account.equity - account.balance, floating, Math.abs(floating) * 0.2 + 0.01, 'floating P&L');
      await closeOne(position);
      await under.setPrice(start);
    });

    it('declares its own grid, which the test quantity fits and the refused one does not', async () => {
      const spec = await broker.instrumentSpec(under.symbol, under.now());
      if (under.invalidQty === null) {
        assert.equal(spec, null, "a broker that accepts any quantity leaves the config's grid standing");
        return;
      }
      assert.ok(spec, 'a broker that refuses quantities declares its grid');
      assert.ok(spec.priceTick > 0 && spec.minQty > 0 && spec.qtyStep > 0, JSON.stringify(spec));
      assert.ok(spec.minNotional >= 0, JSON.stringify(spec));
      const ticks = start / spec.priceTick;
      assert.ok(
        Math.abs(ticks - Math.round(ticks)) < 1e-6,
        `the quoted price ${start} is on the tick ${spec.priceTick}`,
      );
      assert.ok(under.qty >= spec.minQty);
      const steps = under.qty / spec.qtyStep;
      assert.ok(Math.abs(steps - Math.round(steps)) < 1e-6, `${under.qty} is on the step ${spec.qtyStep}`);
      assert.ok(under.invalidQty < spec.minQty, `${under.invalidQty} is under the minimum ${spec.minQty}`);
    });

    it('refuses a quantity off its grid as a rejected order, not a throw', async (t) => {
      if (under.invalidQty === null) {
        t.skip('this broker accepts any quantity (the paper account has no grid)');
        return;
      }
      const fill = await broker.submitMarketOrder(entry(under, { qty: under.invalidQty }), under.now());
      assert.equal(fill.status, 'rejected');
      assert.ok(fill.reason.length > 0);
    });

    it('reports a stop-loss hit at the broker as a closed position with reason stop_loss', async (t) => {
      if (!broker.capabilities.nativeStops) {
        t.skip('stops are emulated: the position manager closes the position itself');
        return;
      }
      const since = under.now();
      const { position } = await openOne();
      await under.setPrice(start * 0.97);
      const closed = (await broker.closedPositionsSince(since, under.now())).find(
        (c) => c.brokerRef === position.brokerRef,
      );
      assert.equal(closed?.reason, 'stop_loss');
      assert.ok((closed?.pnl ?? 0) < 0);
      await under.setPrice(start);
    });
  });
}
