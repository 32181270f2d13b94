// The clock a store's times are on. A live store's are the wall clock's; a replay's are its simulated
// bars', so every command reading it — the probe, the dashboard, compliance, locks — measures ages,
// days and lock ends against the replay's own "now" (the close of its last bar), not against today.
import type { EpochMs } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import type { StoreIdentity } from '../domain/store-identity.ts';

export interface StoreTime {
  /** The store's now: a replay's last bar close (its start before the first bar), else `wallNow`. */
  now: EpochMs;
  identity: StoreIdentity | null;
  /** Set for a replay's store. */
  replay: { from: EpochMs; to: EpochMs; finished: boolean } | null;
}

export async function storeTime(store: Store, wallNow: EpochMs): Promise<StoreTime> {
  const identity = await store.storeIdentity();
  if (identity?.kind !== 'replay') return { now: wallNow, identity, replay: null };
  const from = identity.from ?? 0;
  const to = identity.to ?? from;
  let last: EpochMs | null = null;
  for (const job of await store.jobs()) {
    if (job.lastRunAt !== null && (last === null || job.lastRunAt > last)) last = job.lastRunAt;
  }
  const now = last ?? from;
  return { now, identity, replay: { from, to, finished: now >= to } };
}

/** One line for an operator: which clock the store is on. */
export function describeStoreTime(time: StoreTime): string {
  if (!time.replay) return 'live (wall clock)';
  const at = new Date(time.now).toISOString();
  return time.replay.finished
    ? `a finished replay (its simulated clock stopped at ${at})`
    : `a replay (its simulated clock stands at ${at}; the data runs to ${new Date(time.replay.to).toISOString()})`;
}
