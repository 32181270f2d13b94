// The paper broker: fills market orders against the market the engine sees, with a fee and slippage,
// and keeps every order in the store under its client order id. Entries fill at the price the engine's
// price source names — the open of the bar being processed in a replay (the next open after the
// signal), the last price when polling live — and exits at the price the exit rules decided (a stop,
// a gap's open, a target, a close), which is how a resting stop would fill.
import type { EpochMs } from '../domain/ids.ts';
import type { OrderRequest, OrderResult } from '../domain/order.ts';
import type { Broker } from '../domain/ports/broker.ts';
import type { Store } from '../domain/ports/store.ts';

export interface PaperFillRules {
  /** Fee per side, percent of the fill's value. */
  feePct: number;
  /** Adverse slippage, percent of price, on market entries (exits fill at the rule's price). */
  slippagePct: number;
}

/** Where market orders fill: null when the symbol has no price yet (the order is rejected). */
export type MarketPrice = (symbol: string) => number | null;

export class PaperBroker implements Broker {
  readonly name = 'paper';
  readonly capabilities = { nativeStops: false };

  constructor(
    private readonly store: Pick<Store, 'recordOrder' | 'findOrder'>,
    private readonly price: MarketPrice,
    /** Each variant's paper account has its own fee and slippage. */
    private readonly rulesFor: (variantId: string) => PaperFillRules,
  ) {}

  async submitMarketOrder(order: OrderRequest, now: EpochMs): Promise<OrderResult> {
    const existing = await this.store.findOrder(order.clientOrderId);
    if (existing) return existing;
    return this.store.recordOrder(order, this.fill(order, now));
  }

  findOrder(clientOrderId: string): Promise<OrderResult | null> {
    return this.store.findOrder(clientOrderId);
  }

  private fill(order: OrderRequest, now: EpochMs): OrderResult {
    const market = order.limitHint ?? this.price(order.symbol);
    const base = { clientOrderId: order.clientOrderId, qty: order.qty, at: now };
    if (market === null || !(market > 0)) {
      return {
        ...base,
        status: 'rejected',
        price: null,
        fee: 0,
        reason: `no tradable price for ${order.symbol} now (no bar yet, or a gap in the data)`,
      };
    }
    const rules = this.rulesFor(order.variantId);
    const slip = order.limitHint === undefined ? rules.slippagePct / 100 : 0;
    const price = market * (order.side === 'buy' ? 1 + slip : 1 - slip);
    const fee = price * order.qty * order.contractSize * (rules.feePct / 100);
    return { ...base, status: 'filled', price, fee, reason: '' };
  }
}
