// The store under several real processes: concurrent claimers, a claimant killed with SIGKILL, and two
// processes migrating one empty database at the same moment. Both dialects.
import assert from 'node:assert/strict';
import { PLAIN_BUY } from '../../test/support/decision-fixture.ts';
import { describe, it } from 'node:test';
import { collect, firstLine, runTs, spawnTs } from '../../test/support/child.ts';
import { wallNow } from '../clock/system-clock.ts';
import { STORE_TARGETS } from '../../test/support/store-targets.ts';
import { variantId, workerId, type EpochMs } from '../domain/ids.ts';
import { markReadyForExec } from '../domain/intent-commands.ts';
import type { NewIntent } from '../domain/intent.ts';
import { loadMigrations } from './migrator.ts';
import { openStore } from './open-store.ts';

const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
const MIGRATED_AT = '2026-01-05T00:00:00Z';
const CLAIMERS = { sqlite: 4, postgres: 8 } as const;
const INTENTS = 5_000;

function intents(count: number, prefix: string): NewIntent[] {
  return Array.from({ length: count }, (_, i) => ({
    variantId: variantId('baseline'),
    symbol: `${prefix}${i}`,
    tradeDate: '2026-01-05',
    claimTtlMinutes: 5,
  }));
}

for (const target of STORE_TARGETS) {
  describe(`${target.dialect}: several processes`, () => {
    it(`${CLAIMERS[target.dialect]} claimer processes over ${INTENTS} intents claim each exactly once`, async () => {
      const db = await target.create();
      const { store } = await openStore(db.url, { now: MIGRATED_AT });
      try {
        for (let i = 0; i < INTENTS; i += 500)
          await store.insertIntents(intents(500, `S${i}-`), 'scanner', T0);
        // They begin together, well after all have connected: one that connected first on a busy
        // machine would otherwise drain the queue alone.
        const startAt = String(wallNow() + 2_500);
        const outputs = await Promise.all(
          Array.from({ length: CLAIMERS[target.dialect] }, (_, i) =>
            runTs('claim-worker.ts', ['drain', db.url, `claimer-${i}`, '0', String(T0), startAt]),
          ),
        );
        const perWorker = outputs.map((out) => JSON.parse(out) as string[]);
        const all = perWorker.flat();
        assert.equal(all.length, INTENTS, 'every intent claimed');
        assert.equal(new Set(all).size, INTENTS, 'no intent claimed twice');
        assert.equal(perWorker.filter((ids) => ids.length > 0).length > 1, true, 'the work was shared');
        const counts = await store.countByStatus();
        assert.deepEqual(
          counts.map((c) => [c.status, c.count]),
          [['ready_for_exec', INTENTS]],
        );
        const sample = (await store.decisionRecords(all[0] as never)).map((r) => r.event);
        assert.deepEqual(sample, ['create', 'claim', 'decide_trade']);
      } finally {
        await store.close();
        await db.cleanup();
      }
    });

    it('recycles the claims of a SIGKILLed claimant after the TTL; another worker completes them once', async () => {
      const db = await target.create();
      const { store } = await openStore(db.url, { now: MIGRATED_AT });
      try {
        await store.insertIntents(intents(40, 'K'), 'scanner', T0);
        const doomed = spawnTs('claim-worker.ts', ['hold', db.url, 'doomed', '25', String(T0)]);
        const held = JSON.parse(await firstLine(doomed)) as string[];
        assert.equal(held.length, 25);
        doomed.kill('SIGKILL');
        await new Promise((resolve) => doomed.once('exit', resolve));

        // Before the 5-minute lease ends the janitor leaves them alone; after it, they go back to pending.
        assert.equal((await store.recycleExpiredClaims(T0 + 4 * 60_000, { maxAttempts: 3 })).timedOut, 0);
        const recycled = await store.recycleExpiredClaims(T0 + 6 * 60_000, { maxAttempts: 3 });
        assert.deepEqual(recycled, { timedOut: 25, requeued: 25, abandoned: 0 });

        const survivor = workerId('survivor');
        const finished = await collect(
          spawnTs('claim-worker.ts', ['drain', db.url, survivor, '0', String(T0 + 7 * 60_000)]),
        );
        const done = JSON.parse(finished) as string[];
        assert.equal(done.length, 40, 'the survivor completed the 25 recycled and the 15 untouched intents');
        assert.equal(new Set(done).size, 40);
        for (const id of held) {
          const records = await store.decisionRecords(id as never);
          assert.deepEqual(
            records.map((r) => [r.event, r.actor]),
            [
              ['create', 'scanner'],
              ['claim', 'doomed'],
              ['lease_expired', 'janitor'],
              ['requeue', 'janitor'],
              ['claim', 'survivor'],
              ['decide_trade', 'survivor'],
            ],
          );
        }
        // The dead worker's late write, had it woken up, would be fenced out.
        await assert.rejects(
          markReadyForExec(store, held[0] as never, workerId('doomed'), PLAIN_BUY, T0 + 8 * 60_000),
        );
      } finally {
        await store.close();
        await db.cleanup();
      }
    });

    it('two processes migrating one empty database at the same moment both succeed, once', async () => {
      const db = await target.create();
      try {
        const startAt = String(Math.round(performance.timeOrigin + performance.now() + 1_500));
        const results = (
          await Promise.all([
            runTs('migrate-child.ts', [db.url, startAt]),
            runTs('migrate-child.ts', [db.url, startAt]),
          ])
        ).map((out) => JSON.parse(out) as { applied: number[]; version: number });
        const known = loadMigrations(target.dialect).map((m) => m.id);
        assert.ok(known.length >= 2);
        assert.deepEqual(
          results.map((r) => r.version),
          [known.length, known.length],
        );
        assert.deepEqual(
          results.flatMap((r) => r.applied).sort((a, b) => a - b),
          known,
          'each migration applied by exactly one process',
        );
        const { store } = await openStore(db.url, { now: MIGRATED_AT, migrate: false });
        assert.deepEqual(await store.countByStatus(), []);
        await store.close();
      } finally {
        await db.cleanup();
      }
    });
  });
}
