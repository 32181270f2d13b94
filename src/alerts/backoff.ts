// How long to wait before the next delivery attempt: what the service asked for when it said
// (Retry-After), else exponential from a base, capped so a long outage still retries now and then.
export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** `retry` counts from 0 (the wait before the first retry). */
export function backoffMs(retry: number, policy: BackoffPolicy, retryAfterMs: number | undefined): number {
  // A service's own Retry-After is honoured even above the cap: retrying sooner only earns another 429.
  if (retryAfterMs !== undefined) return retryAfterMs;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
}
