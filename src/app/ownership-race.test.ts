// Two owners of one variant are impossible, whatever the timing: two processes race for the same 100
// leases on SQLite and on PostgreSQL, each round is won exactly once, and the store names the winner.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runTs } from '../../test/support/child.ts';
import { STORE_TARGETS } from '../../test/support/store-targets.ts';
import { openStore } from '../store/open-store.ts';
import { wallNow } from '../clock/system-clock.ts';

const ROUNDS = 100;

for (const target of STORE_TARGETS) {
  describe(`racing two processes for a variant's lease: ${target.dialect}`, () => {
    let url: string;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ url, cleanup } = await target.create());
      const { store } = await openStore(url, { now: '2026-01-01T00:00:00Z' });
      await store.close();
    });
    after(() => cleanup());

    it(`gives each of ${ROUNDS} leases to exactly one of two processes started together`, async () => {
      // Both start their first attempt at the same moment, well after both have connected.
      const startAt = String(wallNow() + 2_500);
      const [a, b] = await Promise.all([
        runTs('lease-racer.ts', [url, 'racer-a', String(ROUNDS), startAt]),
        runTs('lease-racer.ts', [url, 'racer-b', String(ROUNDS), startAt]),
      ]);
      const wonByA = new Set(JSON.parse(a) as number[]);
      const wonByB = new Set(JSON.parse(b) as number[]);
      const both = [...wonByA].filter((round) => wonByB.has(round));
      assert.deepEqual(both, [], 'no lease was won by both');
      assert.equal(wonByA.size + wonByB.size, ROUNDS, 'every lease was won by one');
      const { store } = await openStore(url, { now: '2026-01-01T00:00:00Z' });
      try {
        const leases = await store.leases();
        for (let round = 0; round < ROUNDS; round++) {
          const lease = leases.find((l) => l.name === `variant:race-${round}`);
          assert.equal(lease?.holder, wonByA.has(round) ? 'racer-a' : 'racer-b', `round ${round}`);
          assert.equal(lease?.fence, 1);
        }
      } finally {
        await store.close();
      }
    });
  });
}
