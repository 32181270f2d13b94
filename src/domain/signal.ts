// What a scanner emits: a proposal to trade one symbol for one variant, with what it measured.
import type { EpochMs, VariantId } from './ids.ts';
import type { ScannerMeasures, TradeSide } from './intent.ts';

export interface Signal {
  variantId: VariantId;
  symbol: string;
  side: TradeSide;
  /** Close time of the candle the signal fired on. */
  at: EpochMs;
  /** The trading period it belongs to: part of the intent's natural key. */
  tradeDate: string;
  price: number;
  /** ATR(14) at signal time, carried to the position's stop. */
  atr: number | null;
  scanner: ScannerMeasures;
  /** Which rule fired, for the audit trail. */
  rule: string;
}
