// The fake Binance's trading side, driven by a real ccxt `binance` instance with (any) keys set: ccxt signs,
// sends and parses real requests and maps Binance's error codes with its own table, so what these tests
// observe — fills, balances, and which ccxt error each refusal or fault becomes — is what an execution
// adapter built on ccxt will see.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  BadRequest,
  binance,
  DDoSProtection,
  ExchangeNotAvailable,
  InsufficientFunds,
  InvalidOrder,
  OperationFailed,
  OrderImmediatelyFillable,
  OrderNotFound,
  RequestTimeout,
  type Exchange,
  type Order,
} from 'ccxt';
import { FakeBinance, pointAt, type FakeRoute } from './fake-exchange.ts';

const BTC = 'BTC/USDT';
const PRICE = 50_000;
/** ccxt's own timeout, kept short because two tests wait it out. */
const TIMEOUT_MS = 500;

/** Asserts that `promise` rejects with an instance of `errorClass` and returns the error. */
async function rejectsWith(
  promise: Promise<unknown>,
  errorClass: new (...args: never[]) => Error,
): Promise<Error> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof errorClass, `expected ${errorClass.name}, got ${String(caught)}`);
  return caught;
}

function idOf(order: Order): string {
  return order.id ?? assert.fail('the order has no id');
}

describe('FakeBinance trading (real ccxt binance with keys → fake Binance server)', () => {
  let fake: FakeBinance;

  before(async () => {
    fake = await FakeBinance.start();
  });
  after(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    fake.setPrice('BTCUSDT', PRICE);
  });

  /** A fresh exchange per test, so no test inherits another's loaded markets. */
  async function exchange(): Promise<Exchange> {
    // The limiter stays on at 1 ms per unit of cost, so a test's few requests take milliseconds.
    const ex = new binance({ apiKey: 'key', secret: 'secret', timeout: TIMEOUT_MS, rateLimit: 1 });
    pointAt(ex, fake.baseUrl);
    await ex.loadMarkets();
    return ex;
  }

  function buy(ex: Exchange, amount: number, clientOrderId: string) {
    return ex.createOrder(BTC, 'market', 'buy', amount, undefined, { clientOrderId });
  }

  it('answers the calls loadMarkets adds once keys are set, and publishes filters ccxt reads', async () => {
    const ex = await exchange();

    const routes = fake.requests.map((r) => `${r.method} ${r.route}`).sort();
    assert.deepEqual(routes, [
      'GET currencies',
      'GET exchangeInfo',
      'GET marginPairs',
      'GET marginPairs',
      'GET marginPairs',
    ]);
    const signed = fake.requests.filter((r) => r.route !== 'exchangeInfo');
    assert.ok(signed.every((r) => r.query.signature !== undefined && r.query.timestamp !== undefined));
    const market = ex.market(BTC);
    assert.deepEqual(market.precision, { amount: 0.00001, price: 0.01, base: 1e-8, quote: 1e-8 });
    assert.deepEqual(market.limits.amount, { min: 0.00001, max: 9000 });
    assert.deepEqual(market.limits.cost, { min: 5, max: 9_000_000 });
    assert.equal(ex.currencies.USDT?.active, true);
  });

  it('fills a market buy at once at the set price, charging 0.1 % of the cost in the quote asset', async () => {
    const ex = await exchange();

    const order = await buy(ex, 0.001, 'c-1');

    assert.equal(order.status, 'closed');
    assert.equal(order.clientOrderId, 'c-1');
    assert.equal(order.average, PRICE);
    assert.equal(order.filled, 0.001);
    assert.equal(order.cost, 50);
    assert.deepEqual(order.fee, { currency: 'USDT', cost: 0.05 });
    const [sent] = fake.requestsTo('order', 'POST');
    assert.equal(sent?.params?.newClientOrderId, 'c-1');
    assert.equal(sent?.params?.type, 'MARKET');
    assert.equal(sent?.params?.quantity, '0.001');
    const balance = await ex.fetchBalance();
    assert.equal(balance.USDT?.free, 9949.95);
    assert.equal(balance.BTC?.free, 0.001);
    assert.deepEqual(
      fake.trades().map(({ price, qty, quoteQty, commission, commissionAsset }) => ({
        price,
        qty,
        quoteQty,
        commission,
        commissionAsset,
      })),
      [{ price: PRICE, qty: 0.001, quoteQty: 50, commission: 0.05, commissionAsset: 'USDT' }],
    );
    assert.equal(fake.orders()[0]?.status, 'FILLED');
  });

  it('fills a market sell, crediting the cost less the fee', async () => {
    fake.setBalance('BTC', 0.01);
    const ex = await exchange();

    const order = await ex.createOrder(BTC, 'market', 'sell', 0.002);

    assert.equal(order.status, 'closed');
    assert.match(order.clientOrderId ?? '', /^x-/, 'ccxt names an order itself when the caller does not');
    assert.deepEqual(fake.balance('BTC'), { free: 0.008, locked: 0 });
    assert.deepEqual(fake.balance('USDT'), { free: 10_099.9, locked: 0 });
  });

  it('fills at the newest bar close when no price was set', async () => {
    fake.setBars('ETHUSDT', [
      { time: 0, open: 2_400, high: 2_450, low: 2_350, close: 2_420, volume: 1 },
      { time: 3_600_000, open: 2_420, high: 2_520, low: 2_410, close: 2_500, volume: 1 },
    ]);
    const ex = await exchange();

    const order = await ex.createOrder('ETH/USDT', 'market', 'buy', 0.01);

    assert.equal(order.average, 2_500);
    assert.deepEqual(fake.balance('ETH'), { free: 0.01, locked: 0 });
  });

  it('refuses a market order on a market with neither a price nor bars (ccxt: OperationFailed)', async () => {
    const ex = await exchange();

    const error = await rejectsWith(ex.createOrder('ETH/USDT', 'market', 'buy', 0.01), OperationFailed);

    assert.match(error.message, /No orders on book/);
    assert.deepEqual(fake.orders(), []);
  });

  it('fetches an order by its client order id, or by id; an unknown one is OrderNotFound', async () => {
    const ex = await exchange();
    const placed = await buy(ex, 0.001, 'c-2');

    // ccxt's binance sends a client order id given in params as origClientOrderId and ignores the id.
    const byClientId = await ex.fetchOrder('', BTC, { clientOrderId: 'c-2' });
    const byId = await ex.fetchOrder(idOf(placed), BTC);

    assert.equal(byClientId.id, placed.id);
    assert.equal(byClientId.status, 'closed');
    assert.equal(byClientId.filled, 0.001);
    assert.equal(fake.requestsTo('order', 'GET')[0]?.params?.origClientOrderId, 'c-2');
    assert.equal(byId.clientOrderId, 'c-2');
    const error = await rejectsWith(ex.fetchOrder('', BTC, { clientOrderId: 'nope' }), OrderNotFound);
    assert.match(error.message, /Order does not exist/);
    await rejectsWith(ex.fetchOrder('999999', BTC), OrderNotFound);
  });

  it('refuses a repeated client order id (ccxt: InvalidOrder) and never fills it twice', async () => {
    const ex = await exchange();
    await buy(ex, 0.001, 'c-dup');

    const error = await rejectsWith(buy(ex, 0.001, 'c-dup'), InvalidOrder);

    assert.match(error.message, /Duplicate order sent/);
    assert.equal(fake.orders().length, 1);
    assert.equal(fake.trades().length, 1);
    assert.deepEqual(fake.balance('BTC'), { free: 0.001, locked: 0 });
  });

  it('refuses an order the balance cannot pay for (ccxt: InsufficientFunds), changing nothing', async () => {
    const ex = await exchange();

    await rejectsWith(buy(ex, 1, 'c-big'), InsufficientFunds);
    await rejectsWith(ex.createOrder(BTC, 'market', 'sell', 0.001), InsufficientFunds);

    assert.deepEqual(fake.orders(), []);
    assert.deepEqual(fake.balance('USDT'), { free: 10_000, locked: 0 });
  });

  it('refuses a quantity off the LOT_SIZE filter (ccxt: InvalidOrder)', async () => {
    const ex = await exchange();

    // ccxt itself refuses an amount that rounds to zero steps, before sending anything…
    await rejectsWith(buy(ex, 0.000001, 'c-tiny'), InvalidOrder);
    assert.deepEqual(fake.requestsTo('order'), []);
    // …so the fake's own check is reached through the raw endpoint, as a client skipping ccxt's would.
    for (const quantity of ['0.000001', '0.000015', '9001']) {
      const raw = ex.privatePostOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity });
      const error = await rejectsWith(raw, InvalidOrder);
      assert.match(error.message, /Filter failure: LOT_SIZE/);
    }
    assert.deepEqual(fake.orders(), []);
  });

  it('refuses an order below the minimum notional (ccxt maps -1013 NOTIONAL to BadRequest)', async () => {
    const ex = await exchange();

    const error = await rejectsWith(buy(ex, 0.00005, 'c-small'), BadRequest);

    assert.match(error.message, /Filter failure: NOTIONAL/);
    assert.ok(!(error instanceof InvalidOrder));
    assert.deepEqual(fake.orders(), []);
  });

  it('rests a stop-loss-limit sell with its quantity locked; lists it open; cancels it once', async () => {
    fake.setBalance('BTC', 0.01);
    const ex = await exchange();

    const stop = await ex.createOrder(BTC, 'limit', 'sell', 0.004, 44_900, {
      stopLossPrice: 45_000,
      clientOrderId: 'sl-1',
    });

    assert.equal(stop.status, 'open');
    assert.equal(stop.triggerPrice, 45_000);
    assert.equal(fake.orders()[0]?.type, 'STOP_LOSS_LIMIT');
    assert.deepEqual(fake.balance('BTC'), { free: 0.006, locked: 0.004 });
    const open = await ex.fetchOpenOrders(BTC);
    assert.deepEqual(
      open.map((o) => [o.id, o.clientOrderId, o.status, o.price, o.triggerPrice]),
      [[stop.id, 'sl-1', 'open', 44_900, 45_000]],
    );

    const canceled = await ex.cancelOrder(idOf(stop), BTC);

    assert.equal(canceled.status, 'canceled');
    assert.deepEqual(fake.balance('BTC'), { free: 0.01, locked: 0 });
    assert.deepEqual(await ex.fetchOpenOrders(BTC), []);
    await rejectsWith(ex.cancelOrder(idOf(stop), BTC), OrderNotFound);
  });

  it('rests a take-profit-limit sell, locking the base asset', async () => {
    fake.setBalance('BTC', 0.01);
    const ex = await exchange();

    const order = await ex.createOrder(BTC, 'limit', 'sell', 0.002, 55_000, {
      takeProfitPrice: 55_000,
      clientOrderId: 'tp-1',
    });

    assert.equal(order.status, 'open');
    assert.equal(fake.orders()[0]?.type, 'TAKE_PROFIT_LIMIT');
    assert.deepEqual(fake.balance('BTC'), { free: 0.008, locked: 0.002 });
  });

  it('refuses a stop already past the last price (ccxt: OrderImmediatelyFillable)', async () => {
    fake.setBalance('BTC', 0.01);
    const ex = await exchange();

    const stop = ex.createOrder(BTC, 'limit', 'sell', 0.004, 50_100, { stopLossPrice: 50_100 });

    const error = await rejectsWith(stop, OrderImmediatelyFillable);
    assert.match(error.message, /Stop price would trigger immediately/);
    assert.deepEqual(fake.balance('BTC'), { free: 0.01, locked: 0 });
  });

  it('lists the fills since a time with fetchMyTrades', async () => {
    const ex = await exchange();
    const since = Date.now();
    const order = await buy(ex, 0.001, 'c-t');

    const trades = await ex.fetchMyTrades(BTC, since);

    assert.equal(trades.length, 1);
    assert.equal(trades[0]?.order, order.id);
    assert.equal(trades[0]?.side, 'buy');
    assert.equal(trades[0]?.price, PRICE);
    assert.equal(trades[0]?.amount, 0.001);
    assert.deepEqual(trades[0]?.fee, { currency: 'USDT', cost: 0.05 });
    assert.deepEqual(await ex.fetchMyTrades(BTC, Date.now() + 60_000), []);
  });

  it('maps a 429 on an order to DDoSProtection and a 5xx to ExchangeNotAvailable, applying neither', async () => {
    const ex = await exchange();
    fake.failNext('order', { kind: 'status', status: 429 });
    fake.failNext('order', { kind: 'status', status: 503 });

    await rejectsWith(buy(ex, 0.001, 'c-429'), DDoSProtection);
    await rejectsWith(buy(ex, 0.001, 'c-503'), ExchangeNotAvailable);

    assert.deepEqual(fake.orders(), []);
    assert.equal(fake.requestsTo('order', 'POST').length, 2);
  });

  it('scripts faults on every trading route', async () => {
    const ex = await exchange();
    const calls: [FakeRoute, () => Promise<unknown>][] = [
      ['openOrders', () => ex.fetchOpenOrders(BTC)],
      ['account', () => ex.fetchBalance()],
      ['myTrades', () => ex.fetchMyTrades(BTC)],
      ['order', () => ex.fetchOrder('1', BTC)],
    ];
    for (const [route, call] of calls) {
      fake.failNext(route, { kind: 'status', status: 502 });
      await rejectsWith(call(), ExchangeNotAvailable);
    }
  });

  it('times out after applying an order (ccxt: RequestTimeout); the order is found by its client order id', async () => {
    const ex = await exchange();
    fake.failNext('order', { kind: 'timeout_after_accept' });

    await rejectsWith(buy(ex, 0.001, 'c-lost-answer'), RequestTimeout);

    assert.equal(fake.orders()[0]?.clientOrderId, 'c-lost-answer');
    const found = await ex.fetchOrder('', BTC, { clientOrderId: 'c-lost-answer' });
    assert.equal(found.status, 'closed');
    assert.equal(found.filled, 0.001);
    // A blind retry under the same id is refused rather than filled a second time.
    await rejectsWith(buy(ex, 0.001, 'c-lost-answer'), InvalidOrder);
    assert.equal(fake.trades().length, 1);
  });

  it('times out before applying an order (ccxt: RequestTimeout); nothing exists until it is sent again', async () => {
    const ex = await exchange();
    fake.failNext('order', { kind: 'timeout_before_accept' });

    await rejectsWith(buy(ex, 0.001, 'c-lost-request'), RequestTimeout);

    assert.deepEqual(fake.orders(), []);
    await rejectsWith(ex.fetchOrder('', BTC, { clientOrderId: 'c-lost-request' }), OrderNotFound);
    const retried = await buy(ex, 0.001, 'c-lost-request');
    assert.equal(retried.status, 'closed');
    assert.equal(fake.trades().length, 1);
  });

  it('refuses a trading call without an API key, as Binance does (-2014)', async () => {
    const response = await fetch(`${fake.baseUrl}/api/v3/account?timestamp=1&signature=x`);

    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), { code: -2014, msg: 'API-key format invalid.' });
  });
});
