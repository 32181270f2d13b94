// What the engine needs of a broker: send a market order under a client order id (idempotently), and
// find an order by that id when reconciling after a crash. Brokers declare what they can do natively.
import type { EpochMs } from '../ids.ts';
import type { OrderRequest, OrderResult } from '../order.ts';

export interface BrokerCapabilities {
  /** Stops rest at the broker; otherwise Sigil watches candles and sends the exit itself. */
  nativeStops: boolean;
}

export interface Broker {
  readonly name: string;
  readonly capabilities: BrokerCapabilities;
  /** Same client order id twice → the first order's result, never a second order. */
  submitMarketOrder(order: OrderRequest, now: EpochMs): Promise<OrderResult>;
  findOrder(clientOrderId: string): Promise<OrderResult | null>;
}
