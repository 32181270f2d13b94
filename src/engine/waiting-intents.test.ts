// The janitor's look for signals nobody decides: a variant whose oldest pending intent has waited past
// `pipeline.waiting_alert_minutes` is told, with how many wait; fresh, decided or switched-off ones are not.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../config/load-config.ts';
import { variantId, workerId, type EpochMs } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import { variantRuntimes } from '../app/engine-for.ts';
import { openStore } from '../store/open-store.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { MarketState } from './market-state.ts';
import { waitingIntents } from './waiting-intents.ts';

const MIN = 60_000;
const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
const config = parseConfig(
  `variants:
  split:
  patient:
    pipeline:
      waiting_alert_minutes: 0
`,
  'waiting.yaml',
);

describe('intents waiting for an analyst', () => {
  const dir = tempDir();
  let store: Store;
  before(async () => {
    ({ store } = await openStore(`sqlite:${join(dir.path, 'waiting.db')}`, { now: '2026-01-05T00:00:00Z' }));
  });
  after(async () => {
    await store.close();
    dir.remove();
  });

  const runtimes = () => variantRuntimes(config, config.variants, { store, market: new MarketState(MIN) });
  const signal = (variant: string, symbol: string, at: EpochMs) =>
    store.insertIntent({ variantId: variantId(variant), symbol, tradeDate: '2026-01-05' }, 'scanner', at);

  it('tells a variant whose oldest pending intent waited past the limit, with how many wait', async () => {
    await signal('split', 'BTCUSDT', T0);
    await signal('split', 'ETHUSDT', T0 + 10 * MIN);
    await signal('patient', 'BTCUSDT', T0);
    assert.deepEqual(await waitingIntents(store, runtimes(), T0 + 14 * MIN), [], 'within the 15 minutes');

    const late = await waitingIntents(store, runtimes(), T0 + 20 * MIN);
    assert.deepEqual(late, [
      {
        type: 'intents_waiting',
        at: T0 + 20 * MIN,
        variantId: 'split',
        pending: 2,
        oldestWaitMinutes: 20,
        alertAfterMinutes: 15,
      },
    ]);
  });

  it('stops telling once the old ones are decided', async () => {
    // An analyst claims the oldest: what is left waited 12 minutes.
    const claimed = await store.claimNextPending(workerId('analyst-1'), T0 + 22 * MIN, {
      variantId: variantId('split'),
    });
    assert.equal(claimed?.symbol, 'BTCUSDT');
    assert.deepEqual(await waitingIntents(store, runtimes(), T0 + 22 * MIN), []);
  });
});
