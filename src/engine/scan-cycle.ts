// One scan cycle of one variant: heartbeat at the start, the entry guard, the scanner over the new closed
// candles, intents for its signals, heartbeat at the end — also when the cycle fails, so the dead-man
// probe sees a scanner that runs but errs as well as one that stopped.
import { describeError } from '../domain/errors.ts';
import type { EpochMs, VariantId } from '../domain/ids.ts';
import type { CandleBatch } from '../domain/ports/market-data.ts';
import type { InsertResult, Store } from '../domain/ports/store.ts';
import type { Signal } from '../domain/signal.ts';
import { blockedSymbols } from '../scanners/entry-guard.ts';
import type { CycleScanner } from '../scanners/cycle-scanner.ts';
import { intentForSignal } from '../scanners/signal-intents.ts';

export interface ScanCycleInput {
  store: Store;
  scanner: CycleScanner;
  variantId: VariantId;
  symbols: readonly string[];
  /**
   * Fetches the closed candles not seen before, oldest first. Called inside the cycle, so a feed that
   * fails (an exchange answering 5xx, garbage data) is recorded on the heartbeat like any other failure.
   */
  candles: () => Promise<readonly CandleBatch[]>;
  now: EpochMs;
  intentExpiryHours: number;
  claimTtlMinutes: number;
}

export interface ScanCycleResult {
  signals: Signal[];
  intents: InsertResult[];
  /** Symbols the entry guard held back, with why. */
  blocked: Map<string, string>;
}

export async function runScanCycle(input: ScanCycleInput): Promise<ScanCycleResult> {
  const { store, scanner, variantId, now } = input;
  await store.recordScanStart(variantId, now);
  try {
    const batches = await input.candles();
    const blocked = await blockedSymbols(store, variantId, input.symbols, now);
    const signals = scanner.scanCycle(batches, blocked);
    const intents =
      signals.length === 0
        ? []
        : await store.insertIntents(
            signals.map((signal) => intentForSignal(signal, input.intentExpiryHours, input.claimTtlMinutes)),
            `scanner:${variantId}`,
            now,
          );
    // A strategy that failed on some symbols' bars: the others were scanned; the heartbeat says why not.
    const skipped = scanner.scanErrors?.() ?? [];
    await store.recordScanEnd(variantId, now, skipped.length > 0 ? skipped.join('; ') : null);
    return { signals, intents, blocked };
  } catch (error) {
    await store.recordScanEnd(variantId, now, describeError(error)).catch(() => undefined);
    throw error;
  }
}
