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
import { freeSlots, type RiskRules } from '../risk/risk-rules.ts';

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
  /** risk.max_open_trades: signals beyond the free slots (open positions and entries under way) are dropped, the lowest scores first. */
  maxOpenTrades?: RiskRules['maxOpenTrades'];
}

export interface ScanCycleResult {
  signals: Signal[];
  intents: InsertResult[];
  /** Symbols the entry guard held back, with why. */
  blocked: Map<string, string>;
  /** Signals dropped for want of a free slot (risk.max_open_trades). */
  capped: Signal[];
  /** Why the scanner skipped symbols' bars (a user strategy that failed on them). */
  skipped: string[];
}

export async function runScanCycle(input: ScanCycleInput): Promise<ScanCycleResult> {
  const { store, scanner, variantId, now } = input;
  await store.recordScanStart(variantId, now);
  try {
    const batches = await input.candles();
    const blocked = await blockedSymbols(store, variantId, input.symbols, now);
    const open = scanner.wantsPositions
      ? new Map((await store.openPositions(variantId)).map((p) => [p.symbol, p]))
      : undefined;
    const scanned = scanner.scanCycle(batches, blocked, open);
    const { signals, capped } = await withinSlots(store, variantId, scanned, input.maxOpenTrades ?? null);
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
    return { signals, intents, blocked, capped, skipped };
  } catch (error) {
    await store.recordScanEnd(variantId, now, describeError(error)).catch(() => undefined);
    throw error;
  }
}

/** Entries under way, which will take a slot as they fill. */
const UNDER_WAY = new Set(['pending', 'claimed', 'ready_for_exec', 'executing']);

/**
 * At most the free slots' worth of signals, the highest scores first (ties by symbol, so the choice never
 * depends on the order symbols were scanned in); all of them without a cap.
 */
async function withinSlots(
  store: Store,
  variantId: VariantId,
  signals: Signal[],
  maxOpenTrades: number | null,
): Promise<{ signals: Signal[]; capped: Signal[] }> {
  if (maxOpenTrades === null || signals.length === 0) return { signals, capped: [] };
  const open = (await store.openPositions(variantId)).length;
  const underWay = (await store.countByStatus())
    .filter((c) => c.variantId === variantId && UNDER_WAY.has(c.status))
    .reduce((sum, c) => sum + c.count, 0);
  const free = freeSlots({ maxOpenTrades }, open + underWay);
  if (signals.length <= free) return { signals, capped: [] };
  const ranked = [...signals].sort(
    (a, b) => b.scanner.score - a.scanner.score || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0),
  );
  return { signals: ranked.slice(0, free), capped: ranked.slice(free) };
}
