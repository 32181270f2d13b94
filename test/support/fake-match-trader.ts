// A fake Match-Trader Platform API server on 127.0.0.1: login with a JWT-like session that expires, an
// account that really opens, edits and closes positions (SL/TP hit when the price moves), and scripted
// faults — including "applied the order, then never answered" — for driving the real client in tests.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { listenOnLoopback, closeServer, readBody } from './local-server.ts';
import {
  MatchTraderClient,
  type MatchTraderClientOptions,
} from '../../src/brokers/match-trader/match-trader-client.ts';

export interface FakeMtInstrument {
  symbol: string;
  contractSize: number;
  volumeMin: number;
  volumeStep: number;
  volumeMax: number;
  pricePrecision: number;
}

export type FakeMtRoute =
  | 'login'
  | 'refresh'
  | 'balance'
  | 'instruments'
  | 'open-positions'
  | 'open'
  | 'edit'
  | 'close'
  | 'closed-positions'
  | 'candles';

/** One bar loaded with loadCandles: `time` is its open time, epoch ms. */
export interface FakeMtBar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** The intervals the candles route accepts (the Platform API's names); anything else is a 400. */
export const FAKE_MT_INTERVALS: readonly string[] = ['M1', 'M5', 'M15', 'M30', 'H1', 'H4', 'D1'];
/** Bars per candles answer at most; a longer range is cut after the oldest ones, so callers must page. */
export const FAKE_MT_CANDLES_MAX = 1000;

/**
 * What the next answer(s) on a route are instead of the real one:
 * - `status`: that HTTP status with `body` (JSON), or by default a plain-text page for 5xx, Cloudflare's
 *   HTML block page for 403 and `{errorMessage}` JSON otherwise — nothing is applied;
 * - `timeout_after_accept`: the request is applied (the position opens…), then the socket is held unanswered;
 * - `timeout_before_accept`: held unanswered, nothing applied;
 * - `rejected`: HTTP 200 `{status:'REJECTED', errorMessage, nativeCode}`, nothing applied;
 * - `expired_session`: 401 as if the session had expired.
 */
export type FakeMtFault =
  | { kind: 'status'; status: number; body?: unknown }
  | { kind: 'timeout_after_accept' }
  | { kind: 'timeout_before_accept' }
  | { kind: 'rejected'; message: string; nativeCode?: string }
  | { kind: 'expired_session' };

/** An open position; `profit` is floating, at the current bid (BUY) or ask (SELL). */
export interface FakeMtPosition {
  id: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  volume: number;
  openPrice: number;
  /** 0 = none, as on the wire. */
  stopLoss: number;
  takeProfit: number;
  /** Epoch ms. */
  openTime: number;
  profit: number;
}

export interface FakeMtClosed {
  id: string;
  positionId: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  volume: number;
  openPrice: number;
  closePrice: number;
  openTime: number;
  closeTime: number;
  profit: number;
  /** After the commission (`commissionPerLot` × volume): what the balance moved by. */
  netProfit: number;
  /** 'CLOSE' (by the client), 'SL', 'TP', or what closeOnBroker was given ('MANUAL', 'STOP_OUT'…). */
  closeReason: string;
}

export interface FakeMtRequest {
  route: FakeMtRoute | 'unknown';
  method: string;
  path: string;
  /** The query string's parameters (the candles route takes its arguments there). */
  query: Record<string, string>;
  /** Parsed JSON, the raw text when it is not JSON, undefined when empty. */
  body: unknown;
  /** The status answered; 0 while unanswered (a held timeout). */
  status: number;
  headers: Record<string, string | undefined>;
}

export interface FakeMatchTraderOptions {
  email?: string;
  password?: string;
  brokerId?: string;
  accountId?: string;
  /** More trading accounts the login lists (to test account selection); they all share the one book. */
  otherAccountIds?: string[];
  initialBalance?: number;
  /** Charged on each close, per lot, in USD (default 0): the difference of profit and netProfit. */
  commissionPerLot?: number;
  sessionTtlMs?: number;
  instruments?: FakeMtInstrument[];
  now?: () => number;
}

export const DEFAULT_FAKE_MT_INSTRUMENTS: readonly FakeMtInstrument[] = [
  // E8 symbols carry a trailing dot (domain reference §1.2 item 7).
  {
    symbol: 'EURUSD.',
    contractSize: 100_000,
    volumeMin: 0.01,
    volumeStep: 0.01,
    volumeMax: 50,
    pricePrecision: 5,
  },
  {
    symbol: 'XAUUSD.',
    contractSize: 100,
    volumeMin: 0.01,
    volumeStep: 0.01,
    volumeMax: 20,
    pricePrecision: 2,
  },
];

/** Starting quotes (bid = ask) for the default instruments; others need setPrice before trading. */
const DEFAULT_PRICES: Record<string, number> = { 'EURUSD.': 1.1, 'XAUUSD.': 2000 };
const LEVERAGE = 100;

interface Quote {
  bid: number;
  ask: number;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const REJECTED = (errorMessage: string, nativeCode: string | null = null): Answer => ({
  status: 200,
  body: { status: 'REJECTED', orderId: null, errorMessage, nativeCode },
});

export class FakeMatchTrader {
  /** Every request received, in order (faulted and unknown ones included). */
  readonly requests: FakeMtRequest[] = [];
  readonly systemUuid = randomUUID();
  private readonly now: () => number;
  private readonly email: string;
  private readonly password: string;
  private readonly brokerId: string;
  private readonly accountIds: string[];
  private readonly tradingApiTokens = new Map<string, string>(); // accountId → token
  private readonly sessionTtlMs: number;
  private readonly initialBalance: number;
  private readonly commissionPerLot: number;
  private readonly instrumentList: FakeMtInstrument[];
  /** Session token → expiry (epoch ms). expireSessions() empties it. */
  private readonly sessions = new Map<string, number>();
  private readonly quotes = new Map<string, Quote>();
  private readonly open = new Map<string, Omit<FakeMtPosition, 'profit'>>();
  private readonly closed: FakeMtClosed[] = [];
  /** Bars per instrument symbol, by open time; served whatever interval is asked. */
  private readonly bars = new Map<string, FakeMtBar[]>();
  private readonly faults = new Map<FakeMtRoute, FakeMtFault[]>();
  private readonly held = new Set<ServerResponse>();
  private counter = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    options: FakeMatchTraderOptions,
  ) {
    // Tests pass the client's clock; wall time is only the fallback for ad-hoc use.
    this.now = options.now ?? (() => Date.now());
    this.email = options.email ?? 'trader@example.com';
    this.password = options.password ?? 'secret';
    this.brokerId = options.brokerId ?? '2';
    this.accountIds = [options.accountId ?? '123456', ...(options.otherAccountIds ?? [])];
    for (const id of this.accountIds) this.tradingApiTokens.set(id, `tat-${id}-${randomUUID()}`);
    this.sessionTtlMs = options.sessionTtlMs ?? 15 * 60_000;
    this.initialBalance = options.initialBalance ?? 50_000;
    this.commissionPerLot = options.commissionPerLot ?? 0;
    this.instrumentList = (options.instruments ?? DEFAULT_FAKE_MT_INSTRUMENTS).map((i) => ({ ...i }));
    for (const instrument of this.instrumentList) {
      const price = DEFAULT_PRICES[instrument.symbol];
      if (price !== undefined) this.quotes.set(instrument.symbol, { bid: price, ask: price });
    }
  }

  static async start(options: FakeMatchTraderOptions = {}): Promise<FakeMatchTrader> {
    const { server, url } = await listenOnLoopback();
    const fake = new FakeMatchTrader(server, url, options);
    server.on('request', (request, response) => {
      fake.handle(request, response).catch(() => response.destroy());
    });
    return fake;
  }

  /** The next `times` requests on `route` get `fault` instead of the real answer; faults queue in order. */
  fault(route: FakeMtRoute, fault: FakeMtFault, times = 1): void {
    const queue = this.faults.get(route) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.faults.set(route, queue);
  }

  /** Moves the market; positions whose SL or TP the new price crosses close at that SL/TP price. */
  setPrice(symbol: string, bid: number, ask = bid): void {
    this.instrument(symbol);
    this.quotes.set(symbol, { bid, ask });
    for (const position of [...this.open.values()]) {
      if (position.symbol !== symbol) continue;
      const exit = position.side === 'BUY' ? bid : ask;
      const { stopLoss: sl, takeProfit: tp } = position;
      const slHit = sl > 0 && (position.side === 'BUY' ? exit <= sl : exit >= sl);
      const tpHit = tp > 0 && (position.side === 'BUY' ? exit >= tp : exit <= tp);
      if (slHit) this.settle(position.id, position.volume, sl, 'SL');
      else if (tpHit) this.settle(position.id, position.volume, tp, 'TP');
    }
  }

  /** Closes a position at the current price as the broker would (reason e.g. 'MANUAL', 'STOP_OUT'). */
  closeOnBroker(positionId: string, reason = 'MANUAL'): void {
    const position = this.open.get(positionId);
    if (position === undefined) throw new Error(`fake Match-Trader: no open position ${positionId}`);
    this.settle(positionId, position.volume, this.exitPrice(position), reason);
  }

  /**
   * Adds bars to an instrument's history (replacing any with the same open time). They are served as they
   * are for every interval: the test loads bars of the timeframe its feed asks for.
   */
  loadCandles(symbol: string, bars: readonly FakeMtBar[]): void {
    this.instrument(symbol);
    const byTime = new Map((this.bars.get(symbol) ?? []).map((bar) => [bar.time, bar]));
    for (const bar of bars) byTime.set(bar.time, { ...bar });
    this.bars.set(
      symbol,
      [...byTime.values()].sort((a, b) => a.time - b.time),
    );
  }

  /** Every session token issued so far becomes invalid: the next call with one gets a 401. */
  expireSessions(): void {
    this.sessions.clear();
  }

  openPositions(): FakeMtPosition[] {
    return [...this.open.values()].map((p) => ({
      ...p,
      profit: this.profitOf(p, this.exitPrice(p), p.volume),
    }));
  }

  closedPositions(): FakeMtClosed[] {
    return this.closed.map((c) => ({ ...c }));
  }

  balance(): { balance: number; equity: number } {
    const balance = round(this.initialBalance + this.closed.reduce((sum, c) => sum + c.netProfit, 0), 2);
    const floating = this.openPositions().reduce((sum, p) => sum + p.profit, 0);
    return { balance, equity: round(balance + floating, 2) };
  }

  /** The real client, logged in as this fake's trader; the options a test cares about are given. */
  client(options: Pick<MatchTraderClientOptions, 'now' | 'timeoutMs'> & Partial<MatchTraderClientOptions>) {
    return new MatchTraderClient({
      baseUrl: this.url,
      brokerId: this.brokerId,
      email: this.email,
      password: this.password,
      ...options,
    });
  }

  async close(): Promise<void> {
    for (const response of this.held) response.destroy();
    this.held.clear();
    await closeServer(this.server);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const method = request.method ?? 'GET';
    const route = this.routeOf(method, url.pathname);
    let text: string;
    try {
      text = await readBody(request);
    } catch {
      return; // the client went away mid-body
    }
    const entry: FakeMtRequest = {
      route: route ?? 'unknown',
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: parseBody(text),
      status: 0,
      headers: flattenHeaders(request),
    };
    this.requests.push(entry);
    const reply = (answer: Answer) => {
      entry.status = answer.status;
      send(response, answer);
    };
    if (route === undefined) {
      return reply({
        status: 404,
        body: { errorMessage: `fake Match-Trader has no ${method} ${url.pathname}` },
      });
    }
    const fault = this.faults.get(route)?.shift();
    if (fault?.kind === 'status') return reply(faultAnswer(fault.status, fault.body));
    if (fault?.kind === 'rejected') return reply(REJECTED(fault.message, fault.nativeCode ?? null));
    if (fault?.kind === 'expired_session')
      return reply({ status: 401, body: { errorMessage: 'Session expired' } });
    if (fault?.kind === 'timeout_before_accept') return this.hold(response);
    const answer = this.answer(route, request, entry.body);
    if (fault?.kind === 'timeout_after_accept') return this.hold(response);
    return reply(answer);
  }

  /** Never answers; close() destroys the socket. */
  private hold(response: ServerResponse): void {
    this.held.add(response);
    response.once('close', () => this.held.delete(response));
  }

  private routeOf(method: string, path: string): FakeMtRoute | undefined {
    if (method === 'POST' && path === '/manager/co-login') return 'login';
    if (method === 'POST' && path === '/manager/refresh-token') return 'refresh';
    const prefix = `/mtr-api/${this.systemUuid}/`;
    if (!path.startsWith(prefix)) return undefined;
    const route = TRADING_ROUTES[`${method} ${path.slice(prefix.length)}`];
    return route;
  }

  private answer(route: FakeMtRoute, request: IncomingMessage, body: unknown): Answer {
    if (route === 'login') return this.login(body);
    const token = cookieOf(request, 'co-auth');
    const sessionOk = token !== undefined && (this.sessions.get(token) ?? 0) > this.now();
    if (route === 'refresh') {
      if (!sessionOk) return { status: 401, body: { errorMessage: 'Invalid or expired session' } };
      return this.withSession({});
    }
    const apiToken = request.headers['auth-trading-api'];
    const apiTokenOk = typeof apiToken === 'string' && [...this.tradingApiTokens.values()].includes(apiToken);
    if (!sessionOk || !apiTokenOk) return { status: 401, body: { errorMessage: 'Unauthorized' } };
    const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    switch (route) {
      case 'balance':
        return { status: 200, body: this.balanceAnswer() };
      case 'instruments':
        return { status: 200, body: this.instrumentList.map(instrumentAnswer) };
      case 'open-positions':
        return { status: 200, body: { positions: this.openPositions().map((p) => this.positionAnswer(p)) } };
      case 'open':
        return this.openPosition(fields);
      case 'edit':
        return this.editPosition(fields);
      case 'close':
        return this.closePosition(fields);
      case 'closed-positions':
        return { status: 200, body: { operations: this.closedBetween(fields.from, fields.to) } };
      case 'candles':
        return this.candles(new URL(request.url ?? '/', this.url).searchParams);
    }
  }

  private login(body: unknown): Answer {
    const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    if (
      fields.email !== this.email ||
      fields.password !== this.password ||
      String(fields.brokerId) !== this.brokerId
    ) {
      return { status: 401, body: { errorMessage: 'Invalid credentials' } };
    }
    return this.withSession({
      email: this.email,
      accounts: this.accountIds.map((id) => ({
        tradingAccountId: id,
        offer: {
          uuid: `offer-${id}`,
          partnerId: this.brokerId,
          name: 'Fake Classic 50k',
          demo: true,
          system: { uuid: this.systemUuid, name: 'fake-system', demo: true, active: true },
        },
        tradingApiToken: this.tradingApiTokens.get(id),
        branchUuid: 'branch-1',
        created: new Date(this.now()).toISOString(),
        uuid: `account-${id}`,
      })),
    });
  }

  /** Issues a new session token, in the JSON answer and as the co-auth cookie (as login and refresh do). */
  private withSession(body: Record<string, unknown>): Answer {
    const exp = Math.floor((this.now() + this.sessionTtlMs) / 1000);
    const n = ++this.counter;
    const token = [
      base64url({ alg: 'HS256', typ: 'JWT' }),
      base64url({ sub: this.email, exp, jti: n }),
      Buffer.from(`fake-signature-${n}-${randomUUID()}`).toString('base64url'),
    ].join('.');
    this.sessions.set(token, exp * 1000);
    return {
      status: 200,
      body: { ...body, token },
      headers: { 'set-cookie': `co-auth=${token}; Path=/; HttpOnly; Secure; SameSite=None` },
    };
  }

  private balanceAnswer(): object {
    const { balance, equity } = this.balance();
    const margin = [...this.open.values()].reduce(
      (sum, p) => sum + (p.volume * this.instrument(p.symbol).contractSize * p.openPrice) / LEVERAGE,
      0,
    );
    // Strings, as the real server sends them.
    return {
      balance: balance.toFixed(2),
      equity: equity.toFixed(2),
      margin: margin.toFixed(2),
      freeMargin: (equity - margin).toFixed(2),
      profit: (equity - balance).toFixed(2),
      currency: 'USD',
    };
  }

  private positionAnswer(p: FakeMtPosition): object {
    return {
      id: p.id,
      symbol: p.symbol,
      side: p.side,
      volume: p.volume,
      openPrice: p.openPrice,
      currentPrice: this.exitPrice(p),
      stopLoss: p.stopLoss,
      takeProfit: p.takeProfit,
      profit: p.profit,
      swap: 0,
      openTime: new Date(p.openTime).toISOString(),
    };
  }

  private openPosition(fields: Record<string, unknown>): Answer {
    const instrument = this.instrumentList.find((i) => i.symbol === fields.instrument);
    if (instrument === undefined) return REJECTED('Unknown instrument', 'INSTRUMENT_NOT_FOUND');
    const side = fields.orderSide;
    if (side !== 'BUY' && side !== 'SELL') return REJECTED('Invalid side');
    const quote = this.quotes.get(instrument.symbol);
    if (quote === undefined) return REJECTED('No quotes', 'MARKET_CLOSED');
    const volume = toNumber(fields.volume);
    if (volume === undefined || !validVolume(volume, instrument))
      return REJECTED('Invalid volume', 'INVALID_VOLUME');
    const sl = toNumber(fields.slPrice ?? 0);
    const tp = toNumber(fields.tpPrice ?? 0);
    if (
      sl === undefined ||
      tp === undefined ||
      !validStops(side, side === 'BUY' ? quote.bid : quote.ask, sl, tp)
    ) {
      return REJECTED('Invalid stops', 'INVALID_STOPS');
    }
    const n = ++this.counter;
    const id = `P${n}`;
    this.open.set(id, {
      id,
      symbol: instrument.symbol,
      side,
      volume,
      openPrice: side === 'BUY' ? quote.ask : quote.bid,
      stopLoss: sl,
      takeProfit: tp,
      openTime: this.now(),
    });
    // The order id is not the position id, as on the real server: callers find the position by reading back.
    return { status: 200, body: { status: 'OK', orderId: `O${n}`, nativeCode: null, errorMessage: null } };
  }

  private editPosition(fields: Record<string, unknown>): Answer {
    const position = this.open.get(String(fields.id));
    if (position === undefined) return REJECTED('Position not found', 'POSITION_NOT_FOUND');
    if (fields.instrument !== position.symbol) return REJECTED('Instrument mismatch');
    const sl = toNumber(fields.slPrice ?? 0);
    const tp = toNumber(fields.tpPrice ?? 0);
    const quote = this.quotes.get(position.symbol);
    if (quote === undefined) return REJECTED('No quotes', 'MARKET_CLOSED');
    const exit = position.side === 'BUY' ? quote.bid : quote.ask;
    if (sl === undefined || tp === undefined || !validStops(position.side, exit, sl, tp)) {
      return REJECTED('Invalid stops', 'INVALID_STOPS');
    }
    position.stopLoss = sl;
    position.takeProfit = tp;
    return {
      status: 200,
      body: { status: 'OK', orderId: position.id, nativeCode: null, errorMessage: null },
    };
  }

  private closePosition(fields: Record<string, unknown>): Answer {
    const position = this.open.get(String(fields.positionId));
    if (position === undefined) return REJECTED('Position not found', 'POSITION_NOT_FOUND');
    if (fields.instrument !== position.symbol || fields.orderSide !== position.side) {
      return REJECTED('Instrument or side does not match the position');
    }
    const volume = toNumber(fields.volume);
    if (volume === undefined || volume <= 0 || volume > position.volume + 1e-9) {
      return REJECTED('Invalid volume', 'INVALID_VOLUME');
    }
    // A smaller volume closes part of the position, the rest stays open.
    this.settle(position.id, Math.min(volume, position.volume), this.exitPrice(position), 'CLOSE');
    return {
      status: 200,
      body: { status: 'OK', orderId: `O${++this.counter}`, nativeCode: null, errorMessage: null },
    };
  }

  private candles(query: URLSearchParams): Answer {
    const symbol = query.get('symbol') ?? '';
    const interval = query.get('interval') ?? '';
    if (!this.instrumentList.some((i) => i.symbol === symbol)) {
      return { status: 400, body: { errorMessage: `Unknown instrument ${symbol}` } };
    }
    if (!FAKE_MT_INTERVALS.includes(interval)) {
      return { status: 400, body: { errorMessage: `Invalid interval ${interval}` } };
    }
    const from = toTime(query.get('from') ?? undefined);
    const to = toTime(query.get('to') ?? undefined);
    if (from === undefined || to === undefined) {
      return { status: 400, body: { errorMessage: 'from and to must be ISO-8601 times' } };
    }
    const candles = (this.bars.get(symbol) ?? [])
      .filter((bar) => bar.time >= from && bar.time <= to)
      .slice(0, FAKE_MT_CANDLES_MAX)
      // Alternate the encodings, as answers differ between deployments: prices and time as strings on
      // every other bar (time then as ISO), so a client must accept both.
      .map((bar, i) =>
        i % 2 === 0
          ? { ...bar }
          : {
              time: new Date(bar.time).toISOString(),
              open: String(bar.open),
              high: String(bar.high),
              low: String(bar.low),
              close: String(bar.close),
              volume: String(bar.volume),
            },
      );
    return { status: 200, body: { symbol, interval, candles } };
  }

  private closedBetween(from: unknown, to: unknown): object[] {
    const start = toTime(from) ?? -Infinity;
    const end = toTime(to) ?? Infinity;
    return this.closed
      .filter((c) => c.closeTime >= start && c.closeTime <= end)
      .map((c) => ({
        id: c.id,
        positionId: c.positionId,
        symbol: c.symbol,
        side: c.side,
        volume: c.volume,
        openPrice: c.openPrice,
        closePrice: c.closePrice,
        openTime: new Date(c.openTime).toISOString(),
        time: new Date(c.closeTime).toISOString(),
        profit: c.profit,
        netProfit: c.netProfit,
        closeReason: c.closeReason,
      }));
  }

  /** Closes `volume` lots of a position at `price`, books the profit and records the operation. */
  private settle(positionId: string, volume: number, price: number, reason: string): void {
    const position = this.open.get(positionId);
    if (position === undefined) return;
    const remaining = round(position.volume - volume, 8);
    if (remaining <= 0) this.open.delete(positionId);
    else position.volume = remaining;
    this.closed.push({
      id: `D${++this.counter}`,
      positionId,
      symbol: position.symbol,
      side: position.side,
      volume,
      openPrice: position.openPrice,
      closePrice: price,
      openTime: position.openTime,
      closeTime: this.now(),
      profit: this.profitOf(position, price, volume),
      netProfit: round(this.profitOf(position, price, volume) - this.commissionPerLot * volume, 2),
      closeReason: reason,
    });
  }

  private profitOf(
    p: { symbol: string; side: 'BUY' | 'SELL'; openPrice: number },
    price: number,
    volume: number,
  ) {
    const move = p.side === 'BUY' ? price - p.openPrice : p.openPrice - price;
    return round(move * volume * this.instrument(p.symbol).contractSize, 2);
  }

  /** The price a position closes at now: bid for a BUY, ask for a SELL. */
  private exitPrice(p: { symbol: string; side: 'BUY' | 'SELL'; openPrice: number }): number {
    const quote = this.quotes.get(p.symbol);
    if (quote === undefined) return p.openPrice;
    return p.side === 'BUY' ? quote.bid : quote.ask;
  }

  private instrument(symbol: string): FakeMtInstrument {
    const instrument = this.instrumentList.find((i) => i.symbol === symbol);
    if (instrument === undefined) throw new Error(`fake Match-Trader: unknown instrument ${symbol}`);
    return instrument;
  }
}

const TRADING_ROUTES: Record<string, FakeMtRoute | undefined> = {
  'GET balance': 'balance',
  'GET effective-instruments': 'instruments',
  'GET open-positions': 'open-positions',
  'POST position/open': 'open',
  'POST position/edit': 'edit',
  'POST position/close': 'close',
  'POST closed-positions': 'closed-positions',
  'GET candles': 'candles',
};

function instrumentAnswer(i: FakeMtInstrument): object {
  return {
    symbol: i.symbol,
    alias: i.symbol.replace(/\.$/, ''),
    type: 'FOREX',
    volumeMin: i.volumeMin,
    volumeStep: i.volumeStep,
    volumeMax: i.volumeMax,
    volumePrecision: decimals(i.volumeStep),
    pricePrecision: i.pricePrecision,
    sizeOfOnePoint: 10 ** -i.pricePrecision,
    contractSize: i.contractSize,
    leverage: LEVERAGE,
  };
}

function faultAnswer(status: number, body: unknown): Answer {
  if (body !== undefined) return { status, body };
  if (status === 403) {
    const page =
      '<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head><body>blocked</body></html>';
    return { status, body: page };
  }
  if (status >= 500) return { status, body: `${status} (scripted)` };
  return { status, body: { errorMessage: `scripted ${status}` } };
}

function validVolume(volume: number, i: FakeMtInstrument): boolean {
  const steps = volume / i.volumeStep;
  return (
    volume >= i.volumeMin - 1e-9 && volume <= i.volumeMax + 1e-9 && Math.abs(steps - Math.round(steps)) < 1e-6
  );
}

/** SL must be on the losing side of the exit price and TP on the winning side (0 = none). */
function validStops(side: 'BUY' | 'SELL', exit: number, sl: number, tp: number): boolean {
  if (sl < 0 || tp < 0) return false;
  if (side === 'BUY') return (sl === 0 || sl < exit) && (tp === 0 || tp > exit);
  return (sl === 0 || sl > exit) && (tp === 0 || tp < exit);
}

function toNumber(value: unknown): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function toTime(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

function round(value: number, places: number): number {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
}

function decimals(step: number): number {
  const text = String(step);
  return text.includes('.') ? (text.split('.')[1]?.length ?? 0) : 0;
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function cookieOf(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function flattenHeaders(request: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function send(response: ServerResponse, answer: Answer): void {
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  const type = typeof answer.body === 'string' ? 'text/html' : 'application/json';
  response.writeHead(answer.status, { 'content-type': type, ...answer.headers });
  response.end(text);
}
