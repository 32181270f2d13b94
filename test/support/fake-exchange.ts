// A fake Binance spot REST server on 127.0.0.1, for driving a real ccxt `binance` instance in tests.
// It answers the two calls a candle feed makes — `GET /api/v3/exchangeInfo` (ccxt's loadMarkets with
// `options.fetchMarkets = { types: ['spot'] }`) and `GET /api/v3/klines` (fetchOHLCV) — from bars held in
// memory, in Binance's own wire format, and can be scripted to misbehave the way the real one does.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Exchange } from 'ccxt';
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

export type FakeRoute = 'exchangeInfo' | 'klines';

/**
 * What the next answer(s) on a route look like instead of the real one:
 * - `status`: that HTTP status with `body` (JSON), or by default what Binance's edge sends — a JSON -1003
 *   for 429 (ccxt: DDoSProtection), a plain-text page for anything else (5xx → ExchangeNotAvailable);
 * - `garbage`: a 200 whose body is cut-off JSON;
 * - `nonNumeric`: klines whose first bar has the open price "abc";
 * - `highBelowLow`: klines whose first bar has its high and low swapped.
 */
export type FakeFault =
  | { kind: 'status'; status: number; body?: unknown }
  | { kind: 'garbage' }
  | { kind: 'nonNumeric' }
  | { kind: 'highBelowLow' };

export interface FakeRequest {
  route: FakeRoute | 'unknown';
  query: Record<string, string>;
}

/** Spot markets listed by default: Binance id → [base, quote]. */
const DEFAULT_MARKETS: Record<string, [string, string]> = {
  BTCUSDT: ['BTC', 'USDT'],
  ETHUSDT: ['ETH', 'USDT'],
  SOLUSDT: ['SOL', 'USDT'],
};

/** Binance's kline intervals are Sigil's timeframe names. */
const INTERVAL_MS: Readonly<Record<string, number>> = TIMEFRAMES;

// Binance's own bounds for /klines.
const KLINES_DEFAULT_LIMIT = 500;
const KLINES_MAX_LIMIT = 1000;

export class FakeBinance {
  /** Every request received, in order (faulted ones included). */
  readonly requests: FakeRequest[] = [];
  private readonly bars = new Map<string, FakeBar[]>();
  private readonly faults: Record<FakeRoute, { fault: FakeFault; marketId?: string }[]> = {
    exchangeInfo: [],
    klines: [],
  };

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    private readonly markets: Record<string, [string, string]>,
  ) {}

  static async start(markets: Record<string, [string, string]> = DEFAULT_MARKETS): Promise<FakeBinance> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    const fake = new FakeBinance(server, `http://127.0.0.1:${port}`, markets);
    server.on('request', (request, response) => fake.handle(request, response));
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
   * The next `times` answers on `route` — only those for `marketId` (a `symbol` query value), if given —
   * are `fault` instead of the real answer. Faults queue in the order scripted.
   */
  failNext(route: FakeRoute, fault: FakeFault, times = 1, marketId?: string): void {
    for (let i = 0; i < times; i++) this.faults[route].push({ fault, marketId });
  }

  /** The klines requests received, optionally for one market only. */
  klinesRequests(marketId?: string): FakeRequest[] {
    return this.requests.filter(
      (r) => r.route === 'klines' && (marketId === undefined || r.query.symbol === marketId),
    );
  }

  /** Forgets bars, faults and the request log, so one server can serve several tests. */
  reset(): void {
    this.bars.clear();
    this.faults.exchangeInfo.length = 0;
    this.faults.klines.length = 0;
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    // ccxt keeps connections alive; drop them, or close() would wait for their idle timeout.
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', this.baseUrl);
    const query = Object.fromEntries(url.searchParams);
    const route = ROUTES[url.pathname];
    this.requests.push({ route: route ?? 'unknown', query });
    if (request.method !== 'GET' || route === undefined) {
      return send(response, 404, { code: -1, msg: `fake Binance has no ${request.method} ${url.pathname}` });
    }
    const fault = this.takeFault(route, query.symbol);
    if (fault?.kind === 'status') {
      if (fault.body !== undefined) return send(response, fault.status, fault.body);
      if (fault.status === 429) return send(response, 429, { code: -1003, msg: 'Too many requests.' });
      return sendText(response, fault.status, `${fault.status} (scripted)`, 'text/plain');
    }
    if (fault?.kind === 'garbage') return sendText(response, 200, '[[1700000000000,"1.0","2.0"'); // cut short
    if (route === 'exchangeInfo') return send(response, 200, this.exchangeInfo());
    const klines = this.klines(query);
    if ('error' in klines) return send(response, 400, klines.error);
    const first = klines.rows[0];
    if (fault?.kind === 'highBelowLow' && first) [first[2], first[3]] = [first[3], first[2]];
    if (fault?.kind === 'nonNumeric' && first) first[1] = 'abc';
    return send(response, 200, klines.rows);
  }

  private takeFault(route: FakeRoute, marketId: string | undefined): FakeFault | undefined {
    const queue = this.faults[route];
    const index = queue.findIndex((entry) => entry.marketId === undefined || entry.marketId === marketId);
    return index < 0 ? undefined : queue.splice(index, 1)[0]?.fault;
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
        orderTypes: ['LIMIT', 'MARKET'],
        icebergAllowed: true,
        ocoAllowed: true,
        isSpotTradingAllowed: true,
        isMarginTradingAllowed: false,
        filters: [
          {
            filterType: 'PRICE_FILTER',
            minPrice: '0.01000000',
            maxPrice: '1000000.00000000',
            tickSize: '0.01000000',
          },
          { filterType: 'LOT_SIZE', minQty: '0.00001000', maxQty: '9000.00000000', stepSize: '0.00001000' },
          { filterType: 'NOTIONAL', minNotional: '5.00000000', maxNotional: '9000000.00000000' },
        ],
        permissions: [],
        permissionSets: [['SPOT']],
      })),
    };
  }

  /** Binance kline rows: [openTime, "open", "high", "low", "close", "volume", closeTime, ...]. */
  private klines(query: Record<string, string>): { rows: unknown[][] } | { error: object } {
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
      .slice(0, limit)
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
}

const ROUTES: Record<string, FakeRoute | undefined> = {
  '/api/v3/exchangeInfo': 'exchangeInfo',
  '/api/v3/klines': 'klines',
};

function send(response: ServerResponse, status: number, body: unknown): void {
  sendText(response, status, JSON.stringify(body));
}

function sendText(response: ServerResponse, status: number, text: string, type = 'application/json'): void {
  response.writeHead(status, { 'content-type': type });
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
