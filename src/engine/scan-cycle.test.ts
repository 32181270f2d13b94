// The micro-scanner through a scan cycle on a real SQLite store: a scripted breakout fires once, not
// again while the position is open or the cooldown lasts, and again after; heartbeats every cycle.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../../test/support/temp-dir.ts';
import type { Candle } from '../domain/candle.ts';
import { positionId, variantId } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import { loadCandles } from '../marketdata/candle-directory.ts';
import { ReplayFeed } from '../marketdata/replay-feed.ts';
import { MicroScanner } from '../scanners/micro/micro-scanner.ts';
import { POSTURES } from '../scanners/micro/postures.ts';
import { RankingCycleScanner } from '../scanners/ranking/ranking-cycle-scanner.ts';
import { openStore } from '../store/open-store.ts';
import { runScanCycle } from './scan-cycle.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 5);
const V = variantId('baseline');

/** 20 quiet bars in a 99–101 range, then whatever closes follow. */
function path(closes: number[]): Candle[] {
  const quiet = Array.from({ length: 20 }, () => 100);
  return [...quiet, ...closes].map((close, i) => ({
    symbol: 'TESTUSDT',
    time: T0 + i * HOUR,
    open: close,
    high: i < 20 ? 101 : close + 0.5,
    low: i < 20 ? 99 : close - 0.5,
    close,
    volume: 10,
  }));
}

describe('micro-scanner scan cycles', () => {
  const dir = tempDir('sigil-scan-');
  let store: Store;
  before(async () => {
    ({ store } = await openStore(`sqlite:${join(dir.path, 'scan.db')}`, { now: '2026-01-05T00:00:00Z' }));
  });
  after(async () => {
    await store.close();
    dir.remove();
  });

  it('fires a breakout once, holds it back while open and in cooldown, fires again after', async () => {
    const candles = path([102, 103, 104, 104.5, 106, 107]);
    const scanner = new MicroScanner(V, POSTURES.baseline, HOUR);
    const feed = new ReplayFeed([candles], '1h');
    const cycle = async (bars: number) => {
      const now = T0 + bars * HOUR;
      return runScanCycle({
        store,
        scanner,
        variantId: V,
        symbols: ['TESTUSDT'],
        candles: async () => feed.takeUntil(now),
        now,
        intentExpiryHours: 4,
        claimTtlMinutes: 30,
      });
    };

    const warm = await cycle(20);
    assert.deepEqual(warm.signals, [], 'no breakout inside the range');
    const first = await cycle(21);
    assert.equal(first.signals.length, 1);
    const [signal] = first.signals;
    assert.equal(signal?.price, 102);
    assert.equal(signal?.tradeDate, new Date(T0 + 21 * HOUR).toISOString());
    assert.ok(signal?.atr !== null && signal!.atr > 0, 'ATR at signal time is carried');
    assert.deepEqual(
      first.intents.map((r) => [r.inserted, r.intent.status, r.intent.atrAtSignal]),
      [[true, 'pending', signal?.atr]],
    );
    assert.equal(first.intents[0]?.intent.expiresAt, T0 + 25 * HOUR);

    await store.openPosition({
      id: positionId('pos-1'),
      intentId: first.intents[0]!.intent.id,
      variantId: V,
      symbol: 'TESTUSDT',
      side: 'long',
      qty: 1,
      entryPrice: 102.5,
      atrAtEntry: signal!.atr,
      initialStop: 99,
      currentStop: 99,
      peakPrice: 102.5,
      takeProfit: null,
      openedAt: T0 + 21 * HOUR,
      fees: 0,
    });
    await store.upsertProtection(
      { variantId: V, symbol: 'TESTUSDT', kind: 'cooldown', until: T0 + 24 * HOUR, reason: 'opened' },
      T0 + 21 * HOUR,
    );
    const whileOpen = await cycle(22);
    assert.deepEqual(whileOpen.signals, [], 'a new high while the position is open does not signal');
    assert.match(whileOpen.blocked.get('TESTUSDT') ?? '', /open position pos-1/);

    await store.closePosition(positionId('pos-1'), {
      exitPrice: 103,
      exitReason: 'atr_trail',
      closedAt: T0 + 22 * HOUR,
      fees: 0,
      pnl: 0.5,
    });
    const inCooldown = await cycle(23);
    assert.deepEqual(inCooldown.signals, [], 'closed, but the cooldown written at open still holds');
    assert.match(inCooldown.blocked.get('TESTUSDT') ?? '', /^cooldown until/);

    const free = await cycle(25);
    assert.equal(free.signals.length, 1, 'after the cooldown a new high signals again');
    assert.equal(free.signals[0]?.price, 106);
  });

  it('writes the heartbeat at the start and end of every cycle, with the error of a failed one', async () => {
    const v = variantId('heartbeat');
    const scanner = new MicroScanner(v, POSTURES.baseline, HOUR);
    await runScanCycle({
      store,
      scanner,
      variantId: v,
      symbols: [],
      candles: async () => [],
      now: T0,
      intentExpiryHours: 4,
      claimTtlMinutes: 30,
    });
    let beat = (await store.heartbeats()).find((h) => h.variantId === v);
    assert.deepEqual([beat?.lastScanStart, beat?.lastScanEnd, beat?.lastError], [T0, T0, null]);

    const broken = { ...POSTURES.baseline, atrPeriod: 0 };
    const failing = new MicroScanner(v, broken, HOUR);
    const batch = { time: T0, candles: path([])!.slice(0, 1) };
    await assert.rejects(
      runScanCycle({
        store,
        scanner: failing,
        variantId: v,
        symbols: ['TESTUSDT'],
        candles: async () => [batch],
        now: T0 + HOUR,
        intentExpiryHours: 4,
        claimTtlMinutes: 30,
      }),
      RangeError,
    );
    beat = (await store.heartbeats()).find((h) => h.variantId === v);
    assert.equal(beat?.lastScanEnd, T0 + HOUR);
    assert.match(beat?.lastError ?? '', /ATR period/);
  });

  it('runs over the bundled BTC and ETH hours, signals only on the newest bar, and is idempotent', async () => {
    const v = variantId('real-data');
    const series = loadCandles(new URL('../../data/crypto/1h', import.meta.url).pathname, [
      'BTCUSDT',
      'ETHUSDT',
    ]);
    const feed = new ReplayFeed(series, '1h');
    const scanner = new MicroScanner(v, POSTURES.aggressive, HOUR);
    // Warm up on the first 2,000 hours, then scan hour by hour for 500 hours, as a live loop would.
    let now = feed.start + 2_000 * HOUR;
    const input = (batches: ReturnType<typeof feed.takeUntil>) => ({
      store,
      scanner,
      variantId: v,
      symbols: ['BTCUSDT', 'ETHUSDT'],
      candles: async () => batches,
      now,
      intentExpiryHours: 4,
      claimTtlMinutes: 30,
    });
    const warm = await runScanCycle(input(feed.takeUntil(now)));
    let signals = warm.signals.length;
    for (let i = 0; i < 500; i++) {
      now += HOUR;
      signals += (await runScanCycle(input(feed.takeUntil(now)))).signals.length;
    }
    const intents = await store.listIntents({ variantId: v });
    assert.ok(signals > 10, `expected breakouts in 500 hours of BTC and ETH, got ${signals}`);
    assert.equal(intents.length, signals, 'one intent per signal');
    assert.ok(intents.every((i) => i.atrAtSignal !== null && i.atrAtSignal > 0));
    const again = await store.insertIntents(
      intents.map((i) => ({ variantId: v, symbol: i.symbol, tradeDate: i.tradeDate })),
      'scanner:real-data',
      now,
    );
    assert.ok(
      again.every((r) => !r.inserted),
      'a re-run inserts nothing new',
    );
  });

  it('runs the ranking scanner on the bundled FX days: top-K intents per date, blocked symbols held back', async () => {
    const v = variantId('fx-ranking');
    const series = loadCandles(new URL('../../data/fx/1d', import.meta.url).pathname);
    const feed = new ReplayFeed(series, '1d', 'fx');
    const settings = {
      variantId: v,
      topK: 2,
      trainWindow: 63,
      thresholds: { highGap: 0.0005, mediumGap: 0.00015 },
    };
    const scanner = new RankingCycleScanner(settings);
    const at = Date.parse('2023-06-02T00:00:00Z');
    const input = {
      store,
      scanner,
      variantId: v,
      symbols: feed.symbols,
      candles: async () => feed.takeUntil(at),
      now: at,
      intentExpiryHours: 24,
      claimTtlMinutes: 30,
    };
    const { signals, intents } = await runScanCycle(input);
    assert.ok(signals.length >= 1 && signals.length <= 2);
    assert.ok(signals.every((s) => s.tradeDate === '2023-06-01' && s.rule === 'ranking' && s.atr !== null));
    assert.deepEqual(
      intents.map((r) => r.inserted),
      signals.map(() => true),
    );
    const [top] = signals;
    assert.ok(top && top.scanner.topkSpread >= 0 && top.scanner.dropDistance >= top.scanner.scoreGap);

    // The same date with the top pick locked: it is held back, the rest of the ranking is unchanged.
    await store.upsertProtection(
      { variantId: v, symbol: top.symbol, kind: 'manual', until: at + 86_400_000, reason: 'test' },
      at,
    );
    const again = new RankingCycleScanner(settings);
    const second = await runScanCycle({
      ...input,
      scanner: again,
      candles: async () => new ReplayFeed(series, '1d', 'fx').takeUntil(at),
    });
    assert.deepEqual(
      second.signals.map((s) => s.symbol),
      signals.slice(1).map((s) => s.symbol),
    );
    assert.ok(
      second.intents.every((r) => !r.inserted),
      'those intents were written by the first cycle',
    );
  });
});
