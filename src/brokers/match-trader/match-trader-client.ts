// HTTP client for the Match-Trader Platform API ("mtr-api", domain reference §1.2–1.3): e-mail/password
// login, session renewal, the account's trading and data calls, and the one table that maps every failure
// to what the caller must do (retry, give up, or reconcile an order whose outcome is unknown).
import type { z } from 'zod';
import {
  FatalError,
  RejectedError,
  RetryableError,
  UnknownOutcomeError,
  type SigilError,
} from '../../domain/errors.ts';
import {
  balanceAnswer,
  candlesAnswer,
  closedPositionsAnswer,
  instrumentsAnswer,
  loginAnswer,
  openPositionsAnswer,
  parseWire,
  refreshAnswer,
  tradeAnswer,
  type MtBalance,
  type MtCandle,
  type MtClosedPosition,
  type MtCloseRequest,
  type MtClosedPositionsRequest,
  type MtEditRequest,
  type MtInstrument,
  type MtLoginAnswer,
  type MtOpenRequest,
  type MtPosition,
  type MtTradeAnswer,
} from './match-trader-wire.ts';

export type { MtBalance, MtCandle, MtClosedPosition, MtInstrument, MtPosition, MtTradeAnswer };

export type MtCallKind = 'auth' | 'read' | 'open' | 'modify' | 'close';

export interface MtCall {
  kind: MtCallKind;
  method: string;
  path: string;
}

export interface MatchTraderClientOptions {
  /** The broker's Match-Trader web origin, e.g. https://mtr.e8markets.com. */
  baseUrl: string;
  brokerId: string;
  email: string;
  password: string;
  /** tradingAccountId; default: the only account (several and none given → FatalError listing them). */
  accountId?: string;
  /** Extra browser-like headers (User-Agent, Origin, Referer, a Cloudflare Cookie…) sent on every request. */
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Renew when exp − now < this (default 180 000); a token without a readable exp is renewed 12 min after issue. */
  renewBeforeMs?: number;
  now: () => number;
  /** Called before every HTTP request (it is how the request budget counts); may throw to prevent the request. */
  onRequest?: (call: MtCall) => void | Promise<void>;
}

const DEFAULT_RENEW_BEFORE_MS = 180_000;
// Clients in the wild treat the session as ~15 min and renew at 12 min when they cannot read exp (§1.2 item 5).
const RENEW_AFTER_ISSUE_MS = 12 * 60_000;
const DETAIL_MAX_CHARS = 200;

const MUTATIONS: ReadonlySet<MtCallKind> = new Set(['open', 'modify', 'close']);

interface Session {
  token: string;
  tradingApiToken: string;
  systemUuid: string;
  /** Epoch ms from the token's exp claim, when it has one. */
  expiresAt: number | undefined;
  renewAt: number;
}

interface RawAnswer {
  status: number;
  text: string;
  setCookies: string[];
}

/** Why a request did not give a usable answer; the table in `errorFor` decides what that means. */
type Failure =
  | { what: 'network'; cause: unknown }
  | { what: 'timeout' }
  | { what: 'status'; status: number; detail: string }
  | { what: 'unparseable'; detail: string };

/**
 * The one error table of this client. `call.kind` decides between "retry" and "reconcile": a request that
 * changes the account (open, modify, close) may have been applied even when its answer was lost, and the
 * Platform API has no idempotency key, so resending could open a second position (§1.3 error handling).
 *
 * | failure                                   | read / auth        | open / modify / close |
 * |-------------------------------------------|--------------------|-----------------------|
 * | network error, timeout, 5xx, unparseable  | RetryableError     | UnknownOutcomeError   |
 * | 429 throttled (refused before processing) | RetryableError     | RetryableError        |
 * | 401 (left after the one renewal)          | FatalError('auth') | FatalError('auth')    |
 * | 403 (typically Cloudflare's edge)         | FatalError         | FatalError            |
 * | any other 4xx                             | RejectedError      | RejectedError         |
 *
 * A 200 whose body says `status: 'REJECTED'` is not a failure: it is returned as the trade answer.
 * Every message passes through `redact`, because answer bodies are quoted and a server may echo a token.
 */
function errorFor(call: MtCall, failure: Failure, redact: (text: string) => string): SigilError {
  const where = `Match-Trader ${call.method} ${call.path}`;
  const say = (text: string) => redact(`${where}: ${text}`);
  const mutation = MUTATIONS.has(call.kind);
  const unknownOutcome = (text: string, cause?: unknown) =>
    mutation
      ? new UnknownOutcomeError(
          'mt_unknown_outcome',
          say(
            `${text}; the ${call.kind} may have been applied — reconcile with open positions before resending`,
          ),
          { cause },
        )
      : new RetryableError('mt_unavailable', say(text), { cause });
  switch (failure.what) {
    case 'network':
      return unknownOutcome(
        `network error: ${failure.cause instanceof Error ? failure.cause.message : 'failed'}`,
        failure.cause,
      );
    case 'timeout':
      return unknownOutcome('no answer within the timeout');
    case 'unparseable':
      return mutation
        ? unknownOutcome(`unreadable answer: ${failure.detail}`)
        : new RetryableError('mt_bad_answer', say(`unreadable answer: ${failure.detail}`));
    case 'status': {
      const { status, detail } = failure;
      const withDetail = `HTTP ${status}${detail === '' ? '' : `: ${detail}`}`;
      if (status === 429) return new RetryableError('mt_throttled', say(`throttled (${withDetail})`));
      if (status === 401)
        return new FatalError('auth', say(`session refused after renewing it (${withDetail})`));
      if (status === 403) {
        return new FatalError(
          'mt_forbidden',
          say(
            `${withDetail}. The origin may be behind Cloudflare, which blocks plain HTTP clients: set browser-like ` +
              '`headers` (User-Agent, Origin, Referer, Sec-Fetch-*) in the Match-Trader client options',
          ),
        );
      }
      if (status >= 500) return unknownOutcome(withDetail);
      if (status >= 400) return new RejectedError('mt_refused', say(withDetail));
      return unknownOutcome(`unexpected ${withDetail}`);
    }
  }
}

export class MatchTraderClient {
  private readonly baseUrl: string;
  private readonly renewBeforeMs: number;
  /** Everything that must never appear in an error: the password and every token seen so far. */
  private readonly secrets = new Set<string>();
  private current: Session | undefined;
  private pending: Promise<Session> | undefined;
  private instrumentCache: MtInstrument[] | undefined;

  constructor(private readonly options: MatchTraderClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.renewBeforeMs = options.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS;
    this.secrets.add(options.password);
    // The login e-mail is a credential too (it names the account): kept out of errors like the password.
    this.secrets.add(options.email);
  }

  balance(): Promise<MtBalance> {
    return this.trading('read', 'GET', 'balance', balanceAnswer);
  }

  async instruments(): Promise<MtInstrument[]> {
    // Instruments change rarely and every request counts against the broker's budget (§1.5).
    this.instrumentCache ??= await this.trading('read', 'GET', 'effective-instruments', instrumentsAnswer);
    return this.instrumentCache.map((instrument) => ({ ...instrument }));
  }

  openPositions(): Promise<MtPosition[]> {
    return this.trading('read', 'GET', 'open-positions', openPositionsAnswer);
  }

  async openPosition(o: {
    instrument: string;
    orderSide: 'BUY' | 'SELL';
    volume: number;
    slPrice: number;
    tpPrice: number;
  }): Promise<MtTradeAnswer> {
    checkOrder(o);
    const body: MtOpenRequest = { ...pick(o), isMobile: false };
    return this.trading('open', 'POST', 'position/open', tradeAnswer, body);
  }

  async editPosition(o: {
    id: string;
    instrument: string;
    orderSide: 'BUY' | 'SELL';
    volume: number;
    slPrice: number;
    tpPrice: number;
  }): Promise<MtTradeAnswer> {
    checkOrder(o);
    // The documented full body; one client sends only {positionId, slPrice, tpPrice}, which is unverified.
    const body: MtEditRequest = { id: o.id, ...pick(o), isMobile: false };
    return this.trading('modify', 'POST', 'position/edit', tradeAnswer, body);
  }

  async closePosition(o: {
    positionId: string;
    instrument: string;
    orderSide: 'BUY' | 'SELL';
    volume: number;
  }): Promise<MtTradeAnswer> {
    checkOrder({ ...o, slPrice: 0, tpPrice: 0 });
    const body: MtCloseRequest = {
      positionId: o.positionId,
      instrument: o.instrument,
      orderSide: o.orderSide,
      volume: formatVolume(o.volume),
    };
    return this.trading('close', 'POST', 'position/close', tradeAnswer, body);
  }

  closedPositions(from: number, to: number): Promise<MtClosedPosition[]> {
    const body: MtClosedPositionsRequest = {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
    };
    return this.trading('read', 'POST', 'closed-positions', closedPositionsAnswer, body);
  }

  /**
   * Bars of one instrument (the broker's symbol) opening between `from` and `to` (epoch ms), oldest first,
   * at `interval` (M1, M5, M15, M30, H1, H4, D1). The server may cap how many it sends: callers page on.
   */
  candles(symbol: string, interval: string, from: number, to: number): Promise<MtCandle[]> {
    const query = new URLSearchParams({
      symbol,
      interval,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
    });
    return this.trading('read', 'GET', `candles?${query.toString()}`, candlesAnswer);
  }

  /**
   * One trading/data call. A 401 means the server refused the session before doing anything, so even a
   * mutation is safe to send again once, after a full login; a second 401 is not a stale session any more.
   */
  private async trading<S extends z.ZodType>(
    kind: MtCallKind,
    method: string,
    endpoint: string,
    schema: S,
    body?: unknown,
  ): Promise<z.output<S>> {
    let session = await this.session();
    let call: MtCall = { kind, method, path: `/mtr-api/${session.systemUuid}/${endpoint}` };
    let answer = await this.send(call, body, session);
    if (answer.status === 401) {
      session = await this.renewAfterRefusal(session);
      call = { kind, method, path: `/mtr-api/${session.systemUuid}/${endpoint}` };
      answer = await this.send(call, body, session);
    }
    return this.decode(call, answer, schema);
  }

  /** The current session, logging in or renewing first when needed; concurrent callers share one renewal. */
  private session(): Promise<Session> {
    if (this.pending !== undefined) return this.pending;
    const session = this.current;
    if (session !== undefined && this.options.now() < session.renewAt) return Promise.resolve(session);
    return this.exclusive(() => (session === undefined ? this.login() : this.renew(session)));
  }

  private renewAfterRefusal(refused: Session): Promise<Session> {
    if (this.pending !== undefined) return this.pending;
    // Another call already replaced the refused session: use the new one rather than logging in again.
    if (this.current !== undefined && this.current !== refused) return Promise.resolve(this.current);
    return this.exclusive(() => this.login());
  }

  private exclusive(work: () => Promise<Session>): Promise<Session> {
    const pending = work()
      .then((session) => {
        this.current = session;
        return session;
      })
      .finally(() => {
        if (this.pending === pending) this.pending = undefined;
      });
    this.pending = pending;
    return pending;
  }

  /** Refresh-token first (one cheap request); any failure of it falls back to a full login (§1.2 item 5). */
  private async renew(session: Session): Promise<Session> {
    // An expired token cannot be refreshed: don't spend a request finding that out.
    if (session.expiresAt !== undefined && this.options.now() >= session.expiresAt) return this.login();
    const call: MtCall = { kind: 'auth', method: 'POST', path: '/manager/refresh-token' };
    await this.options.onRequest?.(call); // a veto stops the renewal: the caller's budget said no
    const answer = await this.exchange(call, undefined, session.token);
    if ('what' in answer || answer.status < 200 || answer.status >= 300) return this.login();
    const json = parseJson(answer.text);
    const fromBody = answer.text.trim() === '' ? undefined : parseWire(refreshAnswer, json);
    const token =
      (fromBody?.ok === true ? fromBody.value : undefined) ?? cookieValue(answer.setCookies, 'co-auth');
    if (token === undefined) return this.login();
    return this.sessionWith(token, session);
  }

  private async login(): Promise<Session> {
    const call: MtCall = { kind: 'auth', method: 'POST', path: '/manager/co-login' };
    const { email, password, brokerId } = this.options;
    const answer = await this.send(call, { email, password, brokerId });
    if (answer.status === 401) {
      throw new FatalError(
        'auth',
        this.redact(`Match-Trader login refused for ${email} (HTTP 401): check email, password and brokerId`),
      );
    }
    const parsed: MtLoginAnswer = this.decode(call, answer, loginAnswer);
    const token = parsed.token ?? cookieValue(answer.setCookies, 'co-auth');
    for (const account of parsed.accounts)
      if (account.tradingApiToken) this.secrets.add(account.tradingApiToken);
    if (token === undefined) {
      throw errorFor(
        call,
        { what: 'unparseable', detail: 'no session token in the login answer' },
        this.redact,
      );
    }
    this.secrets.add(token);
    const account = this.chooseAccount(parsed);
    if (account.tradingApiToken === undefined || account.systemUuid === undefined) {
      throw new FatalError(
        'mt_account',
        `Match-Trader account ${account.tradingAccountId} has no tradingApiToken or offer.system.uuid in the login answer`,
      );
    }
    return this.sessionWith(token, {
      tradingApiToken: account.tradingApiToken,
      systemUuid: account.systemUuid,
    });
  }

  private chooseAccount(answer: MtLoginAnswer): MtLoginAnswer['accounts'][number] {
    const ids = answer.accounts.map((account) => account.tradingAccountId);
    const wanted = this.options.accountId;
    const listed = ids.length === 0 ? 'none' : ids.join(', ');
    const found =
      wanted === undefined
        ? answer.accounts.length === 1
          ? answer.accounts[0]
          : undefined
        : answer.accounts.find((account) => account.tradingAccountId === wanted);
    if (found !== undefined) return found;
    const problem =
      wanted !== undefined
        ? `has no trading account ${wanted}`
        : ids.length === 0
          ? 'has no trading account'
          : 'has several trading accounts: set accountId to one of them';
    throw new FatalError(
      'mt_account',
      `Match-Trader login for ${this.options.email} ${problem} (accounts: ${listed})`,
    );
  }

  private sessionWith(token: string, account: { tradingApiToken: string; systemUuid: string }): Session {
    this.secrets.add(token);
    const issuedAt = this.options.now();
    const expiresAt = jwtExpiry(token);
    const renewAt =
      expiresAt === undefined ? issuedAt + RENEW_AFTER_ISSUE_MS : expiresAt - this.renewBeforeMs;
    return {
      token,
      tradingApiToken: account.tradingApiToken,
      systemUuid: account.systemUuid,
      expiresAt,
      renewAt,
    };
  }

  /** onRequest, then the request; a failure to get any answer is thrown through the error table. */
  private async send(call: MtCall, body: unknown, session?: Session): Promise<RawAnswer> {
    await this.options.onRequest?.(call);
    const answer = await this.exchange(call, body, session?.token, session?.tradingApiToken);
    if ('what' in answer) throw errorFor(call, answer, this.redact);
    return answer;
  }

  /** One fetch with a held timer; never throws (failures come back as values, for renew's fallback). */
  private async exchange(
    call: MtCall,
    body: unknown,
    token?: string,
    tradingApiToken?: string,
  ): Promise<RawAnswer | Failure> {
    const headers: Record<string, string> = {};
    let cookie: string | undefined;
    for (const [name, value] of Object.entries(this.options.headers ?? {})) {
      if (name.toLowerCase() === 'cookie') cookie = value;
      else headers[name] = value;
    }
    headers['Accept'] = 'application/json';
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (tradingApiToken !== undefined) headers['Auth-trading-api'] = tradingApiToken;
    // Keep the caller's cookies (e.g. a Cloudflare clearance cookie) next to the session's.
    const cookies = [cookie, token === undefined ? undefined : `co-auth=${token}`].filter(
      (c) => c !== undefined,
    );
    if (cookies.length > 0) headers['Cookie'] = cookies.join('; ');

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), Math.max(1, Math.round(this.options.timeoutMs)));
    try {
      const response = await fetch(`${this.baseUrl}${call.path}`, {
        method: call.method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
      });
      // The timer still runs while the body streams in: a server that stalls mid-body is a timeout too.
      const text = await response.text();
      return { status: response.status, text, setCookies: response.headers.getSetCookie() };
    } catch (error) {
      return controller.signal.aborted ? { what: 'timeout' } : { what: 'network', cause: error };
    } finally {
      clearTimeout(timer);
    }
  }

  /** A 2xx answer parsed by `schema`; anything else thrown through the error table. */
  private decode<S extends z.ZodType>(call: MtCall, answer: RawAnswer, schema: S): z.output<S> {
    if (answer.status < 200 || answer.status >= 300) {
      throw errorFor(
        call,
        { what: 'status', status: answer.status, detail: detailOf(answer.text) },
        this.redact,
      );
    }
    const json = parseJson(answer.text);
    if (json === undefined) {
      throw errorFor(
        call,
        { what: 'unparseable', detail: `not JSON: ${detailOf(answer.text)}` },
        this.redact,
      );
    }
    const parsed = parseWire(schema, json);
    if (!parsed.ok) throw errorFor(call, { what: 'unparseable', detail: parsed.problem }, this.redact);
    return parsed.value;
  }

  /** Removes every secret, raw or JSON-escaped, from a text destined for an error message. */
  private readonly redact = (text: string): string => {
    let result = text;
    for (const secret of this.secrets) {
      if (secret === '') continue;
      for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)])) {
        result = result.split(form).join('[redacted]');
      }
    }
    return result;
  };
}

/** Refuses locally what no broker would accept, so a typo costs no request from the budget. */
function checkOrder(o: { volume: number; slPrice: number; tpPrice: number }): void {
  const bad = [
    !(Number.isFinite(o.volume) && o.volume > 0) && `volume ${o.volume}`,
    !(Number.isFinite(o.slPrice) && o.slPrice >= 0) && `slPrice ${o.slPrice}`,
    !(Number.isFinite(o.tpPrice) && o.tpPrice >= 0) && `tpPrice ${o.tpPrice}`,
  ].filter((item) => item !== false);
  if (bad.length > 0) {
    throw new RejectedError('mt_invalid_request', `Match-Trader order not sent: invalid ${bad.join(', ')}`);
  }
}

function pick(o: {
  instrument: string;
  orderSide: 'BUY' | 'SELL';
  volume: number;
  slPrice: number;
  tpPrice: number;
}) {
  return {
    instrument: o.instrument,
    orderSide: o.orderSide,
    volume: Number(formatVolume(o.volume)),
    slPrice: o.slPrice,
    tpPrice: o.tpPrice,
  };
}

/** Lots without binary noise (0.1 + 0.2 → "0.3"), as the close body wants a string. */
function formatVolume(volume: number): string {
  return String(Number(volume.toFixed(8)));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The server's own words when it gave some (errorMessage, message…), else the start of the body. */
function detailOf(text: string): string {
  const json = parseJson(text);
  if (typeof json === 'object' && json !== null) {
    const record = json as Record<string, unknown>;
    for (const key of ['errorMessage', 'message', 'detail', 'title', 'error']) {
      const value = record[key];
      if (typeof value === 'string' && value !== '') return clip(value);
    }
  }
  return clip(text.replace(/\s+/g, ' ').trim());
}

function clip(text: string): string {
  return text.length > DETAIL_MAX_CHARS ? `${text.slice(0, DETAIL_MAX_CHARS)}…` : text;
}

function cookieValue(setCookies: readonly string[], name: string): string | undefined {
  for (const header of setCookies) {
    const [pair] = header.split(';');
    const eq = pair?.indexOf('=') ?? -1;
    if (pair !== undefined && eq > 0 && pair.slice(0, eq).trim() === name) {
      const value = pair.slice(eq + 1).trim();
      if (value !== '') return value;
    }
  }
  return undefined;
}

/** The exp claim of a JWT in epoch ms, or undefined when the token is not a readable JWT. */
function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    const exp = typeof claims === 'object' && claims !== null ? (claims as { exp?: unknown }).exp : undefined;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
