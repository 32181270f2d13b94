// Time is a port: live code runs on the system clock, backtests on a simulated one, and nothing else
// reads the wall clock (a lint rule enforces it outside src/clock).
import type { EpochMs } from '../ids.ts';

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): EpochMs;
  /**
   * Calls `fn` once at `at` (or as soon as possible if `at` has passed). Timers due at the same time fire
   * in the order of their names, so a simulated run is deterministic.
   */
  setTimer(name: string, at: EpochMs, fn: () => void): TimerHandle;
  /** Resolves at `now() + ms`; rejects with the signal's reason if it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
