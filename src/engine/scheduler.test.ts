// The persistent scheduler on both stores: jobs fire at simulated time, failures stay contained, the
// schedule survives a restart on a new connection, and schedulers sharing a store run each job once.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { SimClock } from '../clock/sim-clock.ts';
import { SystemClock } from '../clock/system-clock.ts';
import { variantId, type EpochMs } from '../domain/ids.ts';
import type { JobRecord } from '../domain/job.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { Store } from '../domain/ports/store.ts';
import { openStore } from '../store/open-store.ts';
import { STORE_TARGETS } from '../../test/support/store-targets.ts';
import { nextRunAfter, parseCadence, type Cadence } from './cadence.ts';
import { Scheduler, type JobSpec, type MissedRunPolicy, type SchedulerEvent } from './scheduler.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const MIGRATED_AT = '2026-01-05T00:00:00Z';

/** 2026-01-05 at the given UTC time. */
function at(hour: number, minute = 0, second = 0, ms = 0): EpochMs {
  return Date.UTC(2026, 0, 5, hour, minute, second, ms);
}

/** 'HH:MM:SS(.mmm)' of a time on the test day, so a failed assertion reads as a schedule. */
function hms(time: EpochMs): string {
  const text = new Date(time).toISOString().slice(11, 23);
  return text.endsWith('.000') ? text.slice(0, 8) : text;
}

const T0 = at(12, 5);

/** Scheduler processes sharing one database in the multi-process test. */
const PROCESSES = 3;

/**
 * Another process with its own connection and scheduler (the jobs sleep a few real milliseconds so the
 * processes' runs overlap). It registers the jobs, prints `ready`, waits for a line on stdin so all
 * start together, runs what is due at `now`, and prints the names it ran as JSON.
 */
const CHILD_SCRIPT = `
import { createInterface } from 'node:readline';
const { url, owner, now, names, modules } = JSON.parse(process.env.SIGIL_SCHEDULER_CHILD);
const { openStore } = await import(modules.store);
const { SimClock } = await import(modules.clock);
const { Scheduler } = await import(modules.scheduler);
const { store } = await openStore(url, { now: '2026-01-05T00:00:00Z', migrate: false, poolSize: 1 });
const ran = [];
const run = async (name) => { ran.push(name); await new Promise((resolve) => setTimeout(resolve, 3)); };
const jobs = names.map((name) => ({ name, cadence: { everyMs: 3600000 }, missed: 'run_once', run: () => run(name) }));
const scheduler = new Scheduler({ store, clock: new SimClock(now), owner, jobs });
await scheduler.start();
console.log('ready');
const lines = createInterface({ input: process.stdin });
await new Promise((resolve) => lines.once('line', resolve));
lines.close();
await scheduler.runDue();
await store.close();
console.log(JSON.stringify(ran));
`;

function spawnScheduler(config: { url: string; owner: string; now: EpochMs; names: readonly string[] }) {
  const modules = {
    store: new URL('../store/open-store.ts', import.meta.url).href,
    clock: new URL('../clock/sim-clock.ts', import.meta.url).href,
    scheduler: new URL('./scheduler.ts', import.meta.url).href,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD_SCRIPT], {
    env: { ...process.env, SIGIL_SCHEDULER_CHILD: JSON.stringify({ ...config, modules }) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`${config.owner} exited with ${code ?? signal}: ${err.trim()}`)),
    );
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.startsWith('ready\n')) resolve();
    });
    exited.then(() => reject(new Error(`${config.owner} exited before it was ready`)), reject);
  });
  return {
    ready,
    go: () => child.stdin.end('go\n'),
    ran: exited.then(() => JSON.parse(out.slice('ready\n'.length)) as string[]),
  };
}

/** Every run as 'name@HH:MM:SS', in the order the jobs ran. */
type RunLog = string[];

function job(
  name: string,
  cadence: Cadence,
  log: RunLog,
  options: { missed?: MissedRunPolicy; body?: JobSpec['run'] } = {},
): JobSpec {
  return {
    name,
    cadence,
    missed: options.missed ?? 'run_once',
    run: async (now, signal, store) => {
      log.push(`${name}@${hms(now)}`);
      await options.body?.(now, signal, store);
    },
  };
}

/** Gates not yet opened; afterEach opens them, so a failed assertion never leaves a job hanging. */
const gates: Array<() => void> = [];

/** A promise the test opens when it chooses: holds a job mid-run. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  gates.push(open);
  return { opened, open };
}

/** Waits in real time for a condition the scheduler's async work will make true. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 5_000) throw new Error(`timed out waiting until ${what}`);
    await delay(5);
  }
}

/** The backtest's way of driving a scheduler: jump to each due time, run what is due, up to `end`. */
async function drive(scheduler: Scheduler, clock: SimClock, end: EpochMs): Promise<void> {
  for (let t = await scheduler.nextDueAt(); t !== null && t <= end; t = await scheduler.nextDueAt()) {
    clock.advanceTo(t);
    await scheduler.runDue();
  }
  clock.advanceTo(end);
}

function row(records: readonly JobRecord[], name: string) {
  const record = records.find((r) => r.name === name);
  assert.ok(record, `no jobs row for ${name}`);
  return {
    lastRunAt: record.lastRunAt === null ? null : hms(record.lastRunAt),
    nextRunAt: hms(record.nextRunAt),
    owner: record.owner,
    leaseUntil: record.leaseUntil === null ? null : hms(record.leaseUntil),
  };
}

function idle(lastRunAt: string | null, nextRunAt: string) {
  return { lastRunAt, nextRunAt, owner: null, leaseUntil: null };
}

describe('cadence', () => {
  it('parses intervals into milliseconds and everything else as cron', () => {
    assert.deepEqual(parseCadence('10m'), { everyMs: 10 * MINUTE });
    assert.deepEqual(parseCadence('60s'), { everyMs: MINUTE });
    assert.deepEqual(parseCadence('1h'), { everyMs: HOUR });
    assert.deepEqual(parseCadence('500ms'), { everyMs: 500 });
    assert.deepEqual(parseCadence('1d'), { everyMs: 24 * HOUR });
    assert.deepEqual(parseCadence(' 15m '), { everyMs: 15 * MINUTE });
    assert.deepEqual(parseCadence('1 * * * *'), { cron: '1 * * * *' });
    assert.deepEqual(parseCadence('30 0 9 * * 1-5'), { cron: '30 0 9 * * 1-5' });
  });

  it('refuses invalid text with an error naming it', () => {
    for (const text of [
      'bogus',
      '10 minutes',
      '0m',
      '',
      '61 * * * *',
      '* * * * * * *',
      '0 0 30 2 *',
      '1.5h',
    ]) {
      assert.throws(
        () => parseCadence(text),
        (error: Error) => error.message.includes(`"${text}"`),
        `"${text}" should be refused`,
      );
    }
  });

  it('intervals land on multiples of the interval since the epoch, strictly after the given time', () => {
    assert.equal(hms(nextRunAfter({ everyMs: HOUR }, at(12, 34, 56, 789))), '13:00:00');
    assert.equal(hms(nextRunAfter({ everyMs: HOUR }, at(13))), '14:00:00', 'exactly on a run: the next one');
    assert.equal(hms(nextRunAfter({ everyMs: HOUR }, at(13) - 1)), '13:00:00');
    assert.equal(hms(nextRunAfter({ everyMs: 15 * MINUTE }, at(12, 5))), '12:15:00');
    assert.equal(hms(nextRunAfter({ everyMs: 500 }, at(12, 0, 0, 250))), '12:00:00.500');
    assert.equal(nextRunAfter({ everyMs: 7 * MINUTE }, at(12)) % (7 * MINUTE), 0);
    assert.equal(
      nextRunAfter({ everyMs: 24 * HOUR }, at(12)),
      Date.UTC(2026, 0, 6),
      'days start at UTC midnight',
    );
    assert.throws(() => nextRunAfter({ everyMs: 0 }, at(12)), /positive/);
  });

  it('cron runs in UTC, strictly after the given time', () => {
    const minuteOne = parseCadence('1 * * * *');
    assert.equal(hms(nextRunAfter(minuteOne, at(12, 30))), '13:01:00');
    assert.equal(hms(nextRunAfter(minuteOne, at(12, 0, 30))), '12:01:00');
    assert.equal(hms(nextRunAfter(minuteOne, at(13, 1))), '14:01:00', 'exactly on a run: the next one');
    assert.equal(hms(nextRunAfter(minuteOne, at(13, 1, 0, 500))), '14:01:00');
    // In July a local-time zone would be in summer time; UTC has none.
    const nineAm = parseCadence('0 9 * * *');
    assert.equal(nextRunAfter(nineAm, Date.UTC(2026, 6, 1, 8)), Date.UTC(2026, 6, 1, 9));
    assert.equal(
      hms(nextRunAfter(parseCadence('30 * * * * *'), at(12, 0, 30))),
      '12:01:30',
      'six fields: seconds',
    );
  });
});

for (const target of STORE_TARGETS) {
  describe(`scheduler: ${target.dialect}`, () => {
    let db: { url: string; cleanup(): Promise<void> };
    let stores: Store[];
    let schedulers: Scheduler[];

    beforeEach(async () => {
      db = await target.create();
      stores = [];
      schedulers = [];
    });
    afterEach(async () => {
      for (const open of gates.splice(0)) open();
      for (const scheduler of schedulers) await scheduler.stop();
      for (const store of stores) await store.close();
      await db.cleanup();
    });

    /** A new connection to the test's database, as another process (or a restarted one) would open. */
    async function connect(): Promise<Store> {
      const { store } = await openStore(db.url, { now: MIGRATED_AT });
      stores.push(store);
      return store;
    }

    function scheduler(
      store: Store,
      clock: Clock,
      jobs: readonly JobSpec[],
      options: {
        owner?: string;
        leaseMs?: number;
        pollMs?: number;
        events?: SchedulerEvent[];
        renewLeases?: boolean;
      } = {},
    ): Scheduler {
      const created = new Scheduler({
        store,
        clock,
        owner: options.owner ?? 'test-owner',
        jobs,
        ...(options.renewLeases ? { renewLeases: true } : {}),
        ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
        ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
        onEvent: (event) => options.events?.push(event),
      });
      schedulers.push(created);
      return created;
    }

    it('fires jobs at simulated time in (next run, name) order and records them in the jobs table', async () => {
      const store = await connect();
      const clock = new SimClock(T0);
      const log: RunLog = [];
      const events: SchedulerEvent[] = [];
      const seen: EpochMs[] = [];
      const s = scheduler(
        store,
        clock,
        [
          job('quarter', { everyMs: 15 * MINUTE }, log),
          job('hourly', parseCadence('1h'), log, { body: async (now) => void seen.push(now - clock.now()) }),
          job('minute-one', parseCadence('1 * * * *'), log),
        ],
        { events },
      );
      await s.start();
      assert.deepEqual(row(await store.jobs(['hourly']), 'hourly'), idle(null, '13:00:00'));
      assert.equal(await s.nextDueAt(), at(12, 15));

      await drive(s, clock, at(13, 30));
      assert.deepEqual(log, [
        'quarter@12:15:00',
        'quarter@12:30:00',
        'quarter@12:45:00',
        'hourly@13:00:00',
        'quarter@13:00:00',
        'minute-one@13:01:00',
        'quarter@13:15:00',
        'quarter@13:30:00',
      ]);
      assert.deepEqual(seen, [0], 'a job gets the clock time it runs at');

      const rows = await store.jobs();
      assert.deepEqual(row(rows, 'hourly'), idle('13:00:00', '14:00:00'));
      assert.deepEqual(row(rows, 'quarter'), idle('13:30:00', '13:45:00'));
      assert.deepEqual(row(rows, 'minute-one'), idle('13:01:00', '14:01:00'));
      assert.equal(await s.nextDueAt(), at(13, 45));

      assert.equal(events.filter((e) => e.type === 'job_started').length, 8);
      assert.deepEqual(
        events.find((e) => e.type === 'job_finished' && e.job === 'hourly'),
        {
          type: 'job_finished',
          job: 'hourly',
          at: at(13),
          durationMs: 0,
        },
      );
      assert.equal(await s.runDue(), 0, 'nothing is due between runs');
    });

    it('a failing job emits job_failed, the others still run, and it is rescheduled normally', async () => {
      const store = await connect();
      const clock = new SimClock(T0);
      const log: RunLog = [];
      const events: SchedulerEvent[] = [];
      const boom = new Error('boom');
      const s = scheduler(
        store,
        clock,
        [
          job('a-fails', { everyMs: HOUR }, log, { body: () => Promise.reject(boom) }),
          {
            name: 'b-throws-synchronously',
            cadence: { everyMs: HOUR },
            missed: 'run_once',
            run: () => {
              throw new Error('sync');
            },
          },
          job('c-works', { everyMs: HOUR }, log),
        ],
        { events },
      );
      await s.start();
      clock.advanceTo(at(13));
      assert.equal(await s.runDue(), 3);
      assert.deepEqual(log, ['a-fails@13:00:00', 'c-works@13:00:00']);
      assert.deepEqual(
        events.map((e) => `${e.type}:${e.job}`),
        [
          'job_started:a-fails',
          'job_failed:a-fails',
          'job_started:b-throws-synchronously',
          'job_failed:b-throws-synchronously',
          'job_started:c-works',
          'job_finished:c-works',
        ],
      );
      assert.deepEqual(events[1], { type: 'job_failed', job: 'a-fails', at: at(13), error: boom });
      assert.match(String((events[3] as Extract<SchedulerEvent, { type: 'job_failed' }>).error), /sync/);

      const rows = await store.jobs();
      assert.deepEqual(row(rows, 'a-fails'), idle('13:00:00', '14:00:00'));
      assert.deepEqual(row(rows, 'b-throws-synchronously'), idle('13:00:00', '14:00:00'));
      clock.advanceTo(at(14));
      assert.equal(await s.runDue(), 3, 'the failing jobs run again at their next time');
    });

    it('a pass run in one transaction commits the jobs and their bookkeeping together; failFast rolls it all back', async () => {
      const store = await connect();
      const clock = new SimClock(T0);
      const log: RunLog = [];
      const events: SchedulerEvent[] = [];
      let failing = true;
      const boom = new Error('boom');
      // Each job writes through the store it is given: a heartbeat row stands for a bar's work.
      const writes =
        (name: string): JobSpec['run'] =>
        async (now, _signal, tx) => {
          await tx.recordScanStart(variantId(name), now);
          if (name === 'b-fails' && failing) throw boom;
        };
      const s = scheduler(
        store,
        clock,
        [
          job('a-writes', { everyMs: HOUR }, log, { body: writes('a-writes') }),
          job('b-fails', { everyMs: HOUR }, log, { body: writes('b-fails') }),
        ],
        { events },
      );
      await s.start();
      clock.advanceTo(at(13));
      await assert.rejects(
        store.transaction((tx) => s.runDue({ store: tx, failFast: true })),
        (error) => error === boom,
      );
      assert.deepEqual(await store.heartbeats(), [], "the first job's write rolled back with the failure");
      assert.deepEqual(row(await store.jobs(), 'a-writes'), idle(null, '13:00:00'), 'still due, not claimed');
      assert.deepEqual(
        events.map((e) => `${e.type}:${e.job}`),
        ['job_started:a-writes', 'job_finished:a-writes', 'job_started:b-fails', 'job_failed:b-fails'],
      );

      failing = false;
      assert.equal(await store.transaction((tx) => s.runDue({ store: tx, failFast: true })), 2);
      assert.deepEqual(
        (await store.heartbeats()).map((h) => h.variantId),
        ['a-writes', 'b-fails'],
      );
      const rows = await store.jobs();
      assert.deepEqual(row(rows, 'a-writes'), idle('13:00:00', '14:00:00'));
      assert.deepEqual(row(rows, 'b-fails'), idle('13:00:00', '14:00:00'));
    });

    it('survives a restart on a new connection: run_once catches up once, skip waits for the next time', async () => {
      const clock = new SimClock(T0);
      const first: RunLog = [];
      const jobsLoggingTo = (log: RunLog) => [
        job('catch-up', { everyMs: HOUR }, log, { missed: 'run_once' }),
        job('skipper', { everyMs: HOUR }, log, { missed: 'skip' }),
      ];
      const before = await connect();
      const s1 = scheduler(before, clock, jobsLoggingTo(first), { owner: 'process-1' });
      await s1.start();
      clock.advanceTo(at(13));
      assert.equal(await s1.runDue(), 2);
      await s1.stop();
      await before.close();
      stores = stores.filter((store) => store !== before);

      // Down from 13:00 to 18:30: the runs of 14:00 to 18:00 (five periods) were missed.
      clock.advanceTo(at(18, 30));
      const after = await connect();
      const second: RunLog = [];
      const s2 = scheduler(after, clock, jobsLoggingTo(second), { owner: 'process-2' });
      await s2.start();
      assert.equal(await s2.nextDueAt(), at(18, 30), 'the missed run_once job is due now');
      assert.equal(await s2.runDue(), 1);
      assert.equal(await s2.runDue(), 0);
      assert.deepEqual(second, ['catch-up@18:30:00']);
      const rows = await after.jobs();
      assert.deepEqual(row(rows, 'catch-up'), idle('18:30:00', '19:00:00'));
      assert.deepEqual(row(rows, 'skipper'), idle('13:00:00', '19:00:00'));

      await drive(s2, clock, at(19));
      assert.deepEqual(second, ['catch-up@18:30:00', 'catch-up@19:00:00', 'skipper@19:00:00']);
    });

    it('two schedulers sharing the store run each due job exactly once in total', async () => {
      const clock = new SimClock(T0);
      const log: RunLog = [];
      const held = gate();
      const j1Running = gate();
      let holdAlphaOnce = true;
      const specs = (owner: string): JobSpec[] =>
        ['j1', 'j2', 'j3'].map((name) =>
          job(name, { everyMs: HOUR }, log, {
            body: async () => {
              log.push(`  by ${owner}`);
              if (name === 'j1' && owner === 'alpha' && holdAlphaOnce) {
                holdAlphaOnce = false;
                j1Running.open();
                await held.opened;
              }
            },
          }),
        );
      const alpha = scheduler(await connect(), clock, specs('alpha'), { owner: 'alpha' });
      const beta = scheduler(await connect(), clock, specs('beta'), { owner: 'beta' });
      await alpha.start();
      await beta.start();

      // In one process the two connections take turns (two SQLite connections racing in one process
      // would block its event loop on the file lock; real processes race in the next test).
      // Alpha holds j1 mid-run while beta runs: beta leaves the leased j1 alone and takes j2 and j3, which
      // alpha, when it goes on, finds already done.
      clock.advanceTo(at(13));
      const alphaRan = alpha.runDue();
      await j1Running.opened;
      assert.equal(await beta.runDue(), 2);
      held.open();
      assert.equal(await alphaRan, 1);
      assert.deepEqual(log, [
        'j1@13:00:00',
        '  by alpha',
        'j2@13:00:00',
        '  by beta',
        'j3@13:00:00',
        '  by beta',
      ]);

      // The second to look finds nothing left to do.
      log.length = 0;
      clock.advanceTo(at(14));
      assert.equal(await alpha.runDue(), 3);
      assert.equal(await beta.runDue(), 0);
      const rows = await (stores[0] as Store).jobs();
      for (const name of ['j1', 'j2', 'j3']) assert.deepEqual(row(rows, name), idle('14:00:00', '15:00:00'));
    });

    it(`${PROCESSES} scheduler processes released at the same simulated time run each due job once in total`, async () => {
      const store = await connect();
      const names = Array.from({ length: 40 }, (_, i) => `job-${String(i).padStart(2, '0')}`);
      await scheduler(
        store,
        new SimClock(T0),
        names.map((name) => job(name, { everyMs: HOUR }, [])),
      ).start();
      const children = Array.from({ length: PROCESSES }, (_, i) =>
        spawnScheduler({ url: db.url, owner: `process-${i}`, now: at(13), names }),
      );
      await Promise.all(children.map((child) => child.ready));
      for (const child of children) child.go();
      const ranBy = await Promise.all(children.map((child) => child.ran));
      const all = ranBy.flat();
      assert.deepEqual([...all].sort(), names, 'every job ran, none twice');
      const rows = await store.jobs();
      for (const name of names) assert.deepEqual(row(rows, name), idle('13:00:00', '14:00:00'));
    });

    it('a job leased by a live owner is not taken; after its lease passes another owner takes it over', async () => {
      const clock = new SimClock(T0);
      const log: RunLog = [];
      const held = gate();
      const slowRunning = gate();
      const alphaEvents: SchedulerEvent[] = [];
      const alpha = scheduler(
        await connect(),
        clock,
        [
          job('slow', { everyMs: HOUR }, log, {
            body: async () => {
              slowRunning.open();
              await held.opened;
            },
          }),
        ],
        { owner: 'alpha', leaseMs: 5 * MINUTE, events: alphaEvents },
      );
      const betaStore = await connect();
      const beta = scheduler(betaStore, clock, [job('slow', { everyMs: HOUR }, log)], { owner: 'beta' });
      await alpha.start();
      await beta.start();

      clock.advanceTo(at(13));
      const alphaRan = alpha.runDue();
      await slowRunning.opened;
      assert.deepEqual(row(await betaStore.jobs(), 'slow'), {
        lastRunAt: null,
        nextRunAt: '13:00:00',
        owner: 'alpha',
        leaseUntil: '13:05:00',
      });
      assert.equal(await beta.runDue(), 0, 'alpha holds a live lease');
      assert.equal(await beta.nextDueAt(), at(13, 5, 0, 1), 'beta may take it just after the lease');
      clock.advanceTo(at(13, 5));
      assert.equal(await beta.runDue(), 0, 'the lease lasts through its last millisecond');

      // Alpha looks dead (its run outlived the lease): beta takes the job over.
      clock.advanceTo(at(13, 5, 0, 1));
      assert.equal(await beta.runDue(), 1);
      assert.deepEqual(row(await betaStore.jobs(), 'slow'), idle('13:05:00.001', '14:00:00'));

      held.open();
      assert.equal(await alphaRan, 1);
      assert.deepEqual(
        alphaEvents.map((e) => e.type),
        ['job_started', 'job_finished', 'lease_lost'],
      );
      assert.deepEqual(
        row(await betaStore.jobs(), 'slow'),
        idle('13:05:00.001', '14:00:00'),
        "the late owner's finish does not overwrite the new owner's",
      );
    });

    it('a long run that renews its lease keeps its job past the first lease end', async () => {
      const clock = new SimClock(T0);
      const log: RunLog = [];
      const held = gate();
      const slowRunning = gate();
      const alphaEvents: SchedulerEvent[] = [];
      const alpha = scheduler(
        await connect(),
        clock,
        [
          job('slow', { everyMs: HOUR }, log, {
            body: async () => {
              slowRunning.open();
              await held.opened;
            },
          }),
        ],
        // Renewed every 100 ms of wall time, each time to the clock's now + 300 ms.
        { owner: 'alpha', leaseMs: 300, events: alphaEvents, renewLeases: true },
      );
      const betaStore = await connect();
      const beta = scheduler(betaStore, clock, [job('slow', { everyMs: HOUR }, log)], { owner: 'beta' });
      await alpha.start();
      await beta.start();

      clock.advanceTo(at(13));
      const alphaRan = alpha.runDue();
      await slowRunning.opened;
      clock.advanceTo(at(13, 0, 0, 250));
      await delay(250);
      assert.ok((row(await betaStore.jobs(), 'slow').leaseUntil ?? '') >= '13:00:00.550', 'renewed');
      clock.advanceTo(at(13, 0, 0, 400));
      assert.equal(await beta.runDue(), 0, 'past the first lease end, alpha still holds the job');
      held.open();
      assert.equal(await alphaRan, 1);
      assert.deepEqual(
        alphaEvents.map((e) => e.type),
        ['job_started', 'job_finished'],
        'no lease lost',
      );
    });

    it('stop() is idempotent, aborts the running job and waits for it to return', async () => {
      const store = await connect();
      const clock = new SimClock(T0);
      const running = gate();
      let sawAbort = false;
      let returned = false;
      const events: SchedulerEvent[] = [];
      const s = scheduler(
        store,
        clock,
        [
          job('waits-for-stop', { everyMs: HOUR }, [], {
            body: async (_now, signal) => {
              running.open();
              await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
              sawAbort = signal.aborted;
              await delay(20);
              returned = true;
            },
          }),
          job('z-never-starts', { everyMs: HOUR }, []),
        ],
        { events },
      );
      await s.start();
      clock.advanceTo(at(13));
      const ran = s.runDue();
      await running.opened;
      await Promise.all([s.stop(), s.stop()]);
      assert.ok(sawAbort, 'the job saw its signal abort');
      assert.ok(returned, 'stop() waited for the job to return');
      assert.equal(await ran, 1, 'no job starts once stopping');
      await s.stop();
      assert.equal(await s.runDue(), 0, 'a stopped scheduler stays stopped');
      assert.deepEqual(
        events.map((e) => `${e.type}:${e.job}`),
        ['job_started:waits-for-stop', 'job_finished:waits-for-stop'],
      );
      const rows = await store.jobs();
      assert.deepEqual(row(rows, 'waits-for-stop'), idle('13:00:00', '14:00:00'));
      assert.deepEqual(row(rows, 'z-never-starts'), idle(null, '13:00:00'));
    });

    it('a job that throws on abort is reported as failed and its lease released', async () => {
      const store = await connect();
      const clock = new SimClock(T0);
      const running = gate();
      const events: SchedulerEvent[] = [];
      const s = scheduler(
        store,
        clock,
        [
          job('aborts', { everyMs: HOUR }, [], {
            body: async (_now, signal) => {
              running.open();
              await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
              signal.throwIfAborted();
            },
          }),
        ],
        { events },
      );
      await s.start();
      clock.advanceTo(at(13));
      const ran = s.runDue();
      await running.opened;
      await s.stop();
      assert.equal(await ran, 1);
      const failed = events.find((e) => e.type === 'job_failed');
      assert.equal((failed as { error: Error } | undefined)?.error.name, 'AbortError');
      assert.deepEqual(row(await store.jobs(), 'aborts'), idle('13:00:00', '14:00:00'));
    });

    it('start() rejects duplicate job names and registers nothing', async () => {
      const store = await connect();
      const s = scheduler(store, new SimClock(T0), [
        job('same', { everyMs: HOUR }, []),
        job('other', { everyMs: HOUR }, []),
        job('same', { everyMs: MINUTE }, []),
      ]);
      await assert.rejects(s.start(), /duplicate job names: same/);
      assert.deepEqual(await store.jobs(), []);
    });

    it('failures never vanish: without a listener, or with one that throws, they become process warnings', async () => {
      const store = await connect();
      const clock = new SimClock(T0);
      const warnings: string[] = [];
      const onWarning = (warning: Error) => warnings.push(warning.message);
      process.on('warning', onWarning);
      try {
        const log: RunLog = [];
        const failing = job('fails', { everyMs: HOUR }, log, {
          body: () => Promise.reject(new Error('boom')),
        });
        const silent = new Scheduler({ store, clock, owner: 'no-listener', jobs: [failing] });
        const broken = new Scheduler({
          store,
          clock,
          owner: 'broken-listener',
          jobs: [job('works', { everyMs: HOUR }, log)],
          onEvent: () => {
            throw new Error('listener bug');
          },
        });
        await silent.start();
        await broken.start();
        clock.advanceTo(at(13));
        assert.equal(await silent.runDue(), 1);
        assert.equal(await broken.runDue(), 1, 'a throwing listener does not stop the job');
        assert.deepEqual(log, ['fails@13:00:00', 'works@13:00:00']);
        assert.deepEqual(row(await store.jobs(), 'works'), idle('13:00:00', '14:00:00'));
        await delay(0); // warnings are emitted on the next tick
        assert.ok(
          warnings.some((w) => w.includes('job fails failed: Error: boom')),
          warnings.join('\n'),
        );
        assert.ok(
          warnings.some((w) => w.includes('listener threw on job_finished of works')),
          warnings.join('\n'),
        );
      } finally {
        process.off('warning', onWarning);
      }
    });

    it('run() on SimClock sleeps until the due time and re-reads the store every pollMs', async () => {
      const store = await connect();
      const other = await connect();
      const clock = new SimClock(T0);
      const log: RunLog = [];
      const s = scheduler(store, clock, [job('tick', { everyMs: HOUR }, log)], { pollMs: 10 * MINUTE });
      await s.start();
      const loop = s.run();
      await until(() => clock.pendingTimers() === 1, 'the loop sleeps');

      // Another process moves the job to 12:20, before the loop's 13:00: the 12:15 poll finds it.
      await other.rescheduleJob('tick', at(12, 20), clock.now());
      clock.advanceTo(at(12, 15));
      await until(() => clock.pendingTimers() === 1, 'the loop sleeps again after its poll');
      assert.deepEqual(log, []);
      clock.advanceTo(at(12, 20));
      await until(() => log.length === 1, 'the job ran');
      assert.deepEqual(log, ['tick@12:20:00']);

      await s.stop();
      await loop;
      assert.deepEqual(row(await store.jobs(), 'tick'), idle('12:20:00', '13:00:00'));
    });

    it('run() with SystemClock fires jobs live and returns after stop()', async () => {
      const store = await connect();
      const clock = new SystemClock();
      const events: SchedulerEvent[] = [];
      const s = scheduler(
        store,
        clock,
        [job('fast', { everyMs: 40 }, []), job('slow', { everyMs: HOUR }, [])],
        { events, owner: 'live' },
      );
      await s.start();
      const loop = s.run();
      await until(
        () => events.filter((e) => e.type === 'job_finished').length >= 2,
        'the fast job ran twice',
      );
      const stopAsked = performance.now();
      await s.stop();
      await loop;
      assert.ok(performance.now() - stopAsked < 1_000, 'stop() cuts the 30 s poll sleep short');
      assert.ok(!events.some((e) => e.type === 'job_failed'));
      const fast = (await store.jobs(['fast']))[0] as JobRecord;
      assert.notEqual(fast.lastRunAt, null);
      assert.equal(fast.nextRunAt % 40, 0, 'live runs stay on the 40 ms grid');
      assert.equal(fast.owner, null);
    });
  });
}
