// Remembers alert keys for a window so that one event reported many times (every scan of a stale
// heartbeat, every retry of a failing intent) reaches the operator once per window.
import type { EpochMs } from '../domain/ids.ts';

export class DedupWindow {
  /** key → when it stops suppressing; insertion order is time order, so expired keys are at the front. */
  private readonly until = new Map<string, EpochMs>();

  constructor(private readonly windowMs: number) {}

  /** True the first time `key` is seen in a window (and starts the window); false for a repeat. */
  firstSeen(key: string, now: EpochMs): boolean {
    this.prune(now);
    if (this.until.has(key)) return false;
    this.until.set(key, now + this.windowMs);
    return true;
  }

  get size(): number {
    return this.until.size;
  }

  private prune(now: EpochMs): void {
    for (const [key, until] of this.until) {
      if (until > now) return;
      this.until.delete(key);
    }
  }
}
