// How a process rides out a store that went away (a PostgreSQL restart, a locked SQLite file): a call
// that failed with a retryable error is made again after a growing pause, about two minutes in all,
// then the error ends the caller — better a loud exit that a supervisor restarts than a process that
// waits forever while nothing trades.
import { errorKindOf } from '../domain/errors.ts';

/** About two minutes of back-off in all before an unreachable store ends the caller. */
const MAX_STORE_RETRIES = 30;
const MAX_PAUSE_MS = 5_000;

export interface StoreRetryOptions {
  sleep: (ms: number) => Promise<void>;
  /** Told before each pause; attempt counts the failures so far, from 1. */
  onRetry?: (error: unknown, attempt: number) => void;
  /** Once aborted, the error ends the call instead of another attempt. */
  signal?: AbortSignal;
}

export async function withStoreRetries<T>(fn: () => Promise<T>, options: StoreRetryOptions): Promise<T> {
  for (let failures = 1; ; failures++) {
    try {
      return await fn();
    } catch (error) {
      if (errorKindOf(error) !== 'retryable' || failures > MAX_STORE_RETRIES || options.signal?.aborted)
        throw error;
      options.onRetry?.(error, failures);
      await options.sleep(Math.min(MAX_PAUSE_MS, 50 * 2 ** failures));
    }
  }
}
