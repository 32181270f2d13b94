// Simulated time for backtests and tests: it moves only when told to, and fires due timers in
// (time, name) order so that two runs over the same data do exactly the same things.
import type { EpochMs } from '../domain/ids.ts';
import type { Clock, TimerHandle } from '../domain/ports/clock.ts';

interface SimTimer {
  at: EpochMs;
  name: string;
  /** Breaks ties between timers with the same time and name: first scheduled, first fired. */
  order: number;
  fn: () => void;
  cancelled: boolean;
}

export class ClockWentBackError extends Error {
  constructor(now: EpochMs, target: EpochMs) {
    super(`SimClock cannot go back from ${new Date(now).toISOString()} to ${new Date(target).toISOString()}`);
    this.name = 'ClockWentBackError';
  }
}

export class SimClock implements Clock {
  private current: EpochMs;
  private timers: SimTimer[] = [];
  private scheduled = 0;

  constructor(start: EpochMs) {
    this.current = start;
  }

  now(): EpochMs {
    return this.current;
  }

  setTimer(name: string, at: EpochMs, fn: () => void): TimerHandle {
    const timer: SimTimer = { at, name, order: this.scheduled++, fn, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = this.setTimer('sleep', this.current + Math.max(0, ms), () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      const onAbort = () => {
        timer.cancel();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Moves time to `target`, firing every timer due on the way in (time, name) order, with `now()` equal
   * to each timer's time while it runs. Timers scheduled by a firing timer fire too if they are due.
   */
  advanceTo(target: EpochMs): void {
    if (target < this.current) throw new ClockWentBackError(this.current, target);
    for (let next = this.nextDue(target); next; next = this.nextDue(target)) {
      this.timers = this.timers.filter((timer) => timer !== next);
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    this.current = target;
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  /** Timers not yet fired or cancelled. */
  pendingTimers(): number {
    return this.timers.filter((timer) => !timer.cancelled).length;
  }

  private nextDue(target: EpochMs): SimTimer | undefined {
    this.timers = this.timers.filter((timer) => !timer.cancelled);
    let best: SimTimer | undefined;
    for (const timer of this.timers) {
      if (timer.at > target) continue;
      if (!best || compareTimers(timer, best) < 0) best = timer;
    }
    return best;
  }
}

function compareTimers(a: SimTimer, b: SimTimer): number {
  if (a.at !== b.at) return a.at - b.at;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.order - b.order;
}
