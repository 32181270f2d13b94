// Intents claimed by an analyst whose process is gone: handed back to the queue as soon as the process's
// presence lease lapses (or at the next start-up), instead of waiting out the claim's own lease — which a
// slow LLM decision keeps extending for as long as it runs, up to `claim_ttl_minutes`.
import type { EpochMs, WorkerId } from '../domain/ids.ts';
import { releaseIfStillHeld } from '../domain/intent-commands.ts';
import { holderOfWorker, leaseLive, processLeaseName, type LeaseRecord } from '../domain/lease.ts';
import type { Store } from '../domain/ports/store.ts';

/**
 * Releases the claims of workers whose process lease exists and has lapsed at `wallNow` (or that `gone`
 * knows dead: a process of this host that no longer exists); a worker of no registered process (an
 * older Sigil, a test) is left to the claim's own lease. `now` is the intents' time (simulated in a
 * replay). Returns how many were released.
 */
export async function releaseDeadClaims(
  store: Store,
  now: EpochMs,
  wallNow: EpochMs,
  gone: (lease: LeaseRecord) => boolean = () => false,
): Promise<number> {
  const claimed = await store.listIntents({ statuses: ['claimed'] });
  if (claimed.length === 0) return 0;
  const holders = new Set(claimed.flatMap((i) => holderOfWorker(i.claimWorkerId ?? '') ?? []));
  if (holders.size === 0) return 0;
  const leases = await store.leases([...holders].map(processLeaseName));
  const dead = new Map(leases.filter((l) => !leaseLive(l, wallNow) || gone(l)).map((l) => [l.holder, l]));
  let released = 0;
  for (const intent of claimed) {
    const worker = intent.claimWorkerId as WorkerId | null;
    const died = worker ? dead.get(holderOfWorker(worker) ?? '') : undefined;
    if (!worker || !died) continue;
    const reason = `released: its process (${died.host}, pid ${died.pid}) is gone (its lease ran to ${new Date(died.leaseUntil).toISOString()})`;
    if (await releaseIfStillHeld(store, intent.id, worker, now, reason)) released++;
  }
  return released;
}
