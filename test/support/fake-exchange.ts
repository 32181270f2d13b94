// A fake Binance spot REST server on 127.0.0.1, for driving a real ccxt `binance` instance in tests.
// Market data: it answers `GET /api/v3/exchangeInfo` (ccxt's loadMarkets with
// `options.fetchMarkets = { types: ['spot'] }`) and `GET /api/v3/klines` (fetchOHLCV) from bars held in memory.
// Trading: with an apiKey/secret set on the ccxt instance it also answers the signed spot calls —
// `POST/GET/DELETE /api/v3/order` (createOrder, fetchOrder by id or client order id, cancelOrder),
// `GET /api/v3/openOrders`, `GET /api/v3/account` (fetchBalance), `GET /api/v3/myTrades`, and the `/sapi`
// calls ccxt's loadMarkets adds once keys are set (currencies, margin pairs). It keeps balances, a last price
// per market, orders and fills: MARKET orders fill at once at the last price with a 0.1 % fee in the quote
// asset; LIMIT and stop-limit orders rest as NEW with their funds locked (there is no matching engine).
// Paging: `capKlinesRows` caps the rows of one klines answer below what was asked (a server's own page
// limit); `cutKlinesAfter` loses every klines request after the next N answers (a connection dropped
// mid-download). Signatures are not verified, only required. Everything is in Binance's own wire format, with Binance's
// error codes and messages, so ccxt's own error table decides which exception a test sees, and every
// route can be scripted to misbehave the way the real one does — including timing out before or after
// an order is applied.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { listenOnLoopback, closeServer, readBody } from './local-server.ts';
import type { Exchange } from 'ccxt';
import { Decimal } from 'decimal.js';
import { TIMEFRAMES } from '../../src/domain/candle.ts';
import { pointExchangeAt } from '../../src/marketdata/ccxt-feed.ts';

/** One bar as the fake holds it; `time` is the open time in epoch ms. */
export interface FakeBar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export type FakeRoute =
  | 'exchangeInfo'
  | 'derivativesInfo'
  | 'klines'
  | 'order'
  | 'openOrders'
  | 'account'
  | 'myTrades'
  | 'currencies'
  | 'marginPairs';

/**
 * What the next answer(s) on a route look like instead of the real one:
 * - `status`: that HTTP status with `body` (JSON), or by default what Binance's edge sends — a JSON -1003
 *   for 429 (ccxt: DDoSProtection), a plain-text page for anything else (5xx → ExchangeNotAvailable);
 *   with `retryAfter`, a `Retry-After` header of that many seconds, as Binance sends with 429 and 418;
 *   nothing is applied;
 * - `garbage`: a 200 whose body is cut-off JSON (the request is applied first: the exchange did answer);
 * - `nonNumeric`: klines whose first bar has the open price "abc";
 * - `highBelowLow`: klines whose first bar has its high and low swapped;
 * - `timeout_before_accept`: no answer ever, and nothing applied (the request was lost on the way in);
 * - `timeout_after_accept`: the request IS applied (an order placed or cancelled), then no answer ever —
 *   the case where a client cannot know whether its order exists.
 * A request left unanswered is held open until the client gives up, `reset()` or `close()`.
 */
export type FakeFault =
  | { kind: 'status'; status: number; body?: unknown; retryAfter?: number }
  | { kind: 'garbage' }
  | { kind: 'nonNumeric' }
  | { kind: 'highBelowLow' }
  | { kind: 'timeout_before_accept' }
  | { kind: 'timeout_after_accept' };

export interface FakeRequest {
  route: FakeRoute | 'unknown';
  method: string;
  /** The URL's query string. */
  query: Record<string, string>;
  /** For `order` requests, every parameter sent — query and form body (where ccxt puts a POST's). */
  params?: Record<string, string>;
  /** When it arrived (epoch ms, wall clock): how long a client waited between two requests. */
  at: number;
}

export type FakeOrderType = 'MARKET' | 'LIMIT' | 'STOP_LOSS_LIMIT' | 'TAKE_PROFIT_LIMIT';

/** An order as the fake holds it; numbers are what Binance sends as decimal strings. */
export interface FakeOrder {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  side: 'BUY' | 'SELL';
  type: FakeOrderType;
  timeInForce: string;
  /** 0 for MARKET orders, as Binance reports it. */
  price: number;
  /** 0 for orders without a trigger. */
  stopPrice: number;
  origQty: number;
  executedQty: number;
  cummulativeQuoteQty: number;
  status: 'NEW' | 'FILLED' | 'CANCELED';
  time: number;
  updateTime: number;
}

/** One fill, as `/api/v3/myTrades` reports it. */
export interface FakeTrade {
  symbol: string;
  id: number;
  orderId: number;
  side: 'BUY' | 'SELL';
  price: number;
  qty: number;
  quoteQty: number;
  commission: number;
  commissionAsset: string;
  time: number;
}

export interface FakeBalance {
  free: number;
  locked: number;
}

/** Spot markets listed by default: Binance id → [base, quote]. */
const DEFAULT_MARKETS: Record<string, [string, string]> = {
  BTCUSDT: ['BTC', 'USDT'],
  ETHUSDT: ['ETH', 'USDT'],
  SOLUSDT: ['SOL', 'USDT'],
};

/** What a fresh (or reset) account holds; every other asset is 0. */
const DEFAULT_BALANCES: Readonly<Record<string, number>> = { USDT: 10_000 };

/** Binance's kline intervals are Sigil's timeframe names. */
const INTERVAL_MS: Readonly<Record<string, number>> = TIMEFRAMES;

// Binance's own bounds for /klines and /myTrades.
const KLINES_DEFAULT_LIMIT = 500;
const KLINES_MAX_LIMIT = 1000;
const MY_TRADES_DEFAULT_LIMIT = 500;
const MY_TRADES_MAX_LIMIT = 1000;

/** The same filters on every market; exchangeInfo publishes them and orders are checked against them. */
const FILTER = {
  minPrice: new Decimal('0.01'),
  maxPrice: new Decimal('1000000'),
  tickSize: new Decimal('0.01'),
  minQty: new Decimal('0.00001'),
  maxQty: new Decimal('9000'),
  stepSize: new Decimal('0.00001'),
  minNotional: new Decimal('5'),
  maxNotional: new Decimal('9000000'),
};

/** Binance's default spot taker fee; charged in the quote asset here, to keep the arithmetic simple. */
const COMMISSION_RATE = new Decimal('0.001');

const ORDER_TYPES: readonly FakeOrderType[] = ['LIMIT', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'];

/** Binance's answer to a refused request: the HTTP status and its `{ code, msg }` body. */
interface Refusal {
  status: number;
  body: { code: number; msg: string };
}

type Params = Record<string, string>;

/** What a route answers, or a refusal. */
type Answer = { status: number; body: unknown };

export class FakeBinance {
  /** Every request received, in order (faulted ones included). */
  /** Buys pay their commission in the bought asset (Binance without BNB fees); default: in the quote. */
  buyFeesInBase = false;
  readonly requests: FakeRequest[] = [];
  private readonly bars = new Map<string, FakeBar[]>();
  private readonly faults: Record<FakeRoute, { fault: FakeFault; marketId?: string }[]> = {
    exchangeInfo: [],
    derivativesInfo: [],
    klines: [],
    order: [],
    openOrders: [],
    account: [],
    myTrades: [],
    currencies: [],
    marginPairs: [],
  };
  private readonly balances = new Map<string, FakeBalance>();
  private readonly prices = new Map<string, number>();
  private readonly orderList: FakeOrder[] = [];
  private readonly ordersById = new Map<number, FakeOrder>();
  private readonly ordersByClientId = new Map<string, FakeOrder>();
  private readonly fills: FakeTrade[] = [];
  /** Responses deliberately never answered (timeout faults), so close() can drop their sockets. */
  private readonly held = new Set<ServerResponse>();
  /** At most this many rows per klines answer, whatever the limit asked (Binance: the limit, ≤ 1000). */
  private klinesRowsCap = KLINES_MAX_LIMIT;
  /** Klines answers still given before every further klines request is lost; null: no cut. */
  private klinesBeforeCut: number | null = null;
  // Ids keep growing across reset(), so a client that cached an id from an earlier test never finds it again.
  private nextOrderId = 1;
  private nextTradeId = 1;

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    private readonly markets: Record<string, [string, string]>,
  ) {
    this.resetBalances();
  }

  static async start(markets: Record<string, [string, string]> = DEFAULT_MARKETS): Promise<FakeBinance> {
    const { server, url } = await listenOnLoopback();
    const fake = new FakeBinance(server, url, markets);
    server.on('request', (request, response) => void fake.handle(request, response));
    return fake;
  }

  /** Replaces the bars of one market (Binance id, e.g. `BTCUSDT`), kept sorted by open time. */
  setBars(marketId: string, bars: readonly FakeBar[]): void {
    const sorted = [...bars].sort((a, b) => a.time - b.time);
    this.bars.set(marketId, sorted);
  }

  /** Appends bars, as the exchange does when time passes. */
  addBars(marketId: string, bars: readonly FakeBar[]): void {
    this.setBars(marketId, [...(this.bars.get(marketId) ?? []), ...bars]);
  }

  /**
   * The price MARKET orders on `marketId` fill at. Without one, the close of the market's newest bar is
   * used; with neither, a MARKET order is refused as Binance refuses one on an empty book.
   */
  setPrice(marketId: string, price: number): void {
    this.prices.set(marketId, price);
  }

  /** Sets the free amount of an asset (nothing locked). */
  setBalance(asset: string, free: number): void {
    this.balances.set(asset, { free, locked: 0 });
  }

  /** The account's holding of one asset; 0/0 for an asset never held. */
  balance(asset: string): FakeBalance {
    const held = this.balances.get(asset);
    return held === undefined ? { free: 0, locked: 0 } : { ...held };
  }

  /** Every order accepted, in the order placed (copies). */
  orders(): FakeOrder[] {
    return this.orderList.map((order) => ({ ...order }));
  }

  /** Every fill, in the order made (copies). */
  trades(): FakeTrade[] {
    return this.fills.map((trade) => ({ ...trade }));
  }

  /**
   * The next `times` answers on `route` — only those for `marketId` (a `symbol` parameter value), if given —
   * are `fault` instead of the real answer. Faults queue in the order scripted.
   */
  failNext(route: FakeRoute, fault: FakeFault, times = 1, marketId?: string): void {
    for (let i = 0; i < times; i++) this.faults[route].push({ fault, marketId });
  }

  /** Answers at most `rows` bars per klines request, so a client must page on the bars it got. */
  capKlinesRows(rows: number): void {
    this.klinesRowsCap = rows;
  }

  /**
   * After the next `answers` klines answers, every klines request is held unanswered — the connection lost
   * mid-download; a test kills its client then. `null` lifts the cut.
   */
  cutKlinesAfter(answers: number | null): void {
    this.klinesBeforeCut = answers;
  }

  /** The klines requests received, optionally for one market only. */
  klinesRequests(marketId?: string): FakeRequest[] {
    return this.requests.filter(
      (r) => r.route === 'klines' && (marketId === undefined || r.query.symbol === marketId),
    );
  }

  /** The requests received on one route, optionally with one HTTP method only. */
  requestsTo(route: FakeRoute, method?: string): FakeRequest[] {
    return this.requests.filter((r) => r.route === route && (method === undefined || r.method === method));
  }

  /**
   * Forgets bars, prices, orders, fills, faults and the request log, and puts the balances back to their
   * defaults, so one server can serve several tests. Requests held unanswered are dropped.
   */
  reset(): void {
    this.bars.clear();
    for (const queue of Object.values(this.faults)) queue.length = 0;
    this.requests.length = 0;
    this.prices.clear();
    this.orderList.length = 0;
    this.ordersById.clear();
    this.ordersByClientId.clear();
    this.fills.length = 0;
    this.resetBalances();
    this.buyFeesInBase = false;
    this.klinesRowsCap = KLINES_MAX_LIMIT;
    this.klinesBeforeCut = null;
    this.dropHeld();
  }

  async close(): Promise<void> {
    this.dropHeld();
    await closeServer(this.server);
  }

  private resetBalances(): void {
    this.balances.clear();
    for (const [asset, free] of Object.entries(DEFAULT_BALANCES)) this.setBalance(asset, free);
  }

  private dropHeld(): void {
    for (const response of this.held) response.destroy();
    this.held.clear();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', this.baseUrl);
      const query = Object.fromEntries(url.searchParams);
      // ccxt sends a signed POST's parameters as a form body; Binance reads both places.
      const body = await readBody(request);
      const params: Params = { ...query, ...Object.fromEntries(new URLSearchParams(body)) };
      const endpoint = ENDPOINTS[url.pathname];
      const method = request.method ?? 'GET';
      this.requests.push({
        route: endpoint?.route ?? 'unknown',
        method,
        query,
        ...(endpoint?.route === 'order' ? { params } : {}),
        at: Date.now(),
      });
      if (endpoint === undefined || !endpoint.methods.includes(method)) {
        return send(response, 404, { code: -1, msg: `fake Binance has no ${method} ${url.pathname}` });
      }
      const { route } = endpoint;
      if (route === 'klines' && this.klinesBeforeCut !== null) {
        if (this.klinesBeforeCut === 0) return this.hold(response);
        this.klinesBeforeCut--;
      }
      const fault = this.takeFault(route, params.symbol);
      if (fault?.kind === 'status') {
        const headers: Record<string, string> =
          fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
        if (fault.body !== undefined) return send(response, fault.status, fault.body, headers);
        if (fault.status === 429)
          return send(response, 429, { code: -1003, msg: 'Too many requests.' }, headers);
        return sendText(response, fault.status, `${fault.status} (scripted)`, 'text/plain', headers);
      }
      if (fault?.kind === 'timeout_before_accept') return this.hold(response);
      const refusal = endpoint.signed ? checkSigned(request, params) : undefined;
      const answer = refusal ?? this.answer(route, method, params);
      if (fault?.kind === 'timeout_after_accept') return this.hold(response);
      if (fault?.kind === 'garbage') return sendText(response, 200, '[[1700000000000,"1.0","2.0"'); // cut short
      const first: unknown = Array.isArray(answer.body) ? answer.body[0] : undefined;
      if (route === 'klines' && answer.status === 200 && Array.isArray(first)) {
        if (fault?.kind === 'highBelowLow') [first[2], first[3]] = [first[3], first[2]];
        if (fault?.kind === 'nonNumeric') first[1] = 'abc';
      }
      return send(response, answer.status, answer.body);
    } catch (error) {
      // A bug in the fake must show up as a failed request, not as a hung test.
      if (!response.headersSent) sendText(response, 500, String(error), 'text/plain');
    }
  }

  /** Leaves a request unanswered until the client gives up or the fake is reset or closed. */
  private hold(response: ServerResponse): void {
    this.held.add(response);
    response.once('close', () => this.held.delete(response));
  }

  private takeFault(route: FakeRoute, marketId: string | undefined): FakeFault | undefined {
    const queue = this.faults[route];
    const index = queue.findIndex((entry) => entry.marketId === undefined || entry.marketId === marketId);
    return index < 0 ? undefined : queue.splice(index, 1)[0]?.fault;
  }

  private answer(route: FakeRoute, method: string, params: Params): Answer {
    switch (route) {
      case 'exchangeInfo':
        return ok(this.exchangeInfo());
      case 'derivativesInfo':
        // A spot-only exchange: ccxt's binance loads the futures lists too, unless told spot only.
        return ok({ timezone: 'UTC', serverTime: 0, symbols: [] });
      case 'klines': {
        const klines = this.klines(params);
        return 'error' in klines ? { status: 400, body: klines.error } : ok(klines.rows);
      }
      case 'order':
        if (method === 'POST') return this.placeOrder(params);
        if (method === 'DELETE') return this.cancelOrder(params);
        return this.queryOrder(params);
      case 'openOrders':
        return this.openOrders(params);
      case 'account':
        return ok(this.account());
      case 'myTrades':
        return this.myTrades(params);
      case 'currencies':
        return ok(this.currencies());
      case 'marginPairs':
        // No margin trading here; ccxt only indexes the list.
        return ok([]);
    }
  }

  private exchangeInfo(): object {
    return {
      timezone: 'UTC',
      serverTime: 0,
      rateLimits: [],
      exchangeFilters: [],
      symbols: Object.entries(this.markets).map(([symbol, [baseAsset, quoteAsset]]) => ({
        symbol,
        status: 'TRADING',
        baseAsset,
        baseAssetPrecision: 8,
        quoteAsset,
        quotePrecision: 8,
        quoteAssetPrecision: 8,
        // ccxt refuses, before sending, an order type not listed here.
        orderTypes: ORDER_TYPES,
        icebergAllowed: true,
        ocoAllowed: true,
        isSpotTradingAllowed: true,
        isMarginTradingAllowed: false,
        filters: [
          {
            filterType: 'PRICE_FILTER',
            minPrice: FILTER.minPrice.toFixed(8),
            maxPrice: FILTER.maxPrice.toFixed(8),
            tickSize: FILTER.tickSize.toFixed(8),
          },
          {
            filterType: 'LOT_SIZE',
            minQty: FILTER.minQty.toFixed(8),
            maxQty: FILTER.maxQty.toFixed(8),
            stepSize: FILTER.stepSize.toFixed(8),
          },
          {
            filterType: 'NOTIONAL',
            minNotional: FILTER.minNotional.toFixed(8),
            maxNotional: FILTER.maxNotional.toFixed(8),
          },
        ],
        permissions: [],
        permissionSets: [['SPOT']],
      })),
    };
  }

  /** Binance kline rows: [openTime, "open", "high", "low", "close", "volume", closeTime, ...]. */
  private klines(query: Params): { rows: unknown[][] } | { error: object } {
    const symbol = query.symbol ?? '';
    const intervalMs = INTERVAL_MS[query.interval ?? ''];
    if (!(symbol in this.markets)) return { error: { code: -1121, msg: 'Invalid symbol.' } };
    if (intervalMs === undefined) return { error: { code: -1120, msg: 'Invalid interval.' } };
    const limit = Number(query.limit ?? KLINES_DEFAULT_LIMIT);
    if (!(limit >= 1 && limit <= KLINES_MAX_LIMIT)) return { error: { code: -1130, msg: 'Invalid limit.' } };
    const start = query.startTime === undefined ? -Infinity : Number(query.startTime);
    const end = query.endTime === undefined ? Infinity : Number(query.endTime);
    const rows = (this.bars.get(symbol) ?? [])
      .filter((bar) => bar.time >= start && bar.time <= end)
      .slice(0, Math.min(limit, this.klinesRowsCap))
      .map((bar) => [
        bar.time,
        String(bar.open),
        String(bar.high),
        String(bar.low),
        String(bar.close),
        String(bar.volume),
        bar.time + intervalMs - 1,
        String(bar.volume * bar.close),
        1,
        '0',
        '0',
        '0',
      ]);
    return { rows };
  }

  /** The last price of a market: the one set, else the newest bar's close. */
  private lastPrice(marketId: string): number | undefined {
    return this.prices.get(marketId) ?? this.bars.get(marketId)?.at(-1)?.close;
  }

  /** `POST /api/v3/order`, checked in roughly Binance's order: parameters, duplicates, filters, funds. */
  private placeOrder(params: Params): Answer {
    const market = this.marketOf(params);
    if ('body' in market) return market;
    const [base, quote] = market.assets;
    const side = params.side;
    if (side !== 'BUY' && side !== 'SELL') return refuse(-1117, 'Invalid side.');
    const type = ORDER_TYPES.find((known) => known === params.type);
    if (type === undefined) return refuse(-1116, 'Invalid orderType.');
    const clientOrderId = params.newClientOrderId ?? `fake-${this.nextOrderId}`;
    // Binance's own pattern for client order ids: at most 36 characters of these.
    if (!/^[.A-Z:/a-z0-9_-]{1,36}$/.test(clientOrderId)) {
      return refuse(
        -1100,
        "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.",
      );
    }
    // Stricter than Binance, whose docs promise uniqueness only among open orders: a retried placement
    // must never fill twice in a test, whatever became of the first one.
    if (this.ordersByClientId.has(clientOrderId)) return refuse(-2010, 'Duplicate order sent.');

    const limitType = type !== 'MARKET';
    const stopType = type === 'STOP_LOSS_LIMIT' || type === 'TAKE_PROFIT_LIMIT';
    if (limitType) {
      for (const name of ['quantity', 'price', 'timeInForce', ...(stopType ? ['stopPrice'] : [])]) {
        if (params[name] === undefined) return mandatory(name);
      }
    } else if (params.quantity === undefined && params.quoteOrderQty === undefined) {
      return refuse(-1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!");
    }
    let price: Decimal | undefined;
    let stopPrice: Decimal | undefined;
    for (const name of limitType ? ['price', ...(stopType ? ['stopPrice'] : [])] : []) {
      const value = decimalParam(params, name);
      if (!(value instanceof Decimal)) return value;
      const offTick = !value.minus(FILTER.minPrice).mod(FILTER.tickSize).isZero();
      if (value.lt(FILTER.minPrice) || value.gt(FILTER.maxPrice) || offTick) {
        return refuse(-1013, 'Filter failure: PRICE_FILTER');
      }
      if (name === 'price') price = value;
      else stopPrice = value;
    }

    const last = this.lastPrice(market.id);
    if (type === 'MARKET' && last === undefined) return refuse(-1112, 'No orders on book for symbol.');
    const fillPrice = new Decimal(last ?? 0);
    let quantity: Decimal;
    if (params.quantity !== undefined) {
      const parsed = decimalParam(params, 'quantity');
      if (!(parsed instanceof Decimal)) return parsed;
      quantity = parsed;
    } else {
      // A MARKET order by quote amount buys/sells as much as that amount pays for, down to the lot step.
      const quoteQty = decimalParam(params, 'quoteOrderQty');
      if (!(quoteQty instanceof Decimal)) return quoteQty;
      quantity = quoteQty.div(fillPrice).div(FILTER.stepSize).floor().mul(FILTER.stepSize);
    }
    const offStep = !quantity.minus(FILTER.minQty).mod(FILTER.stepSize).isZero();
    if (quantity.lt(FILTER.minQty) || quantity.gt(FILTER.maxQty) || offStep) {
      return refuse(-1013, 'Filter failure: LOT_SIZE');
    }
    const notional = quantity.mul(price ?? fillPrice);
    if (notional.lt(FILTER.minNotional) || notional.gt(FILTER.maxNotional)) {
      return refuse(-1013, 'Filter failure: NOTIONAL');
    }
    if (stopPrice !== undefined && last !== undefined) {
      // A stop-loss sells below (buys above) the market, a take-profit the other way round: one already
      // on the wrong side of the last price would trigger at once, which Binance refuses.
      const below = (side === 'SELL') === (type === 'STOP_LOSS_LIMIT');
      if (below ? stopPrice.gte(last) : stopPrice.lte(last)) {
        return refuse(-2010, 'Stop price would trigger immediately.');
      }
    }

    const now = Date.now();
    const order: FakeOrder = {
      symbol: market.id,
      orderId: this.nextOrderId++,
      clientOrderId,
      side,
      type,
      timeInForce: params.timeInForce ?? 'GTC',
      price: price?.toNumber() ?? 0,
      stopPrice: stopPrice?.toNumber() ?? 0,
      origQty: quantity.toNumber(),
      executedQty: 0,
      cummulativeQuoteQty: 0,
      status: 'NEW',
      time: now,
      updateTime: now,
    };
    let fill: FakeTrade | undefined;
    if (type === 'MARKET') {
      const cost = quantity.mul(fillPrice);
      // Binance takes a buy's commission in the bought asset unless the account pays fees in BNB.
      const inBase = side === 'BUY' && this.buyFeesInBase;
      const commission = inBase
        ? quantity.mul(COMMISSION_RATE).toDecimalPlaces(8, Decimal.ROUND_UP)
        : cost.mul(COMMISSION_RATE).toDecimalPlaces(8, Decimal.ROUND_UP);
      if (side === 'BUY' && !this.debit(quote, inBase ? cost : cost.plus(commission))) return insufficient();
      if (side === 'SELL' && !this.debit(base, quantity)) return insufficient();
      if (side === 'BUY') this.credit(base, inBase ? quantity.minus(commission) : quantity);
      else this.credit(quote, cost.minus(commission));
      order.status = 'FILLED';
      order.executedQty = order.origQty;
      order.cummulativeQuoteQty = cost.toNumber();
      fill = {
        symbol: market.id,
        id: this.nextTradeId++,
        orderId: order.orderId,
        side,
        price: fillPrice.toNumber(),
        qty: order.origQty,
        quoteQty: order.cummulativeQuoteQty,
        commission: commission.toNumber(),
        commissionAsset: inBase ? base : quote,
        time: now,
      };
      this.fills.push(fill);
    } else {
      // A resting order holds what it would spend: the base asset for a sell, price × quantity for a buy.
      const locked = side === 'SELL' ? { asset: base, amount: quantity } : { asset: quote, amount: notional };
      if (!this.lock(locked.asset, locked.amount)) return insufficient();
    }
    this.orderList.push(order);
    this.ordersById.set(order.orderId, order);
    this.ordersByClientId.set(order.clientOrderId, order);

    const ack = {
      symbol: order.symbol,
      orderId: order.orderId,
      orderListId: -1,
      clientOrderId: order.clientOrderId,
      transactTime: now,
    };
    if (params.newOrderRespType === 'ACK') return ok(ack);
    const result = {
      ...ack,
      price: fmt(order.price),
      origQty: fmt(order.origQty),
      executedQty: fmt(order.executedQty),
      origQuoteOrderQty: fmt(params.quoteOrderQty ?? 0),
      cummulativeQuoteQty: fmt(order.cummulativeQuoteQty),
      status: order.status,
      timeInForce: order.timeInForce,
      type: order.type,
      side: order.side,
      ...(stopType ? { stopPrice: fmt(order.stopPrice) } : {}),
      // A stop order starts working when it triggers; until then Binance reports -1.
      workingTime: stopType ? -1 : now,
      selfTradePreventionMode: 'EXPIRE_MAKER',
    };
    // Binance's default for MARKET and LIMIT orders is FULL (with fills), for the other types ACK.
    const respType = params.newOrderRespType ?? (type === 'MARKET' || type === 'LIMIT' ? 'FULL' : 'ACK');
    if (respType === 'RESULT') return ok(result);
    if (respType !== 'FULL') return ok(ack);
    const fills = fill
      ? [
          {
            price: fmt(fill.price),
            qty: fmt(fill.qty),
            commission: fmt(fill.commission),
            commissionAsset: fill.commissionAsset,
            tradeId: fill.id,
          },
        ]
      : [];
    return ok({ ...result, fills });
  }

  /** `GET /api/v3/order`: by orderId, else by origClientOrderId, within the given symbol. */
  private queryOrder(params: Params): Answer {
    const found = this.findOrder(params, -2013, 'Order does not exist.');
    return 'body' in found ? found : ok(orderWire(found));
  }

  /** `DELETE /api/v3/order`: only an open order can be cancelled; anything else is "unknown". */
  private cancelOrder(params: Params): Answer {
    const found = this.findOrder(params, -2011, 'Unknown order sent.');
    if ('body' in found) return found;
    const order = found;
    if (order.status !== 'NEW') return refuse(-2011, 'Unknown order sent.');
    const [base, quote] = this.markets[order.symbol] ?? ['', ''];
    const remaining = new Decimal(order.origQty).minus(order.executedQty);
    if (order.side === 'SELL') this.unlock(base, remaining);
    else this.unlock(quote, remaining.mul(order.price));
    order.status = 'CANCELED';
    order.updateTime = Date.now();
    return ok({
      symbol: order.symbol,
      origClientOrderId: order.clientOrderId,
      orderId: order.orderId,
      orderListId: -1,
      // Binance names the cancel request itself here, not the order.
      clientOrderId: params.newClientOrderId ?? `cancel-${order.orderId}`,
      transactTime: order.updateTime,
      price: fmt(order.price),
      origQty: fmt(order.origQty),
      executedQty: fmt(order.executedQty),
      origQuoteOrderQty: fmt(0),
      cummulativeQuoteQty: fmt(order.cummulativeQuoteQty),
      status: order.status,
      timeInForce: order.timeInForce,
      type: order.type,
      side: order.side,
      ...(order.stopPrice > 0 ? { stopPrice: fmt(order.stopPrice) } : {}),
      selfTradePreventionMode: 'EXPIRE_MAKER',
    });
  }

  private findOrder(params: Params, code: number, msg: string): FakeOrder | Refusal {
    const market = this.marketOf(params);
    if ('body' in market) return market;
    if (params.orderId === undefined && params.origClientOrderId === undefined) {
      return refuse(-1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
    }
    // With both given, Binance goes by orderId.
    const order =
      params.orderId !== undefined
        ? this.ordersById.get(Number(params.orderId))
        : this.ordersByClientId.get(params.origClientOrderId ?? '');
    return order === undefined || order.symbol !== market.id ? refuse(code, msg) : order;
  }

  private openOrders(params: Params): Answer {
    if (params.symbol !== undefined && !(params.symbol in this.markets))
      return refuse(-1121, 'Invalid symbol.');
    const open = this.orderList.filter(
      (order) => order.status === 'NEW' && (params.symbol === undefined || order.symbol === params.symbol),
    );
    return ok(open.map(orderWire));
  }

  private myTrades(params: Params): Answer {
    const market = this.marketOf(params);
    if ('body' in market) return market;
    const limit = Number(params.limit ?? MY_TRADES_DEFAULT_LIMIT);
    if (!(limit >= 1 && limit <= MY_TRADES_MAX_LIMIT)) return refuse(-1130, 'Invalid limit.');
    const start = params.startTime === undefined ? -Infinity : Number(params.startTime);
    const end = params.endTime === undefined ? Infinity : Number(params.endTime);
    const fromId = params.fromId === undefined ? -Infinity : Number(params.fromId);
    const rows = this.fills
      .filter(
        (trade) =>
          trade.symbol === market.id &&
          trade.time >= start &&
          trade.time <= end &&
          trade.id >= fromId &&
          (params.orderId === undefined || trade.orderId === Number(params.orderId)),
      )
      .slice(0, limit)
      .map((trade) => ({
        symbol: trade.symbol,
        id: trade.id,
        orderId: trade.orderId,
        orderListId: -1,
        price: fmt(trade.price),
        qty: fmt(trade.qty),
        quoteQty: fmt(trade.quoteQty),
        commission: fmt(trade.commission),
        commissionAsset: trade.commissionAsset,
        time: trade.time,
        isBuyer: trade.side === 'BUY',
        isMaker: false,
        isBestMatch: true,
      }));
    return ok(rows);
  }

  private account(): object {
    return {
      makerCommission: 10,
      takerCommission: 10,
      buyerCommission: 0,
      sellerCommission: 0,
      commissionRates: {
        maker: '0.00100000',
        taker: '0.00100000',
        buyer: '0.00000000',
        seller: '0.00000000',
      },
      canTrade: true,
      canWithdraw: true,
      canDeposit: true,
      brokered: false,
      requireSelfTradePrevention: false,
      preventSor: false,
      updateTime: Date.now(),
      accountType: 'SPOT',
      balances: this.assets().map((asset) => {
        const { free, locked } = this.balance(asset);
        return { asset, free: fmt(free), locked: fmt(locked) };
      }),
      permissions: ['SPOT'],
      uid: 1,
    };
  }

  /** `/sapi/v1/capital/config/getall`, which ccxt's loadMarkets calls once keys are set (fetchCurrencies). */
  private currencies(): object[] {
    return this.assets().map((coin) => {
      const { free, locked } = this.balance(coin);
      return {
        coin,
        name: coin,
        free: fmt(free),
        locked: fmt(locked),
        freeze: '0',
        withdrawing: '0',
        ipoing: '0',
        ipoable: '0',
        storage: '0',
        isLegalMoney: false,
        trading: true,
        depositAllEnable: true,
        withdrawAllEnable: true,
        networkList: [],
      };
    });
  }

  /** Every asset of a listed market, and any other one given a balance. */
  private assets(): string[] {
    const all = new Set([...Object.values(this.markets).flat(), ...this.balances.keys()]);
    return [...all].sort();
  }

  private marketOf(params: Params): { id: string; assets: [string, string] } | Refusal {
    if (params.symbol === undefined) return mandatory('symbol');
    const assets = this.markets[params.symbol];
    return assets === undefined ? refuse(-1121, 'Invalid symbol.') : { id: params.symbol, assets };
  }

  /** Takes `amount` of free `asset`; false (and nothing taken) if there is not enough. */
  private debit(asset: string, amount: Decimal): boolean {
    const held = this.balance(asset);
    if (amount.gt(held.free)) return false;
    this.balances.set(asset, { ...held, free: amount.neg().plus(held.free).toNumber() });
    return true;
  }

  private credit(asset: string, amount: Decimal): void {
    const held = this.balance(asset);
    this.balances.set(asset, { ...held, free: amount.plus(held.free).toNumber() });
  }

  private lock(asset: string, amount: Decimal): boolean {
    const held = this.balance(asset);
    if (amount.gt(held.free)) return false;
    this.balances.set(asset, {
      free: amount.neg().plus(held.free).toNumber(),
      locked: amount.plus(held.locked).toNumber(),
    });
    return true;
  }

  private unlock(asset: string, amount: Decimal): void {
    const held = this.balance(asset);
    this.balances.set(asset, {
      free: amount.plus(held.free).toNumber(),
      locked: amount.neg().plus(held.locked).toNumber(),
    });
  }
}

interface Endpoint {
  route: FakeRoute;
  methods: readonly string[];
  /** Binance's SIGNED (TRADE/USER_DATA) endpoints: API key header, timestamp and signature required. */
  signed: boolean;
}

const ENDPOINTS: Record<string, Endpoint | undefined> = {
  '/api/v3/exchangeInfo': { route: 'exchangeInfo', methods: ['GET'], signed: false },
  '/api/v3/klines': { route: 'klines', methods: ['GET'], signed: false },
  '/fapi/v1/exchangeInfo': { route: 'derivativesInfo', methods: ['GET'], signed: false },
  '/dapi/v1/exchangeInfo': { route: 'derivativesInfo', methods: ['GET'], signed: false },
  '/api/v3/order': { route: 'order', methods: ['POST', 'GET', 'DELETE'], signed: true },
  '/api/v3/openOrders': { route: 'openOrders', methods: ['GET'], signed: true },
  '/api/v3/account': { route: 'account', methods: ['GET'], signed: true },
  '/api/v3/myTrades': { route: 'myTrades', methods: ['GET'], signed: true },
  '/sapi/v1/capital/config/getall': { route: 'currencies', methods: ['GET'], signed: true },
  '/sapi/v1/margin/allPairs': { route: 'marginPairs', methods: ['GET'], signed: true },
  '/sapi/v1/margin/isolated/allPairs': { route: 'marginPairs', methods: ['GET'], signed: true },
};

/** The shape of a signed request is checked; the signature itself is not (any key and secret will do). */
function checkSigned(request: IncomingMessage, params: Params): Refusal | undefined {
  if (!request.headers['x-mbx-apikey'])
    return { status: 401, body: { code: -2014, msg: 'API-key format invalid.' } };
  if (params.timestamp === undefined) return mandatory('timestamp');
  if (params.signature === undefined) return mandatory('signature');
  return undefined;
}

/** A decimal parameter, or Binance's refusal of a malformed one. */
function decimalParam(params: Params, name: string): Decimal | Refusal {
  const value = params[name] ?? '';
  if (!/^([0-9]{1,20})(\.[0-9]{1,20})?$/.test(value)) {
    return refuse(
      -1100,
      `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`,
    );
  }
  return new Decimal(value);
}

function orderWire(order: FakeOrder): object {
  return {
    symbol: order.symbol,
    orderId: order.orderId,
    orderListId: -1,
    clientOrderId: order.clientOrderId,
    price: fmt(order.price),
    origQty: fmt(order.origQty),
    executedQty: fmt(order.executedQty),
    cummulativeQuoteQty: fmt(order.cummulativeQuoteQty),
    status: order.status,
    timeInForce: order.timeInForce,
    type: order.type,
    side: order.side,
    stopPrice: fmt(order.stopPrice),
    icebergQty: fmt(0),
    time: order.time,
    updateTime: order.updateTime,
    isWorking: order.status === 'NEW',
    workingTime: order.stopPrice > 0 ? -1 : order.time,
    origQuoteOrderQty: fmt(0),
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

function ok(body: unknown): Answer {
  return { status: 200, body };
}

function refuse(code: number, msg: string): Refusal {
  return { status: 400, body: { code, msg } };
}

function mandatory(name: string): Refusal {
  return refuse(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
}

function insufficient(): Refusal {
  return refuse(-2010, 'Account has insufficient balance for requested action.');
}

/** Binance's 8-decimal strings. */
function fmt(value: number | string): string {
  return new Decimal(value).toFixed(8);
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendText(response, status, JSON.stringify(body), 'application/json', headers);
}

function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  type = 'application/json',
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { ...headers, 'content-type': type });
  response.end(text);
}

/**
 * Points a ccxt exchange at a fake server: every URL under `exchange.urls.api` (at any depth) keeps its
 * path but gets the fake's origin, and only spot markets are loaded — otherwise binance's loadMarkets
 * also calls the futures hosts.
 */
export function pointAt(exchange: Exchange, baseUrl: string): void {
  pointExchangeAt(exchange, baseUrl);
  exchange.options.fetchMarkets = { types: ['spot'] };
}
