// Leases, as lease-rows.ts keeps them: free, lapsed or already the caller's leases are taken, all names or
// none; a change of holder raises the fence.
import type { EpochMs } from '../../domain/ids.ts';
import type { LeaseClaim, LeaseHolder, LeaseRecord } from '../../domain/lease.ts';
import { compareText, sortSmall } from './sorted.ts';
import type { UndoLog } from './undo-log.ts';

export class LeaseTable {
  private readonly leases = new Map<string, LeaseRecord>();

  constructor(private readonly undo: UndoLog) {}

  acquire(
    names: readonly string[],
    holder: LeaseHolder,
    now: EpochMs,
    ttlMs: number,
    replacing: readonly string[] = [],
  ): LeaseClaim {
    for (const name of names) {
      const held = this.leases.get(name);
      if (
        held &&
        held.holder !== holder.holder &&
        !replacing.includes(held.holder) &&
        !(held.leaseUntil < now)
      ) {
        return { acquired: false, heldBy: held };
      }
    }
    const fences = new Map<string, number>();
    for (const name of names) {
      const prev = this.leases.get(name) ?? null;
      const same = prev?.holder === holder.holder;
      const next: LeaseRecord = Object.freeze({
        ...holder,
        name,
        since: same && prev ? prev.since : now,
        leaseUntil: now + ttlMs,
        fence: prev ? (same ? prev.fence : prev.fence + 1) : 1,
      });
      this.put(next, prev);
      fences.set(name, next.fence);
    }
    return { acquired: true, fences };
  }

  renew(names: readonly string[], holder: string, now: EpochMs, ttlMs: number): boolean {
    const mine = names.every((name) => {
      const lease = this.leases.get(name);
      return lease?.holder === holder && lease.leaseUntil >= now;
    });
    if (!mine) return false;
    for (const name of names) this.setUntil(name, holder, now + ttlMs);
    return true;
  }

  release(names: readonly string[], holder: string, now: EpochMs): void {
    for (const name of names) this.setUntil(name, holder, now - 1);
  }

  read(names?: readonly string[]): LeaseRecord[] {
    const found =
      names === undefined ? [...this.leases.values()] : names.flatMap((n) => this.leases.get(n) ?? []);
    return sortSmall([...new Set(found)], (a, b) => compareText(a.name, b.name));
  }

  private setUntil(name: string, holder: string, leaseUntil: EpochMs): void {
    const lease = this.leases.get(name);
    if (lease?.holder === holder) this.put(Object.freeze({ ...lease, leaseUntil }), lease);
  }

  private put(next: LeaseRecord, prev: LeaseRecord | null): void {
    this.leases.set(next.name, next);
    this.undo.record(() => (prev ? this.leases.set(prev.name, prev) : this.leases.delete(next.name)));
  }
}
