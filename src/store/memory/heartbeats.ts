// Scanner heartbeats: one row per variant, written at the start and the end of every cycle — twice a
// bar — and read only by the dead-man probe and the dashboard. So, unlike the other tables, rows are
// updated in place and copied on read: a write costs two field stores and no record.
import type { ScannerHeartbeat } from '../../domain/heartbeat.ts';
import type { EpochMs, VariantId } from '../../domain/ids.ts';
import { compareText } from './sorted.ts';
import type { UndoLog } from './undo-log.ts';

export class HeartbeatTable {
  private readonly beats = new Map<VariantId, ScannerHeartbeat>();

  constructor(private readonly undo: UndoLog) {}

  scanStarted(variantId: VariantId, now: EpochMs): void {
    const beat = this.beats.get(variantId);
    if (!beat)
      return this.insert({
        variantId,
        lastScanStart: now,
        lastScanEnd: null,
        lastError: null,
        updatedAt: now,
      });
    const { lastScanStart, updatedAt } = beat;
    beat.lastScanStart = now;
    beat.updatedAt = now;
    this.undo.record(() => {
      beat.lastScanStart = lastScanStart;
      beat.updatedAt = updatedAt;
    });
  }

  scanEnded(variantId: VariantId, now: EpochMs, error: string | null): void {
    const beat = this.beats.get(variantId);
    if (!beat)
      return this.insert({
        variantId,
        lastScanStart: null,
        lastScanEnd: now,
        lastError: error,
        updatedAt: now,
      });
    const { lastScanEnd, lastError, updatedAt } = beat;
    beat.lastScanEnd = now;
    beat.lastError = error;
    beat.updatedAt = now;
    this.undo.record(() => {
      beat.lastScanEnd = lastScanEnd;
      beat.lastError = lastError;
      beat.updatedAt = updatedAt;
    });
  }

  all(): ScannerHeartbeat[] {
    const copies: ScannerHeartbeat[] = [];
    for (const b of this.beats.values()) {
      copies.push({
        variantId: b.variantId,
        lastScanStart: b.lastScanStart,
        lastScanEnd: b.lastScanEnd,
        lastError: b.lastError,
        updatedAt: b.updatedAt,
      });
    }
    return copies.sort((a, b) => compareText(a.variantId, b.variantId));
  }

  private insert(beat: ScannerHeartbeat): void {
    this.beats.set(beat.variantId, beat);
    this.undo.record(() => this.beats.delete(beat.variantId));
  }
}
