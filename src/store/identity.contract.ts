// The identity contract: every Store holds no identity until the first run claims one, keeps that first
// one for its life, and hands it back exactly as written.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Store } from '../domain/ports/store.ts';
import type { StoreIdentity } from '../domain/store-identity.ts';

const REPLAY: StoreIdentity = {
  kind: 'replay',
  configVersion: 'abc123def456',
  configFile: '/etc/sigil/a.yaml',
  from: Date.UTC(2021, 3, 1),
  to: Date.UTC(2021, 5, 1),
  createdAt: Date.UTC(2026, 11, 6, 15),
};

/** Cases run against an open store that no run has used. */
export function identityContractCases(store: () => Store): void {
  it('keeps the first identity claimed and refuses to change it', async () => {
    assert.equal(await store().storeIdentity(), null);
    assert.deepEqual(await store().claimStoreIdentity(REPLAY), REPLAY);
    const live: StoreIdentity = { ...REPLAY, kind: 'live', configFile: null, from: null, to: null };
    assert.deepEqual(await store().claimStoreIdentity(live), REPLAY);
    assert.deepEqual(await store().storeIdentity(), REPLAY);
  });
}
