// Scheduled jobs, as job-rows.ts keeps them: a claim leases every named job that is due and not leased
// by a live run; only the lease's owner finishes it. Read and written at every bar.
import type { EpochMs } from '../../domain/ids.ts';
import type { JobRecord } from '../../domain/job.ts';
import { compareText, sortSmall } from './sorted.ts';
import type { UndoLog } from './undo-log.ts';

export class JobTable {
  private readonly jobs = new Map<string, JobRecord>();

  constructor(private readonly undo: UndoLog) {}

  /** Registers a job unless it exists: an existing job keeps its schedule. */
  ensure(name: string, firstRunAt: EpochMs): JobRecord {
    const existing = this.jobs.get(name);
    if (existing) return existing;
    const created = jobRecord(name, firstRunAt, null, null, null);
    this.put(created, null);
    return created;
  }

  claimDue(names: readonly string[], owner: string, now: EpochMs, leaseMs: number): JobRecord[] {
    const claimed: JobRecord[] = [];
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const job = this.jobs.get(name);
      if (!job || !(job.nextRunAt <= now) || (job.leaseUntil !== null && !(job.leaseUntil < now))) continue;
      if (repeated(names, i)) continue; // `name IN (…)` updates a row once
      const leased = jobRecord(name, job.nextRunAt, job.lastRunAt, owner, now + leaseMs);
      this.put(leased, job);
      claimed.push(leased);
    }
    // As job-rows.ts orders them.
    return sortSmall(claimed, dueOrder);
  }

  finish(name: string, owner: string, ranAt: EpochMs, nextRunAt: EpochMs): boolean {
    const job = this.jobs.get(name);
    if (!job || job.owner !== owner) return false;
    this.put(jobRecord(name, nextRunAt, ranAt, null, null), job);
    return true;
  }

  renewLease(name: string, owner: string, leaseUntil: EpochMs): boolean {
    const job = this.jobs.get(name);
    if (!job || job.owner !== owner || job.leaseUntil === null) return false;
    this.put(jobRecord(name, job.nextRunAt, job.lastRunAt, owner, leaseUntil), job);
    return true;
  }

  reschedule(name: string, nextRunAt: EpochMs): void {
    const job = this.jobs.get(name);
    if (job) this.put(jobRecord(name, nextRunAt, job.lastRunAt, job.owner, job.leaseUntil), job);
  }

  freeLeases(names: readonly string[]): void {
    for (const name of names) {
      const job = this.jobs.get(name);
      if (job) this.put(jobRecord(name, job.nextRunAt, job.lastRunAt, null, null), job);
    }
  }

  read(names?: readonly string[]): JobRecord[] {
    const found: JobRecord[] = [];
    if (names === undefined) {
      for (const job of this.jobs.values()) found.push(job);
    } else {
      for (let i = 0; i < names.length; i++) {
        const job = this.jobs.get(names[i] as string);
        if (job && !repeated(names, i)) found.push(job);
      }
    }
    return sortSmall(found, byName);
  }

  private put(next: JobRecord, prev: JobRecord | null): void {
    this.jobs.set(next.name, next);
    this.undo.record(() => (prev ? this.jobs.set(prev.name, prev) : this.jobs.delete(next.name)));
  }
}

function dueOrder(a: JobRecord, b: JobRecord): number {
  return a.nextRunAt - b.nextRunAt || a.name.localeCompare(b.name);
}

function byName(a: JobRecord, b: JobRecord): number {
  return compareText(a.name, b.name);
}

/** Whether `names[i]` appeared earlier in the list (lists are a few names long). */
function repeated(names: readonly string[], i: number): boolean {
  for (let j = 0; j < i; j++) if (names[j] === names[i]) return true;
  return false;
}

function jobRecord(
  name: string,
  nextRunAt: EpochMs,
  lastRunAt: EpochMs | null,
  owner: string | null,
  leaseUntil: EpochMs | null,
): JobRecord {
  return Object.freeze({ name, nextRunAt, lastRunAt, owner, leaseUntil });
}
