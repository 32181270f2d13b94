// A lease on a named thing — a variant's execution role, a process's presence — held by one process at a
// time in the store. It lasts until `leaseUntil` (wall-clock time) unless renewed; a holder that dies
// stops renewing and the lease lapses, so another process may take it. Each change of holder raises the
// fence: a process that finds the fence it acquired gone has been replaced and must stop acting.
import type { EpochMs } from './ids.ts';

export interface LeaseHolder {
  /** Unique per process start (host, pid and a random part): the holder's identity and its fencing token. */
  holder: string;
  host: string;
  pid: number;
  /** What the holder tells others, as JSON (its roles, its config's version). */
  info: string;
}

export interface LeaseRecord extends LeaseHolder {
  name: string;
  /** When the current holder acquired it. */
  since: EpochMs;
  leaseUntil: EpochMs;
  /** Raised each time the lease passes to another holder. */
  fence: number;
}

export type LeaseClaim =
  | { acquired: true; fences: ReadonlyMap<string, number> }
  /** Another holder's live lease on one of the names: nothing was acquired. */
  | { acquired: false; heldBy: LeaseRecord };

/** A lease lives while `leaseUntil` has not passed. */
export function leaseLive(lease: Pick<LeaseRecord, 'leaseUntil'>, now: EpochMs): boolean {
  return lease.leaseUntil >= now;
}

/** The lease a process holds while it lives: its presence, which others read to know it is gone. */
export function processLeaseName(holder: string): string {
  return `process:${holder}`;
}

/** The lease of a variant's execution role (its positions, orders and exits). */
export function variantLeaseName(variantId: string): string {
  return `variant:${variantId}`;
}

/** Analyst workers are named `<holder>:analyst-<n>`; the holder whose presence vouches for their claims. */
export function analystWorkerName(holder: string, n: number): string {
  return `${holder}:analyst-${n}`;
}

export function holderOfWorker(worker: string): string | null {
  const at = worker.lastIndexOf(':analyst-');
  return at > 0 ? worker.slice(0, at) : null;
}
