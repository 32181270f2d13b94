// An order as Sigil sends it and a broker answers it. The client order id is derived, never random:
// `<intent id>:entry` or `<position id>:exit`, so a retry after a crash asks for the same order again.
import type { EpochMs, IntentId, PositionId, VariantId } from './ids.ts';

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
}

export function entryOrderId(intentId: IntentId): string {
  return `${intentId}:entry`;
}

export function exitOrderId(positionId: PositionId): string {
  return `${positionId}:exit`;
}
