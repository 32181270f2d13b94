// The ccxt adapter through a real ccxt `binance` with keys, against the fake Binance server and a real
// SQLite store: the broker contract, then the faults an order can meet — each must leave exactly the
// orders it should at the exchange, the right outcome, and the attempt reconciled.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { binance, type Exchange } from 'ccxt';
import { FakeBinance, pointAt } from '../../../test/support/fake-exchange.ts';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { FatalError, RetryableError, UnknownOutcomeError, type SigilError } from '../../domain/errors.ts';
import { positionId, variantId } from '../../domain/ids.ts';
import type { OrderRequest } from '../../domain/order.ts';
import type { Broker } from '../../domain/ports/broker.ts';
import type { Store } from '../../domain/ports/store.ts';
import { openStore } from '../../store/open-store.ts';
import { describeBrokerContract } from '../broker.contract.ts';
import { CcxtBroker, exchangeOrderId } from './ccxt-broker.ts';
import { redactor } from './ccxt-errors.ts';
import { createTradingExchange } from './trading-exchange.ts';

const API_KEY = 'test-api-key-7f3a9c';
const SECRET = 'test-secret-b81e4d';
/** ccxt's own timeout, short because the fault tests wait it out. */
const TIMEOUT_MS = 500;

/**
 * A real ccxt binance pointed at the fake, its limiter at 1 ms per unit of cost so tests take milliseconds.
 * The fake has no ticker route, so fetchTicker alone is answered here — through binance's own parser —
 * from the price the test set.
 */
function binanceAt(fake: FakeBinance, prices: Map<string, number>): Exchange {
  const exchange = new binance({ apiKey: API_KEY, secret: SECRET, timeout: TIMEOUT_MS, rateLimit: 1 });
  pointAt(exchange, fake.baseUrl);
  exchange.fetchTicker = async (symbol: string) => {
    const market = exchange.market(symbol);
    const id = market.id ?? '';
    return exchange.parseTicker({ symbol: id, lastPrice: String(prices.get(id)) }, market);
  };
  return exchange;
}

async function rejectsWith<E extends Error>(
  promise: Promise<unknown>,
  errorClass: new (...args: never[]) => E,
): Promise<E> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof errorClass, `expected ${errorClass.name}, got ${String(caught)}`);
  return caught;
}

function assertNoSecrets(error: Error): void {
  for (const text of [error.message, String(error.stack), (error.cause as Error | undefined)?.message]) {
    for (const secret of [API_KEY, SECRET, 'signature=']) {
      assert.ok(!String(text).includes(secret), `"${secret}" leaked into: ${text}`);
    }
  }
}

describeBrokerContract('ccxt (Binance spot, fake server)', async () => {
  const fake = await FakeBinance.start();
  const dir = tempDir();
  const { store } = await openStore(`sqlite:${join(dir.path, 'ccxt.db')}`, { now: '2026-01-05T12:00:00Z' });
  const prices = new Map<string, number>();
  let price = 100;
  let clock = Date.UTC(2026, 0, 5, 12);
  const setPrice = (to: number) => {
    price = to;
    prices.set('BTCUSDT', to);
    fake.setPrice('BTCUSDT', to);
  };
  setPrice(price);
  const broker = new CcxtBroker({
    exchange: binanceAt(fake, prices),
    store,
    variantId: variantId('contract'),
    account: 'ccxt:binance',
    quoteOf: () => 'dollars',
  });
  return {
    broker,
    symbol: 'BTC/USDT',
    qty: 1,
    contractSize: 1,
    invalidQty: 0.000001,
    price: () => price,
    setPrice: async (to) => setPrice(to),
    now: () => (clock += 1_000),
    dispose: async () => {
      await store.close();
      await fake.close();
      dir.remove();
    },
  };
});

describe('ccxt broker: faults on an order', () => {
  const VARIANT = variantId('faults');
  let fake: FakeBinance;
  let store: Store;
  let exchange: Exchange;
  let broker: CcxtBroker;
  let dir: ReturnType<typeof tempDir>;
  const prices = new Map<string, number>();
  let clock = Date.UTC(2026, 0, 5, 12);
  let sequence = 0;
  const now = () => (clock += 1_000);

  before(async () => {
    fake = await FakeBinance.start();
    dir = tempDir();
    ({ store } = await openStore(`sqlite:${join(dir.path, 'faults.db')}`, { now: '2026-01-05T12:00:00Z' }));
    exchange = binanceAt(fake, prices);
    broker = new CcxtBroker({
      exchange,
      store,
      variantId: VARIANT,
      account: 'ccxt:binance',
      quoteOf: () => 'dollars',
    });
  });
  after(async () => {
    await store.close();
    await fake.close();
    dir.remove();
  });
  beforeEach(() => {
    fake.reset();
    fake.setPrice('BTCUSDT', 100);
    prices.set('BTCUSDT', 100);
  });

  function entry(overrides: Partial<OrderRequest> = {}): OrderRequest {
    // As long as the engine's ids (`it_` + 28 hex digits + `:entry`): more than Binance takes.
    const stem = `it_${String(process.pid).padStart(8, '0')}${String(++sequence).padStart(20, '0')}`;
    return {
      clientOrderId: `${stem}:entry`,
      variantId: VARIANT,
      symbol: 'BTC/USDT',
      side: 'buy',
      purpose: 'entry',
      qty: 1,
      contractSize: 1,
      intentId: null,
      positionId: positionId(`${stem}:position`),
      stopLoss: 98,
      takeProfit: 104,
      ...overrides,
    };
  }

  const posts = () => fake.requestsTo('order', 'POST').length;

  it('a buy paying its fee in the bought asset holds the net amount, and its exit sells exactly that', async () => {
    fake.buyFeesInBase = true;
    const order = entry();
    const fill = await broker.submitMarketOrder(order, now());
    assert.equal(fill.status, 'filled');
    assert.equal(fill.qty, 0.999, '1 BTC less the 0.1 % fee taken in BTC');
    assert.equal(fake.balance('BTC').free, 0.999);
    const exit = await broker.submitMarketOrder(
      {
        ...order,
        clientOrderId: `${order.positionId}:exit`,
        side: 'sell',
        purpose: 'exit',
        qty: fill.qty,
        brokerRef: fill.brokerRef ?? null,
      },
      now(),
    );
    assert.equal(exit.status, 'filled', exit.reason);
    assert.equal(fake.balance('BTC').free, 0);
  });

  it('answer lost after the order was placed: read back by client order id, filled once', async () => {
    const order = entry();
    fake.failNext('order', { kind: 'timeout_after_accept' });

    const fill = await broker.submitMarketOrder(order, now());

    assert.equal(fill.status, 'filled');
    assert.equal(fill.price, 100);
    assert.equal(fill.qty, 1);
    assert.equal(fill.brokerRef, order.positionId);
    // Binance's order query lists no fees; its trades do (0.1 % in USDT).
    assert.ok(Math.abs(fill.fee - 0.1) < 1e-9, `fee ${fill.fee}`);
    assert.equal(fake.orders().length, 1);
    assert.equal(posts(), 1);
    assert.deepEqual(await store.findOrder(order.clientOrderId), fill);
    assert.deepEqual(await broker.submitMarketOrder(order, now()), fill);
    assert.equal(posts(), 1);
  });

  it('request lost before the exchange saw it: UnknownOutcomeError, nothing placed; sent again, fills once', async () => {
    const order = entry();
    fake.failNext('order', { kind: 'timeout_before_accept' });

    const error = await rejectsWith(broker.submitMarketOrder(order, now()), UnknownOutcomeError);

    assert.equal(error.code, 'not_found_on_read_back');
    assert.deepEqual(fake.orders(), []);
    assert.equal(await store.findOrder(order.clientOrderId), null);
    assert.equal((await store.orderAttempt(order.clientOrderId))?.symbol, 'BTC/USDT');
    assert.equal(await broker.findOrder(order.clientOrderId), null);
    const fill = await broker.submitMarketOrder(order, now());
    assert.equal(fill.status, 'filled');
    assert.equal(fake.orders().length, 1);
    assert.equal(fake.trades().length, 1);
  });

  it('a 5xx on the order: read back, not placed → UnknownOutcomeError; sent again, fills once', async () => {
    const order = entry();
    fake.failNext('order', { kind: 'status', status: 503 });

    const error = await rejectsWith(broker.submitMarketOrder(order, now()), UnknownOutcomeError);

    assert.equal(error.code, 'not_found_on_read_back');
    assert.deepEqual(fake.orders(), []);
    assert.equal(fake.requestsTo('order', 'GET').length, 1, 'read back once');
    assert.equal((await broker.submitMarketOrder(order, now())).status, 'filled');
    assert.equal(fake.orders().length, 1);
  });

  it('a 429 on the order: read back, not placed → RetryableError', async () => {
    const order = entry();
    fake.failNext('order', { kind: 'status', status: 429 });

    const error = await rejectsWith(broker.submitMarketOrder(order, now()), RetryableError);

    assert.equal(error.code, 'rate_limited');
    assert.deepEqual(fake.orders(), []);
    assert.equal((await broker.submitMarketOrder(order, now())).status, 'filled');
    assert.equal(fake.orders().length, 1);
  });

  it('insufficient funds: a recorded rejected result, answered again without a request', async () => {
    const order = entry({ qty: 1_000 });

    const refused = await broker.submitMarketOrder(order, now());

    assert.equal(refused.status, 'rejected');
    assert.match(refused.reason, /insufficient balance/);
    assert.deepEqual(fake.orders(), []);
    const requests = fake.requests.length;
    assert.deepEqual(await broker.submitMarketOrder(order, now()), refused);
    assert.equal(fake.requests.length, requests);
  });

  it('an id the exchange already holds (Duplicate order sent): the held order is read back, not a second one', async () => {
    const order = entry();
    await exchange.createOrder('BTC/USDT', 'market', 'buy', 1, undefined, {
      clientOrderId: exchangeOrderId(order.clientOrderId),
    });

    const fill = await broker.submitMarketOrder(order, now());

    assert.equal(fill.status, 'filled');
    assert.equal(posts(), 2, 'the second send was refused as a duplicate');
    assert.equal(fake.orders().length, 1);
  });

  it('a crash between send and record: a new adapter finds the order from the attempt and records it', async () => {
    const order = entry();
    const sentAt = now();
    await exchange.createOrder('BTC/USDT', 'market', 'buy', 1, undefined, {
      clientOrderId: exchangeOrderId(order.clientOrderId),
    });
    await store.recordOrderAttempt({
      clientOrderId: order.clientOrderId,
      account: 'ccxt:binance',
      variantId: VARIANT,
      symbol: 'BTC/USDT',
      side: 'buy',
      qty: 1,
      sentAt,
    });
    const restarted = new CcxtBroker({
      exchange: binanceAt(fake, prices),
      store,
      variantId: VARIANT,
      account: 'ccxt:binance',
      quoteOf: () => 'dollars',
    });

    const found = await restarted.findOrder(order.clientOrderId);

    assert.equal(found?.status, 'filled');
    assert.equal(found?.price, 100);
    assert.equal(found?.qty, 1);
    assert.equal(found?.at, sentAt);
    assert.equal(found?.brokerRef, order.positionId, 'the position id derives from the intent');
    assert.deepEqual(await store.findOrder(order.clientOrderId), found);
    const positions = await restarted.openPositions();
    assert.ok(positions.some((p) => p.brokerRef === order.positionId));
    assert.equal(fake.orders().length, 1);
  });

  it('keeps the signature and the keys out of errors: a read that times out', async () => {
    fake.failNext('account', { kind: 'timeout_before_accept' });
    // The raw ccxt message quotes the signed URL…
    const raw = await rejectsWith(exchange.fetchBalance(), Error);
    assert.match(raw.message, /signature=/);
    fake.failNext('account', { kind: 'timeout_before_accept' });

    const error = await rejectsWith(broker.account(), RetryableError);

    assert.match(error.message, /timed out/);
    assertNoSecrets(error);
  });

  it('keeps the signature and the keys out of errors: an order whose read-back times out too', async () => {
    fake.failNext('order', { kind: 'timeout_before_accept' }, 2);

    const error = await rejectsWith(broker.submitMarketOrder(entry(), now()), UnknownOutcomeError);

    assert.equal(error.code, 'read_back_failed');
    assert.match(error.message, /\?\[signed query removed\]/);
    assertNoSecrets(error);
  });

  it('refuses stops on a position it does not hold', async () => {
    const port: Broker = broker;
    const position = { brokerRef: 'nope', symbol: 'BTC/USDT', side: 'long' as const, qty: 1 };
    const error = await rejectsWith(
      port.modifyStops(
        { ...position, entryPrice: 100, stopLoss: null, takeProfit: null, openedAt: 0 },
        { stopLoss: 90, takeProfit: null },
        now(),
      ),
      Error,
    );
    assert.equal((error as SigilError).kind, 'rejected');
  });
});

describe('ccxt-errors: redaction', () => {
  it('removes keys, signed query strings and authentication header values', () => {
    const redact = redactor([API_KEY, SECRET]);
    const text = redact.text(
      `binance GET https://x/api?timestamp=1&signature=abc123 {"X-MBX-APIKEY":"${API_KEY}"} ` +
        `OK-ACCESS-SIGN: zzz secret=${encodeURIComponent(SECRET)} API-key format invalid.`,
    );
    for (const leaked of [API_KEY, SECRET, 'abc123', 'zzz']) assert.ok(!text.includes(leaked), text);
    assert.match(text, /API-key format invalid\./);
  });
});

describe('createTradingExchange', () => {
  const keys = { apiKey: API_KEY, secret: SECRET };

  it('refuses an unknown exchange id, naming it and valid ones', async () => {
    const error = await rejectsWith(
      createTradingExchange({ exchange: 'binanse', ...keys, sandbox: false }),
      FatalError,
    );
    assert.equal(error.code, 'unknown_exchange');
    assert.match(error.message, /"binanse"/);
    assert.match(error.message, /binance/);
    assertNoSecrets(error);
  });

  it('refuses the sandbox on an exchange that has none', async () => {
    const error = await rejectsWith(
      createTradingExchange({ exchange: 'kraken', ...keys, sandbox: true }),
      FatalError,
    );
    assert.equal(error.code, 'no_sandbox');
    assert.match(error.message, /kraken has no sandbox/);
  });

  it('switches the sandbox on where there is one', async () => {
    const exchange = await createTradingExchange({ exchange: 'binance', ...keys, sandbox: true });
    assert.equal(exchange.isSandboxModeEnabled, true);
    assert.match(JSON.stringify(exchange.urls.api), /testnet/);
  });

  it('builds a keyed spot instance that trades at the given URL', async () => {
    const fake = await FakeBinance.start();
    try {
      fake.setPrice('BTCUSDT', 100);
      const exchange = await createTradingExchange({
        exchange: 'binance',
        ...keys,
        sandbox: false,
        url: fake.baseUrl,
        timeoutMs: 2_000,
      });
      assert.equal(exchange.apiKey, API_KEY);
      assert.equal(exchange.timeout, 2_000);
      assert.equal(exchange.enableRateLimit, true);
      assert.equal(exchange.options.defaultType, 'spot');
      // Binance alone would also list its futures markets, which the fake does not serve.
      exchange.options.fetchMarkets = { types: ['spot'] };
      const order = await exchange.createOrder('BTC/USDT', 'market', 'buy', 0.1, undefined, {
        clientOrderId: 'cte-1',
      });
      assert.equal(order.status, 'closed');
      assert.equal(fake.orders()[0]?.clientOrderId, 'cte-1');
    } finally {
      await fake.close();
    }
  });
});

describe('exchange order ids', () => {
  it('fit every exchange (≤ 32 letters and digits) and are the same for every retry', () => {
    const id = exchangeOrderId('it_0123456789abcdef0123456789ab:entry');
    assert.match(id, /^[a-z0-9]{32}$/);
    assert.equal(exchangeOrderId('it_0123456789abcdef0123456789ab:entry'), id);
    assert.notEqual(exchangeOrderId('it_0123456789abcdef0123456789ab:exit'), id);
  });
});
