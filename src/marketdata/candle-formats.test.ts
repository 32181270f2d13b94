// The layouts the candle reader takes besides ISO CSV — epoch-millisecond CSV with and without a header
// (Binance's kline files), freqtrade JSON under freqtrade's names — read to the same candles as the ISO
// file, and a file in none of them refused with the list of what is read. Real files in a temp folder,
// through the real reader and its cache.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { tempDir } from '../../test/support/temp-dir.ts';
import { loadCandlesBySymbol } from './candle-directory.ts';
import { readCandleFile, symbolFromPath } from './candle-file.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
/** Three hourly bars: [time, open, high, low, close, volume], PEPE-sized prices included. */
const BARS = [
  [T0, 42000.5, 42100, 41900.25, 42050, 12.5],
  [T0 + HOUR, 42050, 42200, 42000, 42150.75, 8],
  [T0 + 2 * HOUR, 0.00000197, 0.000002, 0.00000195, 0.00000199, 1234567.89],
] as const;
const HEADER = 'timestamp,open,high,low,close,volume';

// Parsed series are cached on disk: in a temporary folder here, never in the user's cache.
const cache = tempDir('sigil-formats-cache-');
process.env.SIGIL_CACHE_DIR = cache.path;
after(() => cache.remove());

describe('candle files in other layouts', () => {
  const dir = tempDir('sigil-formats-');
  after(() => dir.remove());
  const write = (name: string, content: string | Buffer) => {
    const path = join(dir.path, name);
    writeFileSync(path, content);
    return path;
  };
  const iso = write(
    'ISO.csv',
    `${HEADER}\n${BARS.map(([t, ...rest]) => [new Date(t).toISOString(), ...rest].join(',')).join('\n')}\n`,
  );
  const expected = readCandleFile(iso, 'BTCUSDT');

  it('reads epoch-millisecond timestamps under the shared header, plain and gzipped', () => {
    const text = `${HEADER}\n${BARS.map((bar) => bar.join(',')).join('\n')}\n`;
    assert.deepEqual(readCandleFile(write('EPOCH.csv', text), 'BTCUSDT'), expected);
    assert.deepEqual(readCandleFile(write('EPOCHGZ.csv.gz', gzipSync(text)), 'BTCUSDT'), expected);
  });

  it("reads Binance's headerless kline CSV (open time in ms first, extra columns ignored)", () => {
    const lines = BARS.map(([t, ...rest]) => [t, ...rest, t + HOUR - 1, 1, 10, 0, 0, 0].join(','));
    assert.deepEqual(
      readCandleFile(write('BTCUSDT-1h-2024-01.csv', `${lines.join('\r\n')}\r\n`), 'BTCUSDT'),
      expected,
    );
  });

  it('names the line of a bad bar in a headerless file, counting from its first line', () => {
    const lines = BARS.map((bar) => bar.join(','));
    lines[1] = [T0 + HOUR, 42050, 41000, 42000, 42150.75, 8].join(','); // high below low
    const path = write('BAD.csv', `${lines.join('\n')}\n`);
    assert.throws(() => readCandleFile(path, 'BAD'), /BAD\.csv:2: high 41000 is below low 42000/);
  });

  it("reads freqtrade's JSON under freqtrade's name as the symbol Sigil's configs use (BTC_USDT-1h.json → BTCUSDT)", () => {
    const folder = join(dir.path, 'freqtrade');
    mkdirSync(folder);
    writeFileSync(join(folder, 'BTC_USDT-1h.json'), JSON.stringify(BARS));
    assert.equal(symbolFromPath(join(folder, 'BTC_USDT-1h.json')), 'BTCUSDT');
    assert.equal(symbolFromPath('/data/BTCUSDT.csv.gz'), 'BTCUSDT');
    assert.equal(symbolFromPath('/data/BTC_USDT.csv'), 'BTC_USDT', 'only freqtrade JSON names are mapped');
    const { BTCUSDT } = loadCandlesBySymbol(folder, ['BTCUSDT'], '1h');
    assert.deepEqual(BTCUSDT, expected);
  });

  it('refuses epoch seconds and microseconds instead of reading them as 1970 or the year 50 000', () => {
    for (const [name, stamp] of [
      ['SECONDS.csv', T0 / 1000],
      ['MICROS.csv', T0 * 1000],
    ] as const) {
      const path = write(name, `${HEADER}\n${stamp},1,1,1,1,1\n`);
      assert.throws(
        () => readCandleFile(path, 'X'),
        new RegExp(`${name}:2: timestamp "${stamp}" is not an epoch time in milliseconds`),
      );
    }
  });

  it('says which formats it reads when it refuses a layout (CSV header, timestamp, JSON)', () => {
    const refused = [
      write('NOHEADER.csv', 'time,o,h,l,c,v\n2024-01-01,1,1,1,1,1\n'),
      write('WORDS.csv', `${HEADER}\nyesterday,1,1,1,1,1\n`),
      write('OBJECT-1h.json', JSON.stringify({ candles: [] })),
      write('BROKEN-1h.json', '[[1704067200000, 1, 1'),
    ];
    for (const path of refused) {
      assert.throws(
        () => readCandleFile(path, 'X'),
        (error: Error) => {
          assert.match(error.message, /Sigil reads CSV with the header timestamp,open,high,low,close,volume/);
          assert.match(error.message, /epoch-millisecond/);
          assert.match(error.message, /Binance kline files/);
          assert.match(error.message, /freqtrade JSON/);
          return true;
        },
        path,
      );
    }
    // Bad data in a layout that is read stays a plain data error, without the list.
    const bad = write('HIGHLOW.csv', `${HEADER}\n2024-01-01T00:00:00Z,1,1,2,1,1\n`);
    assert.throws(
      () => readCandleFile(bad, 'X'),
      (error: Error) => /HIGHLOW\.csv:2: high 1 is below low 2$/.test(error.message),
    );
  });
});
