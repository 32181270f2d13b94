// Locks that keep a variant (or one of its symbols) from entering: cooldowns, stop-loss guards, drawdown.
import type { EpochMs, VariantId } from './ids.ts';

export const PROTECTION_KINDS = [
  'cooldown',
  'stoploss_guard',
  'max_drawdown',
  'low_profit',
  'manual',
  'compliance',
] as const;
export type ProtectionKind = (typeof PROTECTION_KINDS)[number];

/** The symbol of a lock that covers every symbol of the variant. */
export const ALL_SYMBOLS = '*';

export interface SymbolProtection {
  variantId: VariantId;
  symbol: string;
  kind: ProtectionKind;
  until: EpochMs;
  reason: string;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}
