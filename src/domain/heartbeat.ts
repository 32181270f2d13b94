// A scanner writes one row per variant at the start and the end of every cycle; the dead-man probe reads it.
import type { EpochMs, VariantId } from './ids.ts';

export interface ScannerHeartbeat {
  variantId: VariantId;
  lastScanStart: EpochMs | null;
  lastScanEnd: EpochMs | null;
  /** Null when the last cycle succeeded; otherwise what went wrong. */
  lastError: string | null;
  updatedAt: EpochMs;
}
