// A strategy that declares shorts, on a spot exchange account (which cannot sell short), is refused at
// the live start with the variant and the reason named — before any order could be refused one by one.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SimClock } from '../clock/sim-clock.ts';
import { ConfigError } from '../config/config-error.ts';
import { parseConfig } from '../config/load-config.ts';
import type { Store } from '../domain/ports/store.ts';
import { openStore } from '../store/open-store.ts';
import { FakeBinance } from '../../test/support/fake-exchange.ts';
import { liveExchange } from '../../test/support/live-exchange.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { startLive } from './live-bot.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/strategies/', import.meta.url));

describe('a short-selling strategy on a spot account', () => {
  const dir = tempDir('sigil-live-shorts-');
  let fake: FakeBinance;
  let store: Store;
  before(async () => {
    fake = await FakeBinance.start();
    ({ store } = await openStore(`sqlite:${join(dir.path, 'live.db')}`, { now: '2024-01-01T00:00:00Z' }));
  });
  after(async () => {
    await store.close();
    await fake.close();
    dir.remove();
  });

  it('is refused at start, naming the variant, the strategy and the account', async () => {
    const config = parseConfig(
      `market:
  symbols: [BTC/USDT]
  exchange: binance
  exchange_url: ${fake.baseUrl}
scanner:
  module: ./fx-fade.ts
broker:
  kind: ccxt
  url: ${fake.baseUrl}
variants:
  fader:
`,
      join(EXAMPLES, 'spot-shorts.yaml'),
    );
    const env = { SIGIL_EXCHANGE_API_KEY: 'key', SIGIL_EXCHANGE_SECRET: 'secret' };
    await assert.rejects(
      startLive({
        store,
        config,
        variants: config.variants,
        exchange: await liveExchange(config),
        clock: new SimClock(Date.UTC(2024, 0, 8)),
        env,
      }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.match(
          error.message,
          /variants\.fader\.broker: the strategy fx-fade enters short, and .* cannot sell short \(a spot account\)/,
        );
        return true;
      },
    );
    assert.deepEqual(await store.openPositions(), []);
  });
});
