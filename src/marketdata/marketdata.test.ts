import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { tempDir } from '../../test/support/temp-dir.ts';
import type { Candle } from '../domain/candle.ts';
import { CandleDataError } from './candle-data-error.ts';
import { loadCandles } from './candle-directory.ts';
import { readCandleFile } from './candle-file.ts';
import { findGaps } from './gaps.ts';
import { ReplayFeed } from './replay-feed.ts';
import { resample } from './resample.ts';

const DATA = new URL('../../data/', import.meta.url).pathname;
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

// Parsed series are cached on disk: in a temporary folder here, never in the user's cache.
const cache = tempDir('sigil-candle-cache-');
process.env.SIGIL_CACHE_DIR = cache.path;
after(() => cache.remove());

describe('candle files', () => {
  const dir = tempDir('sigil-candles-');
  after(() => dir.remove());
  const write = (name: string, text: string) => {
    const file = join(dir.path, name);
    writeFileSync(file, text);
    return file;
  };
  const header = 'timestamp,open,high,low,close,volume\n';

  it('reads CSV and freqtrade JSON to the same candles', () => {
    const csv = write(
      'ETHUSDT.csv',
      `${header}2021-05-01T00:00:00Z,10,11,9,10.5,3\n2021-05-01T01:00:00Z,10.5,12,10,11,4\n`,
    );
    const json = write(
      'ETH_USDT-1h.json',
      JSON.stringify([
        [Date.parse('2021-05-01T00:00:00Z'), 10, 11, 9, 10.5, 3],
        [Date.parse('2021-05-01T01:00:00Z'), 10.5, 12, 10, 11, 4],
      ]),
    );
    const fromCsv = readCandleFile(csv);
    assert.equal(fromCsv[0]?.symbol, 'ETHUSDT');
    assert.deepEqual(readCandleFile(json, 'ETHUSDT'), fromCsv);
  });

  const bad: [string, string, RegExp][] = [
    [
      'missing column',
      'timestamp,open,high,low,close\n2021-05-01T00:00:00Z,1,1,1,1\n',
      /:1: missing column volume/,
    ],
    [
      'non-numeric price',
      `${header}2021-05-01T00:00:00Z,1,abc,1,1,1\n`,
      /:2: high "abc" is not a decimal number/,
    ],
    ['high below low', `${header}2021-05-01T00:00:00Z,1,1,2,1,1\n`, /:2: high 1 is below low 2/],
    [
      'unsorted',
      `${header}2021-05-01T01:00:00Z,1,1,1,1,1\n2021-05-01T00:00:00Z,1,1,1,1,1\n`,
      /:3: timestamp .* comes before the previous bar's/,
    ],
    [
      'duplicate',
      `${header}2021-05-01T01:00:00Z,1,1,1,1,1\n2021-05-01T01:00:00Z,1,1,1,1,1\n`,
      /:3: duplicate timestamp/,
    ],
    ['bad time', `${header}yesterday,1,1,1,1,1\n`, /:2: timestamp "yesterday" is not an ISO-8601 UTC time/],
    ['empty', header, /holds no candles/],
  ];
  for (const [name, text, message] of bad) {
    it(`refuses a file with ${name}, naming the file and line`, () => {
      const file = write(`${name.replace(/ /g, '_')}.csv`, text);
      assert.throws(
        () => readCandleFile(file),
        (error: unknown) =>
          error instanceof CandleDataError && message.test(error.message) && error.message.startsWith(file),
      );
    });
  }

  it('refuses a bar off the timeframe grid, naming the file and its line (CSV, gzip, JSON)', () => {
    // 12:30 in a 1h file used to pass as a "gap" and be traded as an hourly bar.
    const grid = tempDir('sigil-grid-');
    try {
      const rows = `${header}2021-05-01T11:00:00Z,1,1,1,1,1\n\n2021-05-01T12:00:00Z,1,1,1,1,1\n2021-05-01T12:30:00Z,1,1,1,1,1\n`;
      writeFileSync(join(grid.path, 'AAA.csv'), rows);
      writeFileSync(join(grid.path, 'BBB.csv.gz'), gzipSync(rows));
      const hour = Date.parse('2021-05-01T11:00:00Z');
      writeFileSync(
        join(grid.path, 'CCC-1h.json'),
        JSON.stringify([hour, hour + 5 * 60_000].map((t) => [t, 1, 1, 1, 1, 1])),
      );
      const refused = (symbol: string, where: string) =>
        assert.throws(
          () => loadCandles(grid.path, [symbol], '1h'),
          (error: unknown) =>
            error instanceof CandleDataError &&
            error.message.startsWith(join(grid.path, symbol)) &&
            error.message.endsWith(
              `:${where}: bar time ${where.startsWith('row') ? '2021-05-01T11:05:00.000Z' : '2021-05-01T12:30:00.000Z'} is off the 1h grid (1h bars open at whole multiples of 1h from 00:00 UTC)`,
            ),
        );
      refused('AAA', '5');
      refused('BBB', '5');
      refused('CCC', 'row 2');
      // The same bars are on the 15m grid, and read as they are without a timeframe.
      assert.equal(loadCandles(grid.path, ['AAA'], '15m')[0]?.length, 3);
      assert.equal(loadCandles(grid.path, ['AAA'])[0]?.length, 3);
      // Five-minute bars under a 1h timeframe: the second bar is already off the grid.
      assert.throws(
        () => loadCandles(join(DATA, 'crypto/5m'), ['BTCUSDT'], '1h'),
        /BTCUSDT\.csv\.gz:3: bar time 2021-05-01T00:05:00\.000Z is off the 1h grid/,
      );
    } finally {
      grid.remove();
    }
  });

  it('says which symbol is missing from a folder', () => {
    assert.throws(
      () => loadCandles(join(DATA, 'fx/1d'), ['EURUSD', 'NZDUSD']),
      /symbol NZDUSD is not there \(it has AUDUSD, EURUSD/,
    );
  });
});

describe('the bundled data', () => {
  const [btc] = loadCandles(join(DATA, 'crypto/1h'), ['BTCUSDT']) as [Candle[]];

  it("opens every bar on the grid of its folder's timeframe", () => {
    const folders = [
      ['crypto/1h', '1h'],
      ['crypto/5m', '5m'],
      ['fx/1h', '1h'],
      ['fx/1d', '1d'],
    ] as const;
    for (const [folder, timeframe] of folders) {
      assert.ok(loadCandles(join(DATA, folder), undefined, timeframe).length >= 3, folder);
    }
  });

  it('has the documented outage gaps of Binance spot, and its flat zero-volume bar', () => {
    const gaps = findGaps(btc, HOUR, 'continuous');
    assert.deepEqual(
      gaps.map((g) => [iso(g.from), g.bars]),
      [
        ['2021-04-20T02:00:00.000Z', 2],
        ['2021-04-25T05:00:00.000Z', 3],
        ['2021-08-13T02:00:00.000Z', 4],
        ['2021-09-29T07:00:00.000Z', 2],
        ['2023-03-24T13:00:00.000Z', 1],
      ],
    );
    const flat = btc.find((c) => c.time === Date.parse('2023-03-24T12:00:00Z'));
    assert.deepEqual([flat?.volume, flat?.high === flat?.low], [0, true]);
  });

  it('treats FX weekends as closures, not gaps', () => {
    const [eurusd] = loadCandles(join(DATA, 'fx/1h'), ['EURUSD']) as [Candle[]];
    const weekdayGaps = findGaps(eurusd, HOUR, 'fx');
    assert.equal(
      weekdayGaps.some((g) => iso(g.from) === '2020-01-29T10:00:00.000Z' && g.bars === 1),
      true,
    );
    assert.ok(
      weekdayGaps.length < 20,
      `expected only holidays and the documented holes, got ${weekdayGaps.length}`,
    );
    const [daily] = loadCandles(join(DATA, 'fx/1d'), ['EURUSD']) as [Candle[]];
    assert.ok(findGaps(daily, 24 * HOUR, 'fx').length <= 12, 'daily FX: only holiday closures');
  });

  it('5-minute bars resample exactly to the independent 1-hour download', () => {
    const [fiveMinute] = loadCandles(join(DATA, 'crypto/5m'), ['BTCUSDT']) as [Candle[]];
    const { candles: hourly, incomplete } = resample(fiveMinute, { fromMs: 5 * 60_000, toMs: HOUR });
    assert.deepEqual(incomplete, []);
    assert.equal(hourly.length, 1_464);
    const reference = new Map(btc.map((c) => [c.time, c]));
    for (const bar of hourly) {
      const ref = reference.get(bar.time);
      // 2021-04-23 01:00 differs between the two downloads (data/README.md); no such hour in this window.
      assert.deepEqual(
        [bar.open, bar.high, bar.low, bar.close],
        [ref?.open, ref?.high, ref?.low, ref?.close],
        iso(bar.time),
      );
      assert.ok(Math.abs(bar.volume - (ref?.volume ?? NaN)) < 1e-6, `volume at ${iso(bar.time)}`);
    }
  });

  it('resamples to days at a configurable boundary and reports a short bucket', () => {
    const hours = btc.slice(0, 30);
    const midnight = resample(hours, { fromMs: HOUR, toMs: 24 * HOUR });
    assert.deepEqual(
      [midnight.candles.length, midnight.incomplete.map(iso)],
      [1, ['2021-04-06T00:00:00.000Z']],
    );
    const nyClose = resample(hours, {
      fromMs: HOUR,
      toMs: 24 * HOUR,
      dayBoundaryHourUtc: 21,
      keepIncomplete: true,
    });
    assert.deepEqual(
      nyClose.candles.map((c) => iso(c.time)),
      ['2021-04-04T21:00:00.000Z', '2021-04-05T21:00:00.000Z'],
    );
  });
});

describe('replay feed', () => {
  const bar = (symbol: string, hour: number): Candle => ({
    symbol,
    time: hour * HOUR,
    open: 1,
    high: 1,
    low: 1,
    close: 1,
    volume: 1,
  });

  it('delivers closed bars once, merged across symbols in time order', async () => {
    const feed = new ReplayFeed(
      [
        [bar('B', 0), bar('B', 1), bar('B', 3)],
        [bar('A', 0), bar('A', 1), bar('A', 2), bar('A', 3)],
      ],
      '1h',
    );
    assert.deepEqual(await feed.closedSince(HOUR - 1), []);
    const first = await feed.closedSince(2 * HOUR);
    assert.deepEqual(
      first.map((b) => [b.time / HOUR, b.candles.map((c) => c.symbol)]),
      [
        [0, ['A', 'B']],
        [1, ['A', 'B']],
      ],
    );
    assert.deepEqual((await feed.closedSince(2 * HOUR)).length, 0, 'nothing twice');
    const rest = await feed.closedSince(10 * HOUR);
    assert.deepEqual(
      rest.map((b) => [b.time / HOUR, b.candles.map((c) => c.symbol)]),
      [
        [2, ['A']],
        [3, ['A', 'B']],
      ],
    );
    assert.deepEqual(
      feed.gaps().map((g) => [g.symbol, g.from / HOUR, g.bars]),
      [['B', 2, 1]],
    );
  });
});
