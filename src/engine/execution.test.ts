// The execution worker on both stores: a normal entry, a refusal that sends nothing, and the recovery of
// an intent a dead process left in `executing` after its order had filled — reconciled by client order
// id, never sent twice; and a SELL entry on a spot account, refused before anything is sent.
import { instrumentBook } from '../app/instrument-for.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../config/load-config.ts';
import { workerId, type EpochMs } from '../domain/ids.ts';
import { markReadyForExec } from '../domain/intent-commands.ts';
import type { AnalystDecision } from '../domain/intent.ts';
import { entryOrderId } from '../domain/order.ts';
import type { Store } from '../domain/ports/store.ts';
import { paperBrokers, variantRuntimes } from '../app/engine-for.ts';
import { openStore } from '../store/open-store.ts';
import { STORE_TARGETS } from '../../test/support/store-targets.ts';
import { adoptAbandoned, executeReady, positionIdFor } from './execution.ts';
import type { TradingWorkerDeps } from './worker-deps.ts';
import { MarketState } from './market-state.ts';
import { join } from 'node:path';
import ccxt from 'ccxt';
import { CcxtBroker } from '../brokers/ccxt/ccxt-broker.ts';
import { FakeBinance, pointAt } from '../../test/support/fake-exchange.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
const HOUR = 3_600_000;
const BUY: AnalystDecision = {
  side: 'BUY',
  slPrice: null,
  tpPrice: null,
  slPips: null,
  tpPips: null,
  riskReport: 'test',
  agentState: null,
};
const config = parseConfig(
  'variants:\n  baseline:\n  at_signal:\n    risk:\n      stop_anchor: signal\n',
  'test.yaml',
);

for (const target of STORE_TARGETS) {
  describe(`execution: ${target.dialect}`, () => {
    let db: { url: string; cleanup(): Promise<void> };
    let store: Store;
    let deps: TradingWorkerDeps;
    const market = new MarketState(HOUR);
    before(async () => {
      db = await target.create();
      ({ store } = await openStore(db.url, { now: '2026-01-05T00:00:00Z' }));
      // The last closed bar closed at 100; the bar now opening opens at 101.
      market.closeBar({
        symbol: 'BTCUSDT',
        time: T0 - HOUR,
        open: 99,
        high: 101,
        low: 98,
        close: 100,
        volume: 1,
      });
      market.openBar({ symbol: 'BTCUSDT', time: T0, open: 101, high: 101, low: 101, close: 101, volume: 1 });
      const variants = new Map(
        variantRuntimes(config, config.variants, { store, market }).map((v) => [v.id as string, v]),
      );
      deps = {
        store,
        brokers: paperBrokers(store, market, config, config.variants, 'bar_open'),
        variants,
        market,
        instruments: instrumentBook(config.market),
        worker: workerId('exec-test'),
      };
    });
    after(async () => {
      await store.close();
      await db.cleanup();
    });

    async function readyIntent(symbol: string, tradeDate: string, variant = config.variants[0]!.id) {
      const { intent } = await store.insertIntent(
        { variantId: variant, symbol, tradeDate, atrAtSignal: 2, claimTtlMinutes: 5 },
        'scanner:test',
        T0 - 1,
      );
      const [claimed] = await store.claimPending(workerId('analyst'), T0 - 1);
      assert.equal(claimed?.id, intent.id);
      await markReadyForExec(store, intent.id, workerId('analyst'), BUY, T0 - 1);
      return intent;
    }

    it('fills at the bar open and sets the stop band around the fill (stop_anchor: fill)', async () => {
      const intent = await readyIntent('BTCUSDT', '2026-01-05T12');
      const counts = await executeReady(deps, T0);
      assert.deepEqual(counts, { opened: 1, rejected: 0, failed: 0, unresolved: 0 });
      const position = await store.getPosition(positionIdFor(intent.id));
      // stop: max(1.5 × 2 / 101, 3 %) = 3 % under the fill 101 → 97.97; qty = min(5 / 3.03, 50 / 101)
      const qty = 50 / 101;
      assert.deepEqual(
        [position?.entryPrice, position?.initialStop, position?.fees],
        [101, 97.97, 101 * qty * 0.001],
      );
      assert.ok(Math.abs((position?.qty ?? 0) - qty) < 1e-12, `qty ${position?.qty}`);
      assert.equal((await store.getIntent(intent.id))?.status, 'opened');
      assert.equal((await store.findOrder(entryOrderId(intent.id)))?.price, 101);
    });

    it('plans the stop from the signal close with stop_anchor: signal', async () => {
      const intent = await readyIntent('BTCUSDT', '2026-01-05T12', config.variants[1]!.id);
      assert.deepEqual(await executeReady(deps, T0), { opened: 1, rejected: 0, failed: 0, unresolved: 0 });
      const position = await store.getPosition(positionIdFor(intent.id));
      // stop: max(1.5 × 2 / 100, 3 %) = 3 % of the last close 100 → 97; qty = min(5 / 3, 50 / 100) = 0.5
      assert.deepEqual(
        [position?.entryPrice, position?.initialStop, position?.qty, position?.fees],
        [101, 97, 0.5, 101 * 0.5 * 0.001],
      );
    });

    it('refuses before sending anything when the variant is halted', async () => {
      const variant = config.variants[0]!.id;
      await store.setTradingState({ variantId: variant, state: 'halted', reason: 'test', actor: 'op' }, T0);
      const intent = await readyIntent('ETHUSDT', '2026-01-05T12');
      market.closeBar({
        symbol: 'ETHUSDT',
        time: T0 - HOUR,
        open: 10,
        high: 10,
        low: 10,
        close: 10,
        volume: 1,
      });
      assert.deepEqual(await executeReady(deps, T0), { opened: 0, rejected: 1, failed: 0, unresolved: 0 });
      const stored = await store.getIntent(intent.id);
      assert.equal(stored?.status, 'rejected');
      assert.match(stored?.statusReason ?? '', /^trading_halted/);
      assert.equal(await store.findOrder(entryOrderId(intent.id)), null, 'no order was sent');
      await store.setTradingState({ variantId: variant, state: 'active', reason: 'reset', actor: 'op' }, T0);
    });

    it('adopts an intent a dead process left in executing after its order filled, without a second order', async () => {
      market.closeBar({
        symbol: 'SOLUSDT',
        time: T0 - HOUR,
        open: 20,
        high: 20,
        low: 20,
        close: 20,
        volume: 1,
      });
      market.openBar({ symbol: 'SOLUSDT', time: T0, open: 25, high: 25, low: 25, close: 25, volume: 1 });
      const intent = await readyIntent('SOLUSDT', '2026-01-05T12');
      const [picked] = await store.pickReady(workerId('dead-process'), T0);
      assert.equal(picked?.id, intent.id);
      // The dead process had sent its order (filled at 20.5) and died before the position was written.
      await store.recordOrder(
        {
          clientOrderId: entryOrderId(intent.id),
          variantId: intent.variantId,
          symbol: 'SOLUSDT',
          side: 'buy',
          purpose: 'entry',
          qty: 2.4,
          contractSize: 1,
          intentId: intent.id,
          positionId: positionIdFor(intent.id),
        },
        {
          clientOrderId: entryOrderId(intent.id),
          status: 'filled',
          price: 20.5,
          qty: 2.4,
          fee: 0.05,
          reason: '',
          at: T0,
        },
      );
      assert.deepEqual(
        await adoptAbandoned(deps, T0 + 60_000),
        { opened: 0, rejected: 0, failed: 0, unresolved: 0 },
        'lease still live',
      );
      const later = T0 + 6 * 60_000;
      assert.deepEqual(await adoptAbandoned(deps, later), {
        opened: 1,
        rejected: 0,
        failed: 0,
        unresolved: 0,
      });
      const position = await store.getPosition(positionIdFor(intent.id));
      assert.deepEqual([position?.entryPrice, position?.qty, position?.fees], [20.5, 2.4, 0.05]);
      const order = await store.findOrder(entryOrderId(intent.id));
      assert.equal(order?.price, 20.5, 'the recorded fill is used; the bar open (25) was never traded');
      const records = await store.decisionRecords(intent.id);
      assert.deepEqual(records.map((r) => r.event).slice(-3), ['pick', 'adopt', 'open']);
    });
  });
}

describe('execution on a spot account', () => {
  it('refuses a SELL entry before anything is sent: spot cannot sell short', async () => {
    const fake = await FakeBinance.start();
    const dir = tempDir();
    const { store } = await openStore(`sqlite:${join(dir.path, 'spot.db')}`, { now: '2026-01-05T00:00:00Z' });
    try {
      const exchange = new ccxt.binance({ apiKey: 'k', secret: 's', timeout: 1_000, rateLimit: 1 });
      pointAt(exchange, fake.baseUrl);
      const market = new MarketState(HOUR);
      market.closeBar({
        symbol: 'BTC/USDT',
        time: T0 - HOUR,
        open: 99,
        high: 101,
        low: 98,
        close: 100,
        volume: 1,
      });
      const runtimes = variantRuntimes(config, config.variants, { store, market });
      const variant = config.variants[0]!.id;
      const spot = new CcxtBroker({
        exchange,
        store,
        variantId: variant,
        account: 'ccxt:binance',
        quoteOf: () => 'dollars',
      });
      const { intent } = await store.insertIntent(
        {
          variantId: variant,
          symbol: 'BTC/USDT',
          tradeDate: '2026-01-05T11',
          atrAtSignal: 2,
          claimTtlMinutes: 5,
        },
        'scanner:test',
        T0 - 1,
      );
      await store.claimPending(workerId('analyst'), T0 - 1);
      await markReadyForExec(store, intent.id, workerId('analyst'), { ...BUY, side: 'SELL' }, T0 - 1);
      const outcome = await executeReady(
        {
          store,
          brokers: () => spot,
          variants: new Map(runtimes.map((v) => [v.id as string, v])),
          market,
          instruments: instrumentBook(config.market),
          worker: workerId('exec-test'),
        },
        T0,
      );
      assert.deepEqual(outcome, { opened: 0, rejected: 1, failed: 0, unresolved: 0 });
      assert.match((await store.getIntent(intent.id))?.executionError ?? '', /cannot sell short/);
      assert.equal(fake.orders().length, 0, 'no order reached the exchange');
    } finally {
      await store.close();
      await fake.close();
      dir.remove();
    }
  });
});
