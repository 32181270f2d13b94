// The persistent job scheduler. The schedule lives in the store's `jobs` table (next run, last run,
// owner, lease), not in memory: a restart or a second process picks it up where it was, and a job
// never silently stops because the process that held its timer died. Time comes only from the Clock
// port, so a backtest on SimClock fires the same jobs at the same simulated times as a live run.
//
// Each due job is claimed just before it runs (one conditional UPDATE in the store), so two schedulers
// sharing a database run it once between them, and each job's lease starts when the job itself starts
// rather than when the first job of a batch did.
import type { EpochMs } from '../domain/ids.ts';
import type { JobRecord } from '../domain/job.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { Store } from '../domain/ports/store.ts';
import { nextRunAfter, type Cadence } from './cadence.ts';

export type MissedRunPolicy = 'run_once' | 'skip';

export interface JobSpec {
  name: string;
  cadence: Cadence;
  /** What to do when the process starts and the job's next run is already in the past: run it once now, or skip to the next cadence time. */
  missed: MissedRunPolicy;
  /**
   * `now` is the time the run was claimed. `signal` aborts when the scheduler stops; a job that throws
   * (an abort included) is reported as failed and rescheduled like any other run. `store` is the one the
   * run must write through: the scheduler's own, or the transaction a replay runs a whole bar in.
   */
  run(now: EpochMs, signal: AbortSignal, store: Store): Promise<void>;
}

/** How one `runDue` pass runs its jobs. */
export interface RunDueOptions {
  /**
   * The store the claims, the jobs and their bookkeeping go through; default the scheduler's. A replay
   * passes the transaction of its bar, so a bar's jobs and their bookkeeping commit once.
   */
  store?: Store;
  /**
   * A failing job ends the pass: job_failed is told and the error is thrown, so the caller's transaction
   * rolls back the whole pass — the jobs that ran before it included — and nothing half-done commits.
   * Default: the failure is told, the job rescheduled, and the other jobs run.
   */
  failFast?: boolean;
}

export type SchedulerEvent =
  | { type: 'job_started'; job: string; at: EpochMs }
  | { type: 'job_finished'; job: string; at: EpochMs; durationMs: number }
  | { type: 'job_failed'; job: string; at: EpochMs; error: unknown }
  /** After the run's own finished/failed event: its lease had passed and another owner took the job. */
  | { type: 'lease_lost'; job: string; at: EpochMs };

export interface SchedulerOptions {
  store: Store;
  clock: Clock;
  /** Who holds the leases, e.g. `host:pid`; distinct per process sharing the store. */
  owner: string;
  jobs: readonly JobSpec[];
  /**
   * How long a claimed run may take before another scheduler may consider its owner dead and take the
   * job over (default 10 min). Without `renewLeases`, this must exceed the longest run.
   */
  leaseMs?: number;
  /**
   * Live: a running job renews its lease every third of it (on the wall clock), so a run that
   * legitimately takes long — a broker answering slowly, a compliance delay — keeps its job.
   */
  renewLeases?: boolean;
  /** How often the live loop re-reads the store while idle (default 30 s): another process may change it. */
  pollMs?: number;
  /**
   * Called synchronously. Without a listener, failures and lost leases become process warnings; a
   * listener that throws is reported the same way and never stops the jobs.
   */
  onEvent?: (event: SchedulerEvent) => void;
}

const DEFAULT_LEASE_MS = 10 * 60_000;
const DEFAULT_POLL_MS = 30_000;
/**
 * The live loop's pause when something is due yet nothing could be claimed (another scheduler took it
 * between our read and our claim): long enough not to spin on the store, short enough not to be late.
 */
const IDLE_RETRY_MS = 250;

export class Scheduler {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly owner: string;
  private readonly specs: readonly JobSpec[];
  private readonly byName = new Map<string, JobSpec>();
  private readonly names: readonly string[];
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly renewLeases: boolean;
  private readonly onEvent: ((event: SchedulerEvent) => void) | undefined;
  /** One controller for the scheduler's life: stop() aborts the loop's sleep and the running job at once. */
  private readonly stopping = new AbortController();
  private started = false;
  /** runDue calls queue here, so jobs of this scheduler never overlap and stop() can wait for the last. */
  private tail: Promise<unknown> = Promise.resolve();
  private loop: Promise<void> | null = null;

  constructor(options: SchedulerOptions) {
    if (options.owner.length === 0) throw new Error('a scheduler needs a non-empty owner');
    const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    if (!(leaseMs > 0)) throw new Error(`leaseMs must be positive, got ${leaseMs}`);
    if (!(pollMs > 0)) throw new Error(`pollMs must be positive, got ${pollMs}`);
    this.store = options.store;
    this.clock = options.clock;
    this.owner = options.owner;
    this.specs = options.jobs;
    this.names = options.jobs.map((job) => job.name);
    this.leaseMs = leaseMs;
    this.pollMs = pollMs;
    this.renewLeases = options.renewLeases ?? false;
    this.onEvent = options.onEvent;
  }

  /**
   * Registers the jobs (first run = nextRunAfter(cadence, now) for a new job; an existing job keeps its
   * stored schedule) and applies the missed-run policy to jobs whose next run is in the past: 'skip'
   * reschedules to nextRunAfter(now); 'run_once' leaves it due (runDue will run it once, and its next
   * run is computed from the time it ran, so several missed periods produce ONE run). Rejects
   * duplicate job names. If the store fails midway, start() may be called again (every step is
   * idempotent); once it has succeeded, it may not.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error(`scheduler ${this.owner}: start() was already called`);
    const duplicates = [...new Set(this.names.filter((name, index) => this.names.indexOf(name) !== index))];
    if (duplicates.length > 0) throw new Error(`duplicate job names: ${duplicates.join(', ')}`);
    const now = this.clock.now();
    // Computed before touching the store, so an invalid cadence registers nothing.
    const firstRuns = this.specs.map((spec) => nextRunAfter(spec.cadence, now));
    for (const [index, spec] of this.specs.entries()) {
      const record = await this.store.ensureJob(spec.name, firstRuns[index] as EpochMs, now);
      this.byName.set(spec.name, spec);
      // Exactly `now` is on time, not missed. A run leased by a live owner is in progress elsewhere:
      // moving its next run would be overwritten when it finishes anyway.
      if (spec.missed === 'skip' && record.nextRunAt < now && !leasedAt(record, now)) {
        await this.store.rescheduleJob(spec.name, nextRunAfter(spec.cadence, now), now);
      }
    }
    this.started = true;
  }

  /**
   * The earliest time one of this scheduler's jobs can run, from the store, or null without jobs: its
   * next run, or just after the lease of a run in progress elsewhere, and never before now (an
   * overdue job runs now), so a backtest can `advanceTo` it without moving the clock back.
   */
  async nextDueAt(): Promise<EpochMs | null> {
    const records = await this.store.jobs(this.names);
    if (records.length === 0) return null;
    const now = this.clock.now();
    return Math.max(now, Math.min(...records.map(claimableFrom)));
  }

  /**
   * Claims and runs every job due at clock.now(), one after another in (nextRunAt, name) order; a job
   * that throws emits job_failed and never stops the others or the scheduler (unless `failFast`, for a
   * pass the caller runs in one transaction); finishJob sets the next
   * run to nextRunAfter(cadence, now) with `now` taken when the run ended, so a run longer than its
   * period is not followed by an immediate catch-up run. Returns how many ran.
   */
  runDue(options: RunDueOptions = {}): Promise<number> {
    const result = this.tail.then(() => this.runDueNow(options));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /**
   * Live loop: sleeps on the clock until the next due time (re-reading the store at least every
   * `pollMs`), runs due jobs, until stop(). Resolves when stopped; rejects if the store fails, so a
   * broken scheduler is loud (its supervisor restarts it, and the schedule survives in the store).
   */
  run(): Promise<void> {
    if (this.loop) return Promise.reject(new Error(`scheduler ${this.owner} is already running`));
    this.loop = this.loopUntilStopped();
    return this.loop;
  }

  /**
   * Idempotent: aborts the loop's sleep, signals the running job through its AbortSignal, waits for it
   * to return. A stopped scheduler stays stopped (runDue runs nothing); make a new one to resume.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    // The loop's own failure belongs to run()'s caller; stop() only waits for the work to end.
    await Promise.allSettled([this.loop ?? undefined, this.tail]);
  }

  private async loopUntilStopped(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      const ran = await this.runDue();
      if (signal.aborted) break;
      const next = await this.nextDueAt();
      const wait = next === null ? this.pollMs : Math.min(this.pollMs, next - this.clock.now());
      const pause = wait > 0 ? wait : ran === 0 ? Math.min(this.pollMs, IDLE_RETRY_MS) : 0;
      if (pause === 0) continue;
      try {
        await this.clock.sleep(pause, signal);
      } catch (error) {
        if (signal.aborted) break;
        throw error;
      }
    }
  }

  private async runDueNow(options: RunDueOptions): Promise<number> {
    if (!this.started) throw new Error(`scheduler ${this.owner}: call start() before runDue()`);
    const signal = this.stopping.signal;
    if (signal.aborted) return 0;
    const store = options.store ?? this.store;
    const dueAt = this.clock.now();
    const due = (await store.jobs(this.names))
      .filter((record) => record.nextRunAt <= dueAt)
      // Code-unit order for names, not localeCompare: the same order on every machine and locale.
      .sort((a, b) => a.nextRunAt - b.nextRunAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let ran = 0;
    for (const record of due) {
      if (signal.aborted) break;
      const spec = this.byName.get(record.name);
      if (!spec) continue;
      const startedAt = this.clock.now();
      // Claimed one at a time: empty when another scheduler ran it or holds a live lease on it.
      const [claimed] = await store.claimDueJobs([spec.name], this.owner, startedAt, this.leaseMs);
      if (!claimed) continue;
      await this.runClaimed(spec, startedAt, signal, store, options.failFast ?? false);
      ran++;
    }
    return ran;
  }

  private async runClaimed(
    spec: JobSpec,
    startedAt: EpochMs,
    signal: AbortSignal,
    store: Store,
    failFast: boolean,
  ): Promise<void> {
    this.emit({ type: 'job_started', job: spec.name, at: startedAt });
    const renewal = this.renewLeases ? this.keepLease(spec.name, store) : null;
    try {
      await spec.run(startedAt, signal, store);
      const at = this.clock.now();
      this.emit({ type: 'job_finished', job: spec.name, at, durationMs: at - startedAt });
    } catch (error) {
      this.emit({ type: 'job_failed', job: spec.name, at: this.clock.now(), error });
      if (failFast) throw error;
    } finally {
      if (renewal) clearInterval(renewal);
    }
    // A failed run is rescheduled like a finished one: retrying at once would hammer whatever failed,
    // and the next cadence time is when the job is meant to run anyway.
    const endedAt = this.clock.now();
    const kept = await store.finishJob(
      spec.name,
      this.owner,
      startedAt,
      nextRunAfter(spec.cadence, endedAt),
      endedAt,
    );
    if (!kept) this.emit({ type: 'lease_lost', job: spec.name, at: endedAt });
  }

  /** Extends a running job's lease every third of it; a refused extension shows as lease_lost at the end. */
  private keepLease(name: string, store: Store): ReturnType<typeof setInterval> {
    const timer = setInterval(() => {
      const now = this.clock.now();
      store.renewJobLease(name, this.owner, now + this.leaseMs, now).catch(() => undefined);
    }, this.leaseMs / 3);
    timer.unref();
    return timer;
  }

  private emit(event: SchedulerEvent): void {
    if (!this.onEvent) {
      // The scheduler this replaces failed silently; a failure nobody listens for still gets out.
      if (event.type === 'job_failed') {
        process.emitWarning(`scheduler ${this.owner}: job ${event.job} failed: ${String(event.error)}`);
      } else if (event.type === 'lease_lost') {
        process.emitWarning(
          `scheduler ${this.owner}: job ${event.job} outlived its lease and was taken over`,
        );
      }
      return;
    }
    try {
      this.onEvent(event);
    } catch (error) {
      // A broken listener must not stop the jobs, and must not vanish silently either.
      process.emitWarning(
        `scheduler ${this.owner}: the onEvent listener threw on ${event.type} of ${event.job}: ${String(error)}`,
      );
    }
  }
}

/** A run holds the job while its lease lasts; the store lets it be claimed once `lease_until < now`. */
function leasedAt(record: JobRecord, now: EpochMs): boolean {
  return record.leaseUntil !== null && record.leaseUntil >= now;
}

function claimableFrom(record: JobRecord): EpochMs {
  return record.leaseUntil === null ? record.nextRunAt : Math.max(record.nextRunAt, record.leaseUntil + 1);
}
