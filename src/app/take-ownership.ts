// Starting a `sigil run`: its leases are taken before anything runs. A variant already owned by a live
// process is refused, naming the owner — or, with --standby, waited for until the owner dies or stops.
// A standby that cannot reach the store keeps waiting: only a lease the store granted lets it act.
import { wallNow } from '../clock/system-clock.ts';
import { errorKindOf } from '../domain/errors.ts';
import type { LeaseRecord } from '../domain/lease.ts';
import type { Store } from '../domain/ports/store.ts';
import { describeHolder, holderGone, type ProcessLeases } from './process-leases.ts';

export interface TakeOwnershipOptions {
  standby: boolean;
  signal: AbortSignal;
  sleep: (ms: number) => Promise<void>;
  /** The bot's job names: a new owner frees the leases a dead owner left on them. */
  jobs: readonly string[];
  ttlMs: number;
  /** Standby: told when it starts waiting for another holder, and when the holder changes. */
  onWaiting?: (heldBy: LeaseRecord) => void;
  /** Standby: the store could not be reached; it tries again. */
  onStoreDown?: (error: unknown) => void;
}

export class OwnedElsewhereError extends Error {
  constructor(readonly heldBy: LeaseRecord) {
    super(
      `${heldBy.name.replace(/^variant:/, 'variant ')} is already run by ${describeHolder(heldBy)}: stop that process first, or start this one with --standby to take over when it stops`,
    );
  }
}

export class ConfigMismatchError extends Error {}

/** Resolves true once the leases are this process's, false if the signal aborted the wait. */
export async function takeOwnership(
  store: Store,
  leases: ProcessLeases,
  options: TakeOwnershipOptions,
): Promise<boolean> {
  let waitingFor: string | null = null;
  const dead: string[] = [];
  while (!options.signal.aborted) {
    let claim;
    try {
      claim = await leases.acquire(dead);
    } catch (error) {
      if (!options.standby || errorKindOf(error) !== 'retryable') throw error;
      options.onStoreDown?.(error);
      await options.sleep(options.ttlMs / 3);
      continue;
    }
    if (claim.acquired) {
      await refuseOtherConfigs(leases);
      if (leases.info.roles.includes('execution')) await store.freeJobLeases(options.jobs, wallNow());
      return true;
    }
    if (holderGone(claim.heldBy) && !dead.includes(claim.heldBy.holder)) {
      dead.push(claim.heldBy.holder);
      continue;
    }
    if (!options.standby) throw new OwnedElsewhereError(claim.heldBy);
    if (waitingFor !== claim.heldBy.holder) {
      waitingFor = claim.heldBy.holder;
      options.onWaiting?.(claim.heldBy);
    }
    // Until just after the holder's lease would lapse, but looking again at least every third of a lease.
    const lapse = claim.heldBy.leaseUntil - wallNow() + 50;
    await options.sleep(Math.max(50, Math.min(options.ttlMs / 3, lapse)));
  }
  return false;
}

/**
 * Processes sharing a variant must run the same configuration: an analyst on an older config would decide
 * by rules the owner no longer uses. The newcomer gives its leases back and refuses to start.
 */
async function refuseOtherConfigs(leases: ProcessLeases): Promise<void> {
  const other = (await leases.peers()).find(({ info }) => info.config !== leases.info.config);
  if (!other) return;
  await leases.release().catch(() => undefined);
  throw new ConfigMismatchError(
    `${describeHolder(other.lease)} runs these variants on config version ${other.info.config ?? 'unknown'}, this process on ${leases.info.config}: run every process sharing a variant on the same configuration`,
  );
}
