// The control-offset contract: a channel has no offset until its first save, an offset only moves
// forward, and channels keep their own — so a restarted bot reads on from where it answered, and a late
// write from a stopping one never sends its successor back to commands already answered.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Store } from '../domain/ports/store.ts';

const T = Date.UTC(2026, 11, 6, 16);

/** Cases run against an open store that no bot has used. */
export function controlOffsetContractCases(store: () => Store): void {
  it('keeps each channel’s offset, moving it forward only', async () => {
    assert.equal(await store().controlOffset('telegram:1'), null);
    assert.equal(await store().saveControlOffset('telegram:1', 42, T), 42);
    assert.equal(await store().saveControlOffset('telegram:1', 40, T + 1), 42, 'never back');
    assert.equal(await store().saveControlOffset('telegram:1', 9_000_000_001, T + 2), 9_000_000_001);
    assert.equal(await store().controlOffset('telegram:1'), 9_000_000_001);
    assert.equal(await store().controlOffset('telegram:2'), null, 'another bot starts from its own');
  });

  it('rolls an offset back with the transaction that moved it', async () => {
    await assert.rejects(
      store().transaction(async (tx) => {
        await tx.saveControlOffset('telegram:rollback', 7, T);
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await store().controlOffset('telegram:rollback'), null);
  });
}
