// The paper broker: one variant's simulated account. Market orders fill against the market the engine
// sees, with a fee and slippage, and every order is kept in the store under its client order id — the
// account (balance, open and closed positions) is rebuilt from those orders, so it survives restarts
// like a real one. Entries fill at the price the engine's price source names — the open of the bar
// being processed in a replay (the next open after the signal), the last price when polling live — and
// exits at the price the exit rules decided (a stop, a gap's open, a target, a close), which is how a
// resting stop would fill. Stops are not native: the position manager watches them.
import type { EpochMs, VariantId } from '../domain/ids.ts';
import { settlesOrder, type OrderRequest, type OrderResult } from '../domain/order.ts';
import type {
  Broker,
  BrokerAccount,
  BrokerClosedPosition,
  BrokerPosition,
  StopLevels,
} from '../domain/ports/broker.ts';
import type { Store, StoredOrder } from '../domain/ports/store.ts';
import { RejectedError } from '../domain/errors.ts';
import { moveValue, positionValue, type MoneyTerms } from '../domain/instrument.ts';
import { bookOf, closedSince, move, positionOf, type OrderBook, type QuoteOf } from './order-book.ts';

export interface PaperAccount {
  variantId: VariantId;
  startingBalance: number;
  /** Fee per side, percent of the fill's value. */
  feePct: number;
  /** Adverse slippage, percent of price, on market entries (exits fill at the rule's price). */
  slippagePct: number;
  /** The account is in dollars: how each symbol's quote money converts. */
  quoteOf: QuoteOf;
}

/** Where market orders fill: null when the symbol has no price yet (the order is rejected). */
export type MarketPrice = (symbol: string) => number | null;

type PaperStore = Pick<Store, 'recordOrder' | 'findOrder' | 'variantOrders' | 'setOrderStops'>;

export class PaperBroker implements Broker {
  readonly name = 'paper';
  readonly capabilities = { nativeStops: false, clientOrderIds: true, shorts: true };

  constructor(
    private readonly store: PaperStore,
    private readonly price: MarketPrice,
    private readonly paper: PaperAccount,
  ) {}

  async submitMarketOrder(order: OrderRequest, now: EpochMs): Promise<OrderResult> {
    const existing = await this.store.findOrder(order.clientOrderId);
    if (existing && settlesOrder(existing, order.purpose)) return existing;
    return this.store.recordOrder(order, this.fill(order, now));
  }

  findOrder(clientOrderId: string): Promise<OrderResult | null> {
    return this.store.findOrder(clientOrderId);
  }

  async modifyStops(position: BrokerPosition, stops: StopLevels): Promise<void> {
    const entry = (await this.book()).open.get(position.brokerRef);
    if (!entry) throw new RejectedError('no_position', `paper: no open position ${position.brokerRef}`);
    await this.store.setOrderStops(entry.request.clientOrderId, stops);
  }

  /** The paper account fills any quantity: the grid is the configured instrument's, applied by the sizing. */
  async instrumentSpec(): Promise<null> {
    return null;
  }

  async account(): Promise<BrokerAccount> {
    const { open, closed } = await this.book();
    const balance = this.paper.startingBalance + closed.reduce((sum, c) => sum + c.pnl, 0);
    let floating = 0;
    for (const entry of open.values()) {
      const position = positionOf(entry);
      const mark = this.price(position.symbol) ?? position.entryPrice;
      floating += moveValue(
        this.termsOf(entry),
        move(position.side, position.entryPrice, mark),
        position.qty,
        mark,
      );
      floating -= entry.result.fee;
    }
    return { balance, equity: balance + floating, currency: 'USD' };
  }

  async openPositions(): Promise<BrokerPosition[]> {
    return [...(await this.book()).open.values()].map(positionOf);
  }

  async closedPositionsSince(since: EpochMs): Promise<BrokerClosedPosition[]> {
    return closedSince(await this.book(), since);
  }

  /** Entries still open (by position id) and closed round trips, from the variant's filled orders. */
  private async book(): Promise<OrderBook> {
    return bookOf(await this.store.variantOrders(this.paper.variantId), this.paper.quoteOf);
  }

  private termsOf(order: StoredOrder | OrderRequest): MoneyTerms {
    const request = 'request' in order ? order.request : order;
    return { contractSize: request.contractSize, quote: this.paper.quoteOf(request.symbol) };
  }

  private fill(order: OrderRequest, now: EpochMs): OrderResult {
    const market = order.limitHint ?? this.price(order.symbol);
    const base = {
      clientOrderId: order.clientOrderId,
      qty: order.qty,
      at: now,
      brokerRef: order.positionId,
    };
    if (market === null || !(market > 0)) {
      return {
        ...base,
        status: 'rejected',
        price: null,
        fee: 0,
        reason: `no tradable price for ${order.symbol} now (no bar yet, or a gap in the data)`,
      };
    }
    const slip = order.limitHint === undefined ? this.paper.slippagePct / 100 : 0;
    const price = market * (order.side === 'buy' ? 1 + slip : 1 - slip);
    const fee = positionValue(this.termsOf(order), order.qty, price) * (this.paper.feePct / 100);
    return { ...base, status: 'filled', price, fee, reason: '' };
  }
}
