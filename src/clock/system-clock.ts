// The wall clock. The only place in src/ allowed to read it (see eslint.config.js).
import type { EpochMs } from '../domain/ids.ts';
import type { Clock, TimerHandle } from '../domain/ports/clock.ts';

export class SystemClock implements Clock {
  now(): EpochMs {
    return Date.now();
  }

  setTimer(_name: string, at: EpochMs, fn: () => void): TimerHandle {
    const handle = setTimeout(fn, Math.max(0, at - Date.now()));
    return { cancel: () => clearTimeout(handle) };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(handle);
        reject(signal?.reason);
      };
      const handle = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/**
 * The wall clock where it is wanted whatever clock the bot runs on: leases say whether a process lives,
 * which a replay's simulated time cannot tell.
 */
export const wallNow = (): EpochMs => Date.now();
