// The lease contract: every Store takes a free or lapsed lease, refuses a live one of another holder
// (all names or none), renews and releases only its own, and raises the fence when the holder changes.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { LeaseHolder } from '../domain/lease.ts';
import type { Store } from '../domain/ports/store.ts';

const T0 = Date.UTC(2026, 0, 5, 12);
const TTL = 15_000;

function holder(name: string): LeaseHolder {
  return { holder: name, host: 'test-host', pid: name.length, info: JSON.stringify({ who: name }) };
}

let round = 0;

/** Cases run against an open store; each uses lease names of its own. */
export function leaseContractCases(store: () => Store): void {
  const names = (...parts: string[]) => {
    round++;
    return parts.map((p) => `variant:${p}-${round}`);
  };

  it('takes a free lease with fence 1, and refuses it to another holder while it lives', async () => {
    const [a] = names('a');
    const first = await store().acquireLeases([a!], holder('p1'), T0, TTL);
    assert.deepEqual(first, { acquired: true, fences: new Map([[a!, 1]]) });
    const second = await store().acquireLeases([a!], holder('p2'), T0 + TTL, TTL);
    assert.equal(second.acquired, false);
    if (!second.acquired) {
      assert.deepEqual(
        { ...second.heldBy },
        { ...holder('p1'), name: a, since: T0, leaseUntil: T0 + TTL, fence: 1 },
      );
    }
  });

  it('takes all names or none', async () => {
    const [a, b] = names('a', 'b');
    await store().acquireLeases([b!], holder('p1'), T0, TTL);
    const refused = await store().acquireLeases([a!, b!], holder('p2'), T0 + 1, TTL);
    assert.equal(refused.acquired, false);
    assert.deepEqual(await store().leases([a!]), [], 'the name taken before the refused one was undone');
  });

  it('passes a lapsed lease to another holder with a higher fence; the old holder can no longer renew', async () => {
    const [a] = names('a');
    await store().acquireLeases([a!], holder('p1'), T0, TTL);
    const taken = await store().acquireLeases([a!], holder('p2'), T0 + TTL + 1, TTL);
    assert.deepEqual(taken, { acquired: true, fences: new Map([[a!, 2]]) });
    assert.equal(await store().renewLeases([a!], 'p1', T0 + TTL + 2, TTL), false);
    const [lease] = await store().leases([a!]);
    assert.deepEqual(
      [lease?.holder, lease?.since, lease?.leaseUntil],
      ['p2', T0 + TTL + 1, T0 + 2 * TTL + 1],
    );
  });

  it('renews its own live lease, keeping since and fence; re-acquiring its own lease changes neither', async () => {
    const [a] = names('a');
    await store().acquireLeases([a!], holder('p1'), T0, TTL);
    assert.equal(await store().renewLeases([a!], 'p1', T0 + 5_000, TTL), true);
    const again = await store().acquireLeases([a!], holder('p1'), T0 + 6_000, TTL);
    assert.deepEqual(again, { acquired: true, fences: new Map([[a!, 1]]) });
    const [lease] = await store().leases([a!]);
    assert.deepEqual([lease?.since, lease?.leaseUntil, lease?.fence], [T0, T0 + 6_000 + TTL, 1]);
    assert.equal(
      await store().renewLeases([a!], 'p1', T0 + 6_000 + TTL + 1, TTL),
      false,
      'lapsed: not renewed',
    );
  });

  it('a release frees the lease at once, only for its holder', async () => {
    const [a] = names('a');
    await store().acquireLeases([a!], holder('p1'), T0, TTL);
    await store().releaseLeases([a!], 'p2', T0 + 1);
    assert.equal((await store().acquireLeases([a!], holder('p2'), T0 + 2, TTL)).acquired, false);
    await store().releaseLeases([a!], 'p1', T0 + 3);
    assert.equal((await store().acquireLeases([a!], holder('p2'), T0 + 4, TTL)).acquired, true);
  });

  it("renews a running job's lease for its owner only, and frees job leases for a new owner", async () => {
    const job = `market-${++round}`;
    await store().ensureJob(job, T0, T0);
    const [claimed] = await store().claimDueJobs([job], 'dead', T0, 600_000);
    assert.equal(claimed?.owner, 'dead');
    assert.equal(await store().renewJobLease(job, 'dead', T0 + 900_000, T0 + 1), true, 'its owner renews');
    assert.equal(await store().renewJobLease(job, 'other', T0 + 900_000, T0 + 1), false);
    assert.equal((await store().jobs([job]))[0]?.leaseUntil, T0 + 900_000);
    await store().freeJobLeases([job], T0 + 1);
    const [free] = await store().jobs([job]);
    assert.deepEqual([free?.owner, free?.leaseUntil], [null, null]);
    assert.equal((await store().claimDueJobs([job], 'heir', T0 + 2, 600_000)).length, 1);
  });
}
