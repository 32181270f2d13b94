// A scan cycle fed by a real ccxt exchange pointed at the fake Binance server: when the exchange keeps
// failing, the cycle reports it and the heartbeat records the error; when it recovers, so does the cycle.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeBinance, pointAt } from '../../test/support/fake-exchange.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { errorKindOf } from '../domain/errors.ts';
import { variantId, type EpochMs } from '../domain/ids.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { Store } from '../domain/ports/store.ts';
import { CcxtCandleFeed, createCcxtExchange } from '../marketdata/ccxt-feed.ts';
import { MicroScanner } from '../scanners/micro/micro-scanner.ts';
import { POSTURES } from '../scanners/micro/postures.ts';
import { openStore } from '../store/open-store.ts';
import { runScanCycle } from './scan-cycle.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const V = variantId('live');
const FLAT_HOURS = Array.from({ length: 30 }, (_, i) => ({
  time: T0 + i * HOUR,
  open: 100,
  high: 101,
  low: 99,
  close: 100,
  volume: 1,
}));

/** Backoff waits are over at once; the cycle's `now` is given explicitly. */
const instantClock: Clock = {
  now: () => T0,
  setTimer: (_name, _at, fn) => {
    const timer = setImmediate(fn);
    return { cancel: () => clearImmediate(timer) };
  },
  sleep: () => Promise.resolve(),
};

describe('scan cycle on a live ccxt feed', () => {
  const dir = tempDir('sigil-live-');
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

  it('records an exchange that keeps failing on the heartbeat, then recovers', async () => {
    fake.setBars('BTCUSDT', FLAT_HOURS);
    const exchange = await createCcxtExchange('binance', { rateLimit: 1, timeout: 5_000 });
    pointAt(exchange, fake.baseUrl);
    const feed = new CcxtCandleFeed({
      exchange,
      symbols: ['BTC/USDT'],
      timeframe: '1h',
      clock: instantClock,
      since: T0,
      retry: { attempts: 3, baseDelayMs: 10 },
    });
    const scanner = new MicroScanner(V, POSTURES.baseline, HOUR);
    const cycle = (now: EpochMs) =>
      runScanCycle({
        store,
        scanner,
        variantId: V,
        symbols: ['BTC/USDT'],
        candles: () => feed.closedSince(now),
        now,
        intentExpiryHours: 4,
        claimTtlMinutes: 30,
      });

    fake.failNext('klines', { kind: 'status', status: 503 }, 100);
    const now = T0 + 30 * HOUR;
    const failure = await cycle(now).catch((error: unknown) => error);
    assert.equal(errorKindOf(failure), 'retryable');
    let beat = (await store.heartbeats()).find((h) => h.variantId === V);
    assert.deepEqual([beat?.lastScanStart, beat?.lastScanEnd], [now, now]);
    assert.match(beat?.lastError ?? '', /binance.*BTC\/USDT/);

    fake.reset();
    fake.setBars('BTCUSDT', FLAT_HOURS);
    const recovered = await cycle(now + HOUR);
    assert.deepEqual(recovered.signals, [], 'a flat market does not break out');
    beat = (await store.heartbeats()).find((h) => h.variantId === V);
    assert.deepEqual([beat?.lastScanEnd, beat?.lastError], [now + HOUR, null]);
  });
});
