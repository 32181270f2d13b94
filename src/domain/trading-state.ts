// Whether a variant may trade. `reducing` still closes positions but opens none; `halted` opens none and
// exits only through protective stops (a halt must not leave open positions without their stop). The
// kill switch is `halted` with its reason; it persists until an operator resets it.
import type { EpochMs, VariantId } from './ids.ts';

export const TRADING_STATES = ['active', 'reducing', 'halted'] as const;
export type TradingState = (typeof TRADING_STATES)[number];

export interface TradingStateRecord {
  variantId: VariantId;
  state: TradingState;
  reason: string;
  actor: string;
  /** Null for a variant that was never switched (it is active). */
  changedAt: EpochMs | null;
}

export interface TradingStateChange {
  variantId: VariantId;
  from: TradingState;
  to: TradingState;
  reason: string;
  actor: string;
  at: EpochMs;
}
