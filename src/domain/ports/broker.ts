// What Sigil needs of a broker account: market orders under a client order id (idempotently, with the
// stop-loss and take-profit attached where the broker keeps them), stop edits, and the account as the
// broker sees it — balance, equity, open positions and positions closed since a time — so positions the
// broker closed (a stop hit, a liquidation, a manual close) are found and an unknown outcome reconciled.
// One adapter instance is one account. Every adapter passes src/brokers/broker.contract.ts.
import type { EpochMs, VariantId } from '../ids.ts';
import type { OrderRequest, OrderResult } from '../order.ts';
import type { PositionSide } from '../position.ts';

export interface BrokerCapabilities {
  /** Stops rest at the broker; otherwise Sigil watches candles and sends the exit itself. */
  nativeStops: boolean;
  /**
   * The broker keeps Sigil's client order id, so an order is found by it; otherwise the adapter tags the
   * attempt locally before sending and matches it on read-back (Match-Trader's Platform API).
   */
  clientOrderIds: boolean;
  /** Sells what it does not hold (FX, CFDs, derivatives); spot cannot, and a SELL entry is refused. */
  shorts: boolean;
}

export interface BrokerAccount {
  /** Closed balance, in the account currency. */
  balance: number;
  /** Balance plus the floating P&L of open positions. */
  equity: number;
  currency: string;
}

/** A position as the broker holds it. */
export interface BrokerPosition {
  /** The broker's id for the position (or, where positions are not native, the entry order's). */
  brokerRef: string;
  symbol: string;
  side: PositionSide;
  qty: number;
  entryPrice: number;
  stopLoss: number | null;
  takeProfit: number | null;
  openedAt: EpochMs;
}

export type BrokerCloseReason = 'stop_loss' | 'take_profit' | 'liquidation' | 'manual' | 'closed';

export interface BrokerClosedPosition extends Omit<BrokerPosition, 'stopLoss' | 'takeProfit'> {
  exitPrice: number;
  closedAt: EpochMs;
  /** Net of the broker's fees, commissions and swaps, in the account currency. */
  pnl: number;
  reason: BrokerCloseReason;
}

/**
 * A symbol's grid and minimums as the broker trades it, in Sigil's units (quantity in the config's
 * contract size): the tick prices move by, the quantity step, the smallest quantity and order value.
 */
export interface InstrumentSpec {
  priceTick: number;
  qtyStep: number;
  minQty: number;
  /** Smallest order value, in the quote currency; 0 = none. */
  minNotional: number;
}

export interface StopLevels {
  stopLoss: number | null;
  takeProfit: number | null;
}

export interface Broker {
  readonly name: string;
  readonly capabilities: BrokerCapabilities;
  /**
   * Same client order id twice → the first order's result, never a second order. A business refusal is
   * a `rejected` result; transport faults throw the domain's error kinds (errors.ts), and an unknown
   * outcome is reconciled by the adapter — the broker's state is read — before it throws or retries.
   */
  submitMarketOrder(order: OrderRequest, now: EpochMs): Promise<OrderResult>;
  /** The order sent under this id: from Sigil's own record or, after a crash, from the broker. */
  findOrder(clientOrderId: string): Promise<OrderResult | null>;
  /** Moves the resting stops of an open position (native stops only); a refusal throws RejectedError. */
  modifyStops(position: BrokerPosition, stops: StopLevels, now: EpochMs): Promise<void>;
  /** The broker's own grid for the symbol; null where the configuration's stands (the paper account). */
  instrumentSpec(symbol: string, now: EpochMs): Promise<InstrumentSpec | null>;
  account(now: EpochMs): Promise<BrokerAccount>;
  openPositions(now: EpochMs): Promise<BrokerPosition[]>;
  /** Positions closed at or after `since`, oldest first. */
  closedPositionsSince(since: EpochMs, now: EpochMs): Promise<BrokerClosedPosition[]>;
}

/** Each variant trades one account: its paper account, or the exchange or prop-firm account it is given. */
export type BrokerFor = (variantId: VariantId) => Broker;
