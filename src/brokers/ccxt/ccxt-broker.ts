// The ccxt adapter: one crypto exchange account, spot. Spot has no positions, so stops are emulated (kept
// on the entry's record, watched by Sigil's position manager; SL/TP attached to derivatives orders are out
// of scope) and the book is rebuilt from the variant's orders, like the paper account's. Orders carry
// Sigil's client order id, are written down as attempts first, and a lost answer is read back by that id.
import { createHash } from 'node:crypto';
import type { Exchange, MarketInterface as Market, Order } from 'ccxt';
import {
  FatalError,
  RejectedError,
  RetryableError,
  UnknownOutcomeError,
  type SigilError,
} from '../../domain/errors.ts';
import { intentId, positionId, type EpochMs, type VariantId } from '../../domain/ids.ts';
import { rejectedOrder, settlesOrder, type OrderRequest, type OrderResult } from '../../domain/order.ts';
import type {
  Broker,
  BrokerAccount,
  BrokerClosedPosition,
  BrokerPosition,
  InstrumentSpec,
  StopLevels,
} from '../../domain/ports/broker.ts';
import type { OrderAttempt, Store, StoredOrder } from '../../domain/ports/store.ts';
import { bookOf, closedSince, positionOf, type OrderBook, type QuoteOf } from '../order-book.ts';
import {
  isExchangeRefusal,
  isOrderNotFound,
  orderFailure,
  readError,
  redactor,
  type Redactor,
} from './ccxt-errors.ts';

/**
 * The id the exchange gets for Sigil's client order id: Sigil's ids (`<intent>:entry`, 37 characters
 * and more) are longer than exchanges accept — Binance 36 characters, OKX 32 letters and digits — so
 * the exchange is sent a hash of it, the same for every retry, and Sigil keeps its own id.
 */
export function exchangeOrderId(clientOrderId: string): string {
  return `sg${createHash('sha256').update(clientOrderId).digest('hex').slice(0, 30)}`;
}

/** ccxt's precisionMode TICK_SIZE (base/functions/number.js): a literal, so trading does not load ccxt early. */
const CCXT_TICK_SIZE = 4;

export interface CcxtBrokerOptions {
  /** An authenticated ccxt instance (createTradingExchange), one per account: its rate limiter is per instance. */
  exchange: Exchange;
  store: Pick<
    Store,
    | 'recordOrder'
    | 'findOrder'
    | 'findOrderByBrokerRef'
    | 'variantOrders'
    | 'setOrderStops'
    | 'recordOrderAttempt'
    | 'orderAttempt'
  >;
  /** The account's book is this variant's orders. */
  variantId: VariantId;
  /** Names the account in order attempts, e.g. `ccxt:binance`. */
  account: string;
  /** How each symbol's quote money converts to dollars (spot pairs quoted in a stablecoin: one for one). */
  quoteOf: QuoteOf;
}

/** The quote currency of an account whose variant has not traded yet. */
const DEFAULT_QUOTE = 'USDT';

const FOUND_LATE = 'found on the exchange after its answer was lost';

type Fee = { currency?: string; cost?: number } | undefined;

export class CcxtBroker implements Broker {
  readonly name: string;
  readonly capabilities = { nativeStops: false, clientOrderIds: true, shorts: false };
  private readonly exchange: Exchange;
  private readonly store: CcxtBrokerOptions['store'];
  private readonly redact: Redactor;

  constructor(private readonly options: CcxtBrokerOptions) {
    this.exchange = options.exchange;
    this.store = options.store;
    this.name = `ccxt:${options.exchange.id}`;
    const ex = options.exchange;
    this.redact = redactor([ex.apiKey, ex.secret, ex.password, ex.uid, ex.privateKey, ex.token]);
  }

  async submitMarketOrder(order: OrderRequest, now: EpochMs): Promise<OrderResult> {
    // Recorded already, or sent before with its answer lost (a crash, a timeout): the exchange knows it
    // by its client order id.
    const earlier = await this.reconcile(order.clientOrderId, order, now);
    if (earlier) return earlier;

    await this.loadMarkets();
    let market: Market;
    let amount: number;
    try {
      market = this.exchange.market(order.symbol);
      amount = Number(this.exchange.amountToPrecision(order.symbol, order.qty));
    } catch (error) {
      // An unknown symbol, an amount under the lot step: ccxt refuses before anything is sent.
      if (!(await isExchangeRefusal(error))) throw await this.readFailure(error, 'market');
      return this.record(order, rejectedOrder(order, now, `${this.name}: ${this.redact.message(error)}`));
    }
    if (!(amount > 0)) {
      return this.record(order, rejectedOrder(order, now, `${this.name}: ${order.qty} rounds to no amount`));
    }
    // Written before the request: if the answer is lost, findOrder knows where to look.
    await this.store.recordOrderAttempt({
      clientOrderId: order.clientOrderId,
      account: this.options.account,
      variantId: order.variantId,
      symbol: order.symbol,
      side: order.side,
      qty: amount,
      sentAt: now,
    });
    let placed: Order;
    try {
      placed = await this.exchange.createOrder(order.symbol, 'market', order.side, amount, undefined, {
        clientOrderId: exchangeOrderId(order.clientOrderId),
      });
    } catch (error) {
      return this.failed(order, error, now);
    }
    if (finalState(placed) === null && placed.id) {
      // Some exchanges acknowledge a market order before it fills: its state is one read away.
      try {
        placed = await this.exchange.fetchOrder(placed.id, order.symbol);
      } catch (error) {
        throw this.notSettled(order.clientOrderId, placed, error);
      }
    }
    return this.settle(order, market, placed, now, '');
  }

  findOrder(clientOrderId: string): Promise<OrderResult | null> {
    return this.reconcile(clientOrderId);
  }

  async modifyStops(position: BrokerPosition, stops: StopLevels): Promise<void> {
    const entry = (await this.book()).open.get(position.brokerRef);
    if (!entry)
      throw new RejectedError('no_position', `${this.name}: no open position ${position.brokerRef}`);
    // Emulated: the position manager reads the stops from the entry's record.
    await this.store.setOrderStops(entry.request.clientOrderId, stops);
  }

  /**
   * The market's grid: ccxt gives the price tick and the amount step as precisions (a tick size, or
   * decimals in the other precision modes), the minimum amount and cost as limits. 0 where the exchange
   * gives none (no rounding).
   */
  async instrumentSpec(symbol: string): Promise<InstrumentSpec> {
    await this.loadMarkets();
    const market = this.exchange.market(symbol);
    const grid = (precision: number | undefined) =>
      precision === undefined
        ? 0
        : this.exchange.precisionMode === CCXT_TICK_SIZE
          ? precision
          : 10 ** -precision;
    const qtyStep = grid(market.precision.amount);
    return {
      priceTick: grid(market.precision.price),
      qtyStep,
      minQty: market.limits.amount?.min ?? qtyStep,
      minNotional: market.limits.cost?.min ?? 0,
    };
  }

  async account(): Promise<BrokerAccount> {
    const orders = await this.store.variantOrders(this.options.variantId);
    const { open } = bookOf(orders, this.options.quoteOf);
    await this.loadMarkets();
    const quote = this.quoteCurrency(orders);
    const balances = await this.read('fetchBalance', () => this.exchange.fetchBalance());
    const cash = balances[quote]?.total ?? 0;
    // What the open positions cost stays in the balance; what they are worth now makes the equity.
    let cost = 0;
    let worth = 0;
    const last = new Map<string, number>();
    for (const entry of open.values()) {
      const position = positionOf(entry);
      const units = (position.side === 'long' ? 1 : -1) * position.qty * entry.request.contractSize;
      const price = last.get(position.symbol) ?? (await this.lastPrice(position.symbol));
      last.set(position.symbol, price);
      cost += units * position.entryPrice;
      worth += units * price;
    }
    return { balance: cash + cost, equity: cash + worth, currency: quote };
  }

  async openPositions(): Promise<BrokerPosition[]> {
    return [...(await this.book()).open.values()].map(positionOf);
  }

  async closedPositionsSince(since: EpochMs): Promise<BrokerClosedPosition[]> {
    return closedSince(await this.book(), since);
  }

  // ── Orders ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * An order sent under this id: Sigil's record, else — when an attempt was written — the exchange's,
   * recorded now (with the request given, or one rebuilt from the attempt after a crash).
   */
  private async reconcile(
    clientOrderId: string,
    request?: OrderRequest,
    now?: EpochMs,
  ): Promise<OrderResult | null> {
    const recorded = await this.store.findOrder(clientOrderId);
    if (recorded && (!request || settlesOrder(recorded, request.purpose))) return recorded;
    const attempt = await this.store.orderAttempt(clientOrderId);
    // A refused exit is sent again: the exchange kept nothing of it.
    if (!attempt || recorded) return null;
    await this.loadMarkets();
    let found: Order | null;
    try {
      found = await this.fetchByClientId(attempt.symbol, clientOrderId);
    } catch (error) {
      throw await this.readFailure(error, `fetchOrder ${clientOrderId}`);
    }
    if (!found) return null;
    const market = this.exchange.market(attempt.symbol);
    return this.settle(request ?? requestOf(attempt), market, found, now ?? attempt.sentAt, FOUND_LATE);
  }

  /** createOrder threw: a refusal is recorded; anything that may have placed it is read back first. */
  private async failed(order: OrderRequest, error: unknown, now: EpochMs): Promise<OrderResult> {
    const failure = await orderFailure(error);
    const message = this.redact.message(error);
    const cause = this.redact.error(error);
    const id = order.clientOrderId;
    if (failure === 'rejected') {
      return this.record(order, rejectedOrder(order, now, `${this.name} refused ${id}: ${message}`));
    }
    if (failure === 'fatal') {
      throw new FatalError('exchange_access_denied', `${this.name} refused ${id}: ${message}`, { cause });
    }
    let found: Order | null;
    try {
      found = await this.fetchByClientId(order.symbol, id);
    } catch (readFailure) {
      throw new UnknownOutcomeError(
        'read_back_failed',
        `${this.name}: ${id}: ${message}; reading it back failed too: ${this.redact.message(readFailure)}`,
        { cause },
      );
    }
    if (found) return this.settle(order, this.exchange.market(order.symbol), found, now, FOUND_LATE);
    if (failure === 'throttled') {
      throw new RetryableError(
        'rate_limited',
        `${this.name} turned ${id} away unprocessed (${message}); the read-back confirms it was not placed`,
        { cause },
      );
    }
    if (failure === 'refused_unlisted') {
      return this.record(order, rejectedOrder(order, now, `${this.name} refused ${id}: ${message}`));
    }
    throw new UnknownOutcomeError(
      'not_found_on_read_back',
      `${this.name}: ${id}: ${message}; the read-back found no such order, so it was not placed ` +
        '(sending the same id again is safe)',
      { cause },
    );
  }

  /** The order the exchange holds under a client order id, or null. */
  private async fetchByClientId(symbol: string, clientOrderId: string): Promise<Order | null> {
    try {
      return await this.exchange.fetchOrder('', symbol, { clientOrderId: exchangeOrderId(clientOrderId) });
    } catch (error) {
      if (await isOrderNotFound(error)) return null;
      throw error;
    }
  }

  /** Records a final order as Sigil's result; one not final yet is an unknown outcome for now. */
  private async settle(
    request: OrderRequest,
    market: Market,
    placed: Order,
    at: EpochMs,
    note: string,
  ): Promise<OrderResult> {
    const state = finalState(placed);
    if (state === null) throw this.notSettled(request.clientOrderId, placed);
    if (state === 'unfilled') {
      return this.record(
        request,
        rejectedOrder(
          request,
          at,
          `${this.name} ${placed.status ?? 'closed'} ${request.clientOrderId} unfilled`,
        ),
      );
    }
    const price = fillPrice(placed) ?? 0;
    const fee = await this.feeOf(placed, market, price);
    // A buy whose fee was taken in the bought asset holds that much less of it (Binance without BNB):
    // the position is what is held, or its exit would sell more than there is.
    const filled = placed.filled ?? 0;
    const qty =
      request.side === 'buy' && fee.base > 0
        ? Number(this.exchange.amountToPrecision(market.symbol, filled - fee.base))
        : filled;
    const brokerRef =
      request.purpose === 'entry'
        ? (request.positionId ?? placed.id ?? null)
        : (request.brokerRef ?? request.positionId);
    return this.record(request, {
      clientOrderId: request.clientOrderId,
      status: 'filled',
      price,
      qty,
      fee: fee.cost,
      reason: [note, fee.note].filter((s) => s !== '').join('; '),
      at,
      brokerRef,
    });
  }

  private notSettled(clientOrderId: string, placed: Order, cause?: unknown): UnknownOutcomeError {
    const detail = cause === undefined ? '' : `; reading it failed: ${this.redact.message(cause)}`;
    return new UnknownOutcomeError(
      'order_not_settled',
      `${this.name} holds ${clientOrderId} as order ${placed.id ?? '?'} (${placed.status ?? 'no status'}, ` +
        `filled ${placed.filled ?? '?'}) and has not settled it${detail}; findOrder reconciles it later`,
      cause === undefined ? undefined : { cause: this.redact.error(cause) },
    );
  }

  /**
   * The order's fees in the quote currency: a fee in the base asset at the fill price, one in a third
   * asset (BNB) at its last price in the quote. An order read back may list no fees; its trades do.
   * A fee that cannot be valued is left out and said so — the fill itself is what must be recorded.
   */
  private async feeOf(
    placed: Order,
    market: Market,
    price: number,
  ): Promise<{ cost: number; base: number; note: string }> {
    let fees = feeList(placed);
    const unknown: string[] = [];
    if (fees.length === 0 && placed.id && this.exchange.has.fetchOrderTrades) {
      try {
        const trades = await this.exchange.fetchOrderTrades(placed.id, market.symbol);
        fees = trades.flatMap(feeList);
      } catch (error) {
        unknown.push(`fees not read (${this.redact.message(error)})`);
      }
    }
    let cost = 0;
    let base = 0;
    for (const fee of fees) {
      if (fee.cost === 0) continue;
      if (fee.currency === undefined || fee.currency === market.quote) cost += fee.cost;
      else if (fee.currency === market.base) {
        cost += fee.cost * price;
        base += fee.cost;
      } else {
        const rate = await this.rate(fee.currency, market.quote);
        if (rate === null) unknown.push(`${fee.cost} ${fee.currency} fee not valued in ${market.quote}`);
        else cost += fee.cost * rate;
      }
    }
    return { cost, base, note: unknown.join('; ') };
  }

  private async rate(currency: string, quote: string): Promise<number | null> {
    const symbol = `${currency}/${quote}`;
    if (this.exchange.markets?.[symbol] === undefined) return null;
    try {
      const ticker = await this.exchange.fetchTicker(symbol);
      return positive(ticker.last) ?? positive(ticker.close);
    } catch {
      return null;
    }
  }

  private record(request: OrderRequest, result: OrderResult): Promise<OrderResult> {
    return this.store.recordOrder(request, result);
  }

  // ── Reads ──────────────────────────────────────────────────────────────────────────────────────

  private async book(): Promise<OrderBook> {
    return bookOf(await this.store.variantOrders(this.options.variantId), this.options.quoteOf);
  }

  private async loadMarkets(): Promise<void> {
    // ccxt keeps a failed loadMarkets and hands its rejection to every later call: start afresh then.
    await this.read('loadMarkets', () => this.exchange.loadMarkets(this.exchange.markets === undefined));
  }

  private async lastPrice(symbol: string): Promise<number> {
    const ticker = await this.read(`fetchTicker ${symbol}`, () => this.exchange.fetchTicker(symbol));
    const last = positive(ticker.last) ?? positive(ticker.close);
    if (last === null) {
      throw new RetryableError('no_last_price', `${this.name} has no last price for ${symbol} now`);
    }
    return last;
  }

  /** The account's currency: the quote of every market the variant traded, which must be one. */
  private quoteCurrency(orders: readonly StoredOrder[]): string {
    const quotes = new Set(
      orders.map(
        ({ request: { symbol } }) =>
          this.exchange.markets?.[symbol]?.quote ?? symbol.split('/')[1]?.split(':')[0] ?? DEFAULT_QUOTE,
      ),
    );
    if (quotes.size > 1) {
      throw new FatalError(
        'mixed_quote_currencies',
        `${this.name}: variant ${this.options.variantId} trades in ${[...quotes].join(', ')}; ` +
          'one account has one quote currency',
      );
    }
    return [...quotes][0] ?? DEFAULT_QUOTE;
  }

  private async read<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw await this.readFailure(error, what);
    }
  }

  private readFailure(error: unknown, what: string): Promise<SigilError> {
    return readError(error, `${this.name} ${what}`, this.redact);
  }
}

/** 'filled' (some fill), 'unfilled' (ended without one), or null (still working, or not reported). */
function finalState(order: Order): 'filled' | 'unfilled' | null {
  if (order.status === 'open') return null;
  if ((order.filled ?? 0) > 0) return fillPrice(order) === null ? null : 'filled';
  if (order.status === 'canceled' || order.status === 'expired' || order.status === 'rejected') {
    return 'unfilled';
  }
  return null;
}

function fillPrice(order: Order): number | null {
  const filled = order.filled ?? 0;
  const fromCost = order.cost !== undefined && filled > 0 ? order.cost / filled : undefined;
  return positive(order.average) ?? positive(fromCost) ?? positive(order.price);
}

/** ccxt lists fees in `fees` and repeats the first as `fee`; only one of the two is read. */
function feeList(x: { fee?: Fee; fees?: Fee[] }): { currency?: string; cost: number }[] {
  const listed = x.fees !== undefined && x.fees.length > 0 ? x.fees : [x.fee];
  return listed.flatMap((fee) =>
    fee !== undefined && typeof fee.cost === 'number' && Number.isFinite(fee.cost)
      ? [{ currency: fee.currency ?? undefined, cost: fee.cost }]
      : [],
  );
}

function positive(value: number | undefined | null): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

/**
 * The request behind an attempt whose answer was lost in a crash. Sigil's ids say what it was:
 * `<intent>:entry` opens the position `<intent>:position` (engine/execution.ts positionIdFor) and
 * `<position>:exit` closes that position. The stops are not in the attempt: the engine keeps them.
 */
function requestOf(attempt: OrderAttempt): OrderRequest {
  const id = attempt.clientOrderId;
  const exit = id.endsWith(':exit');
  const stem = exit || id.endsWith(':entry') ? id.slice(0, id.lastIndexOf(':')) : null;
  const base = {
    clientOrderId: id,
    variantId: attempt.variantId,
    symbol: attempt.symbol,
    side: attempt.side,
    qty: attempt.qty,
    contractSize: 1,
  };
  if (exit) {
    const position = stem === null ? null : positionId(stem);
    return { ...base, purpose: 'exit', intentId: null, positionId: position, brokerRef: position };
  }
  return {
    ...base,
    purpose: 'entry',
    intentId: stem === null ? null : intentId(stem),
    positionId: stem === null ? null : positionId(`${stem}:position`),
  };
}
