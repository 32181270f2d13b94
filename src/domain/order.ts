// An order as Sigil sends it and a broker answers it. The client order id is derived, never random:
// `<intent id>:entry` or `<position id>:exit`, so a retry after a crash asks for the same order again.
import type { EpochMs, IntentId, PositionId, VariantId } from './ids.ts';
import type { Position } from './position.ts';

export type OrderSide = 'buy' | 'sell';
export type OrderPurpose = 'entry' | 'exit';

export interface OrderRequest {
  clientOrderId: string;
  variantId: VariantId;
  symbol: string;
  side: OrderSide;
  purpose: OrderPurpose;
  qty: number;
  /** Units per quantity, to value the order (FX lot: 100 000). */
  contractSize: number;
  intentId: IntentId | null;
  positionId: PositionId | null;
  /** A price the exit rules decided (stop, target): paper fills there; real brokers ignore it. */
  limitHint?: number;
  /** Entries: the stops to rest at the broker with the order, where it keeps them (null = none). */
  stopLoss?: number | null;
  takeProfit?: number | null;
  /** Exits: the broker's id of the position to close (Match-Trader closes positions, not quantities). */
  brokerRef?: string | null;
}

export interface OrderResult {
  clientOrderId: string;
  status: 'filled' | 'rejected';
  /** Null when rejected. */
  price: number | null;
  qty: number;
  fee: number;
  reason: string;
  at: EpochMs;
  /** The broker's id of the position (or order) this opened or closed; null where it has none. */
  brokerRef?: string | null;
}

export function entryOrderId(intentId: IntentId): string {
  return `${intentId}:entry`;
}

export function exitOrderId(positionId: PositionId): string {
  return `${positionId}:exit`;
}

/**
 * Whether a recorded answer ends the order: a fill does, and so does a refused entry (its intent is
 * rejected). A refused exit does not: the position is still open, and its exit must be sent again.
 */
export function settlesOrder(result: OrderResult, purpose: OrderPurpose): boolean {
  return result.status === 'filled' || purpose === 'entry';
}

/** A broker's refusal of an order, as recorded: no fill, no fee. */
export function rejectedOrder(
  order: Pick<OrderRequest, 'clientOrderId' | 'qty'>,
  now: EpochMs,
  reason: string,
): OrderResult {
  return {
    clientOrderId: order.clientOrderId,
    status: 'rejected',
    price: null,
    qty: order.qty,
    fee: 0,
    reason,
    at: now,
  };
}

/**
 * The market order that closes a position, under its derived client order id and naming the broker's
 * position. `limitHint` is the price the exit rules decided (paper fills there; real brokers ignore it).
 */
export function exitOrderFor(position: Position, contractSize: number, limitHint?: number): OrderRequest {
  return {
    clientOrderId: exitOrderId(position.id),
    variantId: position.variantId,
    symbol: position.symbol,
    side: position.side === 'long' ? 'sell' : 'buy',
    purpose: 'exit',
    qty: position.qty,
    contractSize,
    intentId: position.intentId,
    positionId: position.id,
    brokerRef: position.brokerRef ?? null,
    ...(limitHint === undefined ? {} : { limitHint }),
  };
}
