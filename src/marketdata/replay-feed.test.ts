// The replay feed over columns against the feed it replaced, kept below as the oracle: every bar merged
// into one array and sorted by (time, symbol). Both are stepped through the same clock and must deliver
// the same batches, the same gaps, start and end.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { tempDir } from '../../test/support/temp-dir.ts';
import type { Candle, CandleGap } from '../domain/candle.ts';
import type { CandleBatch } from '../domain/ports/market-data.ts';
import { byTimeThenSymbol } from './candle-checks.ts';
import { loadCandleSeries } from './candle-directory.ts';
import { candlesFromSeries, seriesBetween, seriesFromCandles, type CandleSeries } from './candle-series.ts';
import { findGaps, findSeriesGaps, type MarketCalendar } from './gaps.ts';
import { ReplayFeed } from './replay-feed.ts';
import { mergedTimes } from './series-merge.ts';

const DATA = new URL('../../data/', import.meta.url).pathname;
const HOUR = 3_600_000;

const cache = tempDir('sigil-candle-cache-');
process.env.SIGIL_CACHE_DIR = cache.path;
after(() => cache.remove());

/** The feed as it was: one sorted array of every bar. */
class OldReplayFeed {
  private readonly merged: Candle[];
  private next = 0;
  readonly found: CandleGap[];

  constructor(
    series: readonly (readonly Candle[])[],
    private readonly barMs: number,
    calendar: MarketCalendar,
  ) {
    this.merged = series.flat().sort(byTimeThenSymbol);
    this.found = series.flatMap((candles) => findGaps(candles, barMs, calendar));
  }

  takeUntil(now: number): CandleBatch[] {
    const batches: CandleBatch[] = [];
    while (this.next < this.merged.length) {
      const candle = this.merged[this.next] as Candle;
      if (candle.time + this.barMs > now) break;
      const last = batches.at(-1);
      if (last && last.time === candle.time) last.candles.push(candle);
      else batches.push({ time: candle.time, candles: [candle] });
      this.next++;
    }
    return batches;
  }

  get start(): number {
    return this.merged[0]?.time ?? 0;
  }

  get end(): number {
    const last = this.merged.at(-1);
    return last ? last.time + this.barMs : 0;
  }
}

/** Steps both feeds through the same uneven clock and compares every delivery. */
function assertSameReplay(feed: ReplayFeed, old: OldReplayFeed, barMs: number): number {
  assert.deepEqual([feed.start, feed.end], [old.start, old.end]);
  assert.deepEqual(feed.gaps(), old.found);
  let now = feed.start - barMs;
  let delivered = 0;
  for (let step = 0; now <= feed.end + barMs; step++) {
    const batches = feed.takeUntil(now);
    assert.deepEqual(batches, old.takeUntil(now), `at ${new Date(now).toISOString()}`);
    delivered += batches.length;
    // Mostly bar by bar, sometimes a long jump, sometimes mid-bar or standing still.
    now += step % 97 === 0 ? 500 * barMs : step % 13 === 0 ? 0 : step % 7 === 0 ? barMs / 2 : barMs;
  }
  const rest = feed.takeUntil(Infinity);
  assert.deepEqual(rest, old.takeUntil(Infinity));
  return delivered + rest.length;
}

describe('the replay feed over columns', () => {
  it('delivers what the merged-and-sorted feed delivered, over the bundled crypto and FX data', () => {
    const sets: [string, number, MarketCalendar][] = [
      ['crypto/1h', HOUR, 'continuous'],
      ['fx/1h', HOUR, 'fx'],
      ['fx/1d', 24 * HOUR, 'fx'],
    ];
    for (const [folder, barMs, calendar] of sets) {
      const series = loadCandleSeries(join(DATA, folder));
      const candles = series.map(candlesFromSeries);
      const timeframe = barMs === HOUR ? '1h' : '1d';
      const feed = new ReplayFeed(series, timeframe, calendar);
      const batches = assertSameReplay(feed, new OldReplayFeed(candles, barMs, calendar), barMs);
      assert.equal(batches, mergedTimes(series).length, `${folder}: one batch per open time`);
      assert.deepEqual(
        feed.symbols,
        candles.map((c) => c[0]?.symbol),
      );
      // The same bars given as objects replay the same.
      const fromObjects = new ReplayFeed(candles, timeframe, calendar);
      assertSameReplay(fromObjects, new OldReplayFeed(candles, barMs, calendar), barMs);
    }
  });

  it('merges symbols whose histories start and end apart, given in any order', () => {
    const [btc, eth, sol] = loadCandleSeries(join(DATA, 'crypto/1h'), ['BTCUSDT', 'ETHUSDT', 'SOLUSDT']) as [
      CandleSeries,
      CandleSeries,
      CandleSeries,
    ];
    const t0 = btc.time[0] as number;
    const series = [
      seriesBetween(sol, t0 + 3_000 * HOUR),
      seriesBetween(btc, undefined, t0 + 5_000 * HOUR),
      seriesBetween(eth, t0 + 1_000 * HOUR, t0 + 4_000 * HOUR),
    ];
    const feed = new ReplayFeed(series, '1h');
    assertSameReplay(feed, new OldReplayFeed(series.map(candlesFromSeries), HOUR, 'continuous'), HOUR);
    assert.deepEqual(feed.symbols, ['SOLUSDT', 'BTCUSDT', 'ETHUSDT']);
  });

  it('keeps the old feed’s handling of bars given as objects: the same objects, sorted, duplicates together', () => {
    const bar = (symbol: string, hour: number, close = 1): Candle => ({
      symbol,
      time: hour * HOUR,
      open: close,
      high: close,
      low: close,
      close,
      volume: 1,
    });
    const series = [
      [bar('B', 2), bar('B', 0), bar('B', 1), bar('B', 1, 2)],
      [],
      [bar('A', 1), bar('A', 3)],
      [bar('A', 1, 3), bar('A', 2)],
    ];
    const feed = new ReplayFeed(series, '1h');
    assertSameReplay(feed, new OldReplayFeed(series, HOUR, 'continuous'), HOUR);
    const again = new ReplayFeed(series, '1h').takeUntil(Infinity);
    assert.ok(again.flatMap((b) => b.candles).every((c) => series.some((s) => s.includes(c))));
    assert.deepEqual(feed.symbols, ['B', 'A', 'A']);
    assert.equal(new ReplayFeed([], '1h').end, 0);
  });

  it('finds the same gaps on columns as on candles', () => {
    for (const [folder, barMs, calendar] of [
      ['crypto/1h', HOUR, 'continuous'],
      ['fx/1h', HOUR, 'fx'],
      ['fx/1d', 24 * HOUR, 'fx'],
    ] as const) {
      for (const series of loadCandleSeries(join(DATA, folder))) {
        const expected = findGaps(candlesFromSeries(series), barMs, calendar);
        assert.deepEqual(findSeriesGaps(series, barMs, calendar), expected, `${folder} ${series.symbol}`);
      }
    }
  });

  it('lists every open time once, ascending, without merging the bars', () => {
    const series = loadCandleSeries(join(DATA, 'fx/1h'));
    const expected = [...new Set(series.flatMap((s) => [...s.time]))].sort((a, b) => a - b);
    assert.deepEqual(mergedTimes(series), expected);
  });
});

describe('candle series', () => {
  it('cuts [from, to) by binary search into views of the same memory', () => {
    const [btc] = loadCandleSeries(join(DATA, 'crypto/1h'), ['BTCUSDT']) as [CandleSeries];
    const from = (btc.time[100] as number) + 1;
    const to = btc.time[200] as number;
    const cut = seriesBetween(btc, from, to);
    assert.deepEqual([cut.length, cut.time[0], cut.close[0]], [99, btc.time[101], btc.close[101]]);
    assert.equal(cut.close.buffer, btc.close.buffer, 'a view, not a copy');
    assert.equal(seriesBetween(btc, 0, 1).length, 0);
    assert.equal(seriesBetween(btc), btc);
  });

  it('lives on a SharedArrayBuffer that a worker thread reads and writes without a copy', async () => {
    const series = seriesFromCandles('T', [
      { symbol: 'T', time: 0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 },
      { symbol: 'T', time: HOUR, open: 1.5, high: 3, low: 1, close: 2.5, volume: 20 },
    ]);
    assert.ok(series.close.buffer instanceof SharedArrayBuffer);
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       workerData.volume[1] = workerData.close[0] + workerData.close[1];
       parentPort.postMessage('done');`,
      { eval: true, workerData: series },
    );
    await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
    await worker.terminate();
    assert.equal(series.volume[1], 4, 'the worker wrote into this thread’s memory');
  });
});
