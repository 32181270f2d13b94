// The on-disk cache of parsed series: where it lives, that a second load reads it and gets the same
// doubles, that an edited file or a damaged entry is never trusted, that a cache that cannot be written
// changes nothing but speed, and that two processes building the same entries at once both end whole.
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { runTs } from '../../test/support/child.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { candleCacheDir } from './candle-cache.ts';
import { parseCandleCsv } from './candle-csv.ts';
import { loadCandleFile, readCandleFile } from './candle-file.ts';
import { SERIES_COLUMNS, type CandleSeries } from './candle-series.ts';

const DATA = new URL('../../data/', import.meta.url).pathname;
const BTC = join(DATA, 'crypto/1h/BTCUSDT.csv.gz');

// Every test's cache is a fresh temporary folder: the user's own cache is never touched.
const made: ReturnType<typeof tempDir>[] = [];
let cache = freshCache();
after(() => made.forEach((dir) => dir.remove()));

function freshCache(): ReturnType<typeof tempDir> {
  const dir = tempDir('sigil-candle-cache-');
  made.push(dir);
  process.env.SIGIL_CACHE_DIR = dir.path;
  return dir;
}

function assertSameColumns(actual: CandleSeries, expected: CandleSeries): void {
  assert.equal(actual.length, expected.length);
  for (const column of SERIES_COLUMNS) {
    const a = Buffer.from(actual[column].buffer, actual[column].byteOffset, actual[column].byteLength);
    const e = Buffer.from(expected[column].buffer, expected[column].byteOffset, expected[column].byteLength);
    assert.ok(a.equals(e), `column ${column} differs`);
  }
}

const entries = () => readdirSync(cache.path).filter((name) => name.endsWith('.candles'));
const clearCache = () => {
  cache = freshCache();
};

describe('where the cache lives', () => {
  it('SIGIL_CACHE_DIR, else $XDG_CACHE_HOME/sigil/candles, else ~/.cache/sigil/candles', () => {
    assert.equal(candleCacheDir({ SIGIL_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' }), '/c');
    assert.equal(candleCacheDir({ XDG_CACHE_HOME: '/x' }), '/x/sigil/candles');
    // The XDG spec: a relative XDG_CACHE_HOME is ignored.
    assert.match(candleCacheDir({ XDG_CACHE_HOME: 'rel', HOME: '/h' }), /\/\.cache\/sigil\/candles$/);
    assert.match(candleCacheDir({}), /\/\.cache\/sigil\/candles$/);
  });
});

describe('the candle cache', () => {
  const files = tempDir('sigil-candle-files-');
  before(clearCache);
  after(() => files.remove());

  it('parses once, then reads the same doubles from a 64-byte header and 48 bytes a row', () => {
    const parsed = parseCandleCsv(gunzipSync(readFileSync(BTC)), BTC, 'BTCUSDT');
    const first = loadCandleFile(BTC);
    assert.equal(first.cache, 'stored');
    assertSameColumns(first.series, parsed);
    const [entry] = entries();
    assert.match(entry ?? '', /^[0-9a-f]{64}-csv\.candles$/);
    assert.equal(statSync(join(cache.path, entry!)).size, 64 + 48 * parsed.length);
    const second = loadCandleFile(BTC);
    assert.equal(second.cache, 'hit');
    assertSameColumns(second.series, parsed);
    assert.ok(second.series.time.buffer instanceof SharedArrayBuffer, 'read into shared memory');
  });

  it('takes the symbol from the file name, not from the entry', () => {
    const copy = join(files.path, 'XBTUSD.csv.gz');
    copyFileSync(BTC, copy);
    const { series, cache: outcome } = loadCandleFile(copy);
    assert.deepEqual([series.symbol, outcome], ['XBTUSD', 'hit']);
    assert.equal(readCandleFile(copy)[0]?.symbol, 'XBTUSD');
  });

  it('never serves a changed file from the entry of its old bytes', () => {
    const file = join(files.path, 'ETHUSDT.csv');
    const text = (close: number) =>
      `timestamp,open,high,low,close,volume\n2021-05-01T00:00:00Z,10,12,9,${close},3\n`;
    writeFileSync(file, text(10.5));
    assert.equal(loadCandleFile(file).cache, 'stored');
    assert.equal(loadCandleFile(file).series.close[0], 10.5);
    writeFileSync(file, text(11.5));
    const edited = loadCandleFile(file);
    assert.deepEqual([edited.cache, edited.series.close[0]], ['stored', 11.5]);
  });

  it('ignores and rebuilds an entry whose header or size is wrong', () => {
    const damages: [string, (path: string) => void][] = [
      ['truncated', (path) => truncateSync(path, statSync(path).size - 8)],
      ['cut inside the header', (path) => truncateSync(path, 20)],
      ['empty', (path) => truncateSync(path, 0)],
      ['longer', (path) => writeFileSync(path, Buffer.alloc(48), { flag: 'a' })],
      ['bad magic', (path) => patch(path, 0, Buffer.from('NOTSIGIL'))],
      ['other format version', (path) => patch(path, 8, u32(99))],
      ['other parser version', (path) => patch(path, 12, u32(99))],
      ['other row count', (path) => patch(path, 16, u32(7))],
      ['other source bytes', (path) => patch(path, 24, Buffer.alloc(32, 1))],
    ];
    const parsed = loadCandleFile(BTC).series;
    for (const [name, damage] of damages) {
      const entry = join(cache.path, entries().find((e) => e.startsWith(sha256Of(BTC))) ?? '');
      damage(entry);
      const reloaded = loadCandleFile(BTC);
      assert.equal(reloaded.cache, 'stored', `${name}: rebuilt`);
      assertSameColumns(reloaded.series, parsed);
      assert.equal(loadCandleFile(BTC).cache, 'hit', `${name}: the rebuilt entry serves`);
    }
  });

  it('loads from the file when the cache folder cannot be made, and says nothing', () => {
    const blocker = join(files.path, 'a-file');
    writeFileSync(blocker, '');
    // A folder under a regular file cannot be created, even by root (read-only homes are the usual case).
    const saved = process.env.SIGIL_CACHE_DIR;
    process.env.SIGIL_CACHE_DIR = join(blocker, 'cache');
    try {
      const { series, cache: outcome } = loadCandleFile(BTC);
      assert.deepEqual([outcome, series.length > 20_000], ['not stored', true]);
    } finally {
      process.env.SIGIL_CACHE_DIR = saved;
    }
  });

  it('does not cache a file it refuses: the error comes back every time', () => {
    const file = join(files.path, 'BAD.csv');
    writeFileSync(file, 'timestamp,open,high,low,close,volume\n2021-05-01T00:00:00Z,1,1,2,1,1\n');
    for (let i = 0; i < 2; i++)
      assert.throws(() => loadCandleFile(file), /BAD\.csv:2: high 1 is below low 2/);
    assert.equal(entries().filter((e) => e.startsWith(sha256Of(file))).length, 0);
  });

  it('two processes building the same entries at once both end with whole series and a valid cache', async (t) => {
    clearCache();
    const folder = join(DATA, 'crypto/1h');
    const startAt = String(Math.round(performance.timeOrigin + performance.now() + 2_000));
    const child = () => runTs('candle-cache-race-child.ts', [folder, startAt, '4']);
    const runs = (await Promise.all([child(), child()])).map(
      (out) => JSON.parse(out) as { symbol: string; cache: string; digest: string }[],
    );
    const expected = new Map(
      readdirSync(folder).map((name) => {
        const series = parseCandleCsv(gunzipSync(readFileSync(join(folder, name))), name, 'X');
        return [name.replace('.csv.gz', ''), digestOf(series)];
      }),
    );
    for (const loads of runs) {
      assert.equal(loads.length, 4 * expected.size);
      for (const [i, load] of loads.entries()) {
        assert.equal(load.digest, expected.get(load.symbol), `${load.symbol} load ${i}: whole and right`);
        // The first round builds or finds the other's entry; later rounds always find one.
        assert.ok(i < expected.size ? load.cache !== 'not stored' : load.cache === 'hit', load.cache);
      }
    }
    const left = readdirSync(cache.path);
    assert.deepEqual(
      left.filter((name) => !name.endsWith('.candles')),
      [],
      'no temp file is left',
    );
    assert.equal(left.length, expected.size, 'one entry per file');
    for (const [symbol] of expected) {
      assert.equal(loadCandleFile(join(folder, `${symbol}.csv.gz`)).cache, 'hit');
    }
    const builtByBoth = [...expected.keys()].filter((symbol) =>
      runs.every((loads) => loads.find((l) => l.symbol === symbol)?.cache === 'stored'),
    ).length;
    // Not asserted (it depends on timing), but worth seeing when the race really overlapped.
    t.diagnostic(`race: ${builtByBoth} of ${expected.size} entries were built by both processes`);
  });
});

function patch(path: string, at: number, bytes: Buffer): void {
  const content = readFileSync(path);
  bytes.copy(content, at);
  writeFileSync(path, content);
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value);
  return buffer;
}

function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function digestOf(series: CandleSeries): string {
  const hash = createHash('sha256');
  for (const column of SERIES_COLUMNS) {
    hash.update(new Uint8Array(series[column].buffer, series[column].byteOffset, series[column].byteLength));
  }
  return `${series.length}:${hash.digest('hex')}`;
}
