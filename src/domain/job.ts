// A scheduled job as the store keeps it: when it runs next, when it last ran, and who holds its lease.
// Jobs live in the store so that a restart — or a second process — picks up the schedule where it was.
import type { EpochMs } from './ids.ts';

export interface JobRecord {
  name: string;
  nextRunAt: EpochMs;
  lastRunAt: EpochMs | null;
  /** The scheduler running it now; null when idle. */
  owner: string | null;
  /** A run whose lease has passed is considered dead and may be taken over. */
  leaseUntil: EpochMs | null;
}
