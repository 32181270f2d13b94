// The byte parser against the parser it replaced: the old `split`/`Number`/`Date.parse` reading is kept
// below, verbatim, as the oracle. Every value of every bundled file (and of the shared 19-pair set when
// it is there) must be the same double, every bad file must fail with the same words, and random
// decimals and timestamps must read as Number() and Date.parse read them.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { Candle } from '../domain/candle.ts';
import { barProblem } from './candle-checks.ts';
import { parseCandleCsv } from './candle-csv.ts';
import { CandleDataError } from './candle-data-error.ts';
import { candlesFromSeries } from './candle-series.ts';
import { decimalFromBytes } from './decimal-bytes.ts';
import { daysFromCivil, isoTimeFromBytes } from './iso-time-bytes.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';

const DATA = new URL('../../data/', import.meta.url).pathname;
const SHARED = '/work/shared/data/crypto/1h';

// ---- The old parser, as it was (candle-file.ts before the columns) ----
const HEADER = ['timestamp', 'open', 'high', 'low', 'close', 'volume'];

function oldParseCsv(text: string, path: string, symbol: string): Candle[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').trim().toLowerCase().split(',');
  const missing = HEADER.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    throw new CandleDataError(
      path,
      '1',
      `missing column ${missing.join(', ')}; expected the header ${HEADER.join(',')}`,
    );
  }
  const index = HEADER.map((column) => header.indexOf(column));
  const candles: Candle[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const cells = line.split(',');
    const at = String(i + 1);
    const raw = index.map((column) => cells[column]);
    const time = Date.parse(raw[0] ?? '');
    if (!/^\d{4}-\d\d-\d\dT/.test(raw[0] ?? '') || Number.isNaN(time)) {
      throw new CandleDataError(path, at, `timestamp "${raw[0] ?? ''}" is not an ISO-8601 UTC time`);
    }
    const [open, high, low, close, volume] = raw
      .slice(1)
      .map((cell, k) => oldNumber(cell, HEADER[k + 1] as string, path, at));
    candles.push(
      oldChecked(
        { symbol, time, open: open!, high: high!, low: low!, close: close!, volume: volume! },
        candles.at(-1),
        path,
        at,
      ),
    );
  }
  return candles;
}

function oldNumber(cell: string | undefined, column: string, path: string, at: string): number {
  const value = Number(cell);
  if (cell === undefined || cell.trim() === '' || !Number.isFinite(value)) {
    throw new CandleDataError(path, at, `${column} "${cell ?? ''}" is not a number`);
  }
  return value;
}

function oldChecked(candle: Candle, previous: Candle | undefined, path: string, at: string): Candle {
  const problem = barProblem(candle);
  if (problem) throw new CandleDataError(path, at, problem);
  if (previous && candle.time === previous.time) {
    throw new CandleDataError(path, at, `duplicate timestamp ${new Date(candle.time).toISOString()}`);
  }
  if (previous && candle.time < previous.time) {
    throw new CandleDataError(
      path,
      at,
      `timestamp ${new Date(candle.time).toISOString()} comes before the previous bar's; the file must be sorted`,
    );
  }
  return candle;
}
// ---- end of the old parser ----

const parseNew = (text: string, path = 'test.csv') =>
  candlesFromSeries(parseCandleCsv(Buffer.from(text, 'utf8'), path, 'TEST'));
const parseOld = (text: string, path = 'test.csv') => oldParseCsv(text, path, 'TEST');

/** Same bars, every number the same double (Object.is: 0 and -0 differ, NaN equals NaN). */
function assertBitIdentical(actual: Candle[], expected: Candle[], where: string): void {
  assert.equal(actual.length, expected.length, `${where}: row count`);
  const fields = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
  for (let i = 0; i < expected.length; i++) {
    for (const field of fields) {
      const a = (actual[i] as Candle)[field];
      const e = (expected[i] as Candle)[field];
      if (!Object.is(a, e)) assert.fail(`${where} row ${i + 2} ${field}: ${a} !== ${e}`);
    }
  }
}

function errorOf(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    assert.ok(error instanceof CandleDataError, String(error));
    return error.message;
  }
  return '(no error)';
}

function csvFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.csv(\.gz)?$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

describe('the byte parser reads exactly what the old parser read', () => {
  const files = [...csvFiles(DATA), ...csvFiles(SHARED)];

  it(`on every bundled file (${files.length} files, shared set included when present)`, () => {
    assert.ok(files.length >= 20, `expected the bundled files, found ${files.length}`);
    for (const file of files) {
      const raw = readFileSync(file);
      const bytes = file.endsWith('.gz') ? gunzipSync(raw) : raw;
      const fresh = candlesFromSeries(parseCandleCsv(bytes, file, 'X'));
      assertBitIdentical(fresh, oldParseCsv(bytes.toString('utf8'), file, 'X'), file);
    }
  });

  it('on random decimal strings, including the ones the fast path leaves to Number()', () => {
    const random = seededRandom(7);
    const digits = (n: number) => Array.from({ length: n }, () => String(Math.floor(random() * 10))).join('');
    const generated: string[] = [];
    for (let i = 0; i < 200_000; i++) {
      const int = random() < 0.3 ? '0' : digits(1 + Math.floor(random() * 12));
      const frac = random() < 0.2 ? '' : `.${digits(Math.floor(random() * 14))}`;
      const zeros = random() < 0.2 ? '0'.repeat(Math.floor(random() * 8)) : '';
      generated.push(`${zeros}${int}${frac}`);
    }
    const odd = [
      ...['0', '0.0', '00.5', '.5', '1.', '.', '', '-0', '-1.5', '+1', '1e3', '1E-7', '2.5e+2', '0x1F'],
      ...[' 1', '1 ', '1\t', 'Infinity', 'NaN', '1_000', '1,5', '١', '9007199254740993', '123456789012345'],
      ...['1234567890123456', '0.1234567890123456789012', '0.12345678901234567890123', '1'.repeat(400)],
    ];
    const significant = (cell: string) => cell.replace('.', '').replace(/^0+/, '').length;
    const check = (cell: string, generatedHere: boolean) => {
      const bytes = Buffer.from(cell, 'utf8');
      const value = decimalFromBytes(bytes, 0, bytes.length);
      if (Number.isNaN(value)) {
        // Left to Number() by the parser: only what the fast path cannot read exactly.
        if (generatedHere) assert.ok(significant(cell) > 15, `"${cell}" should be read fast`);
        return;
      }
      if (!Object.is(value, Number(cell))) assert.fail(`"${cell}": ${value} !== Number() ${Number(cell)}`);
    };
    for (const cell of generated) check(cell, true);
    for (const cell of odd) check(cell, false);
  });

  it('on files whose cells need the fallback: exponents, signs, spaces, long numbers', () => {
    const random = seededRandom(11);
    const odd = [
      '1e0',
      '1.0E0',
      ' 1',
      '1 ',
      '+1',
      '.5e1',
      '1.000000000000000000000000',
      '1.0000000000000001',
    ];
    const rows = ['timestamp,open,high,low,close,volume'];
    for (let i = 0; i < 2_000; i++) {
      const price = random() < 0.1 ? (odd[i % odd.length] as string) : (1 + random() * 1e4).toFixed(i % 9);
      const volume = random() < 0.1 ? '3.5e2' : String(random() * 1e6);
      const time = new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString();
      rows.push(`${time},${price},${price},${price},${price},${volume}`);
    }
    const text = `${rows.join('\r\n')}\r\n`;
    assertBitIdentical(parseNew(text), parseOld(text), 'odd cells');
  });

  it('with the columns in any order, extra columns, CRLF, blank lines and a byte-order mark', () => {
    const texts = [
      'volume,close,extra,timestamp,low,high,open\n3,10.5,x,2021-05-01T00:00:00Z,9,11,10\n\n4,11,,2021-05-01T01:00:00Z,10,12,10.5',
      '\uFEFFtimestamp,open,high,low,close,volume,trades\r\n2021-05-01T00:00:00.000Z,1,2,0.5,1.5,0,17\r\n   \r\n2021-05-01T01:00:00+00:00,1.5,2,1,1,0.25,3\r\n',
      ' TIMESTAMP,Open,HIGH,low,close,volume \n2021-05-01T00:00:00Z,1,1,1,1,1\n\t\n',
      'timestamp,open,high,low,close,volume\n2021-05-01T00:00:00.123456789Z,1,1,1,1,1\n2021-05-01T00:00:00.5Z,1,1,1,1,1\n2021-05-01T03:00:00+02:30,1,1,1,1,1\n2021-05-01T00:00:00-01:00,1,1,1,1,1\n2021-05-01T02:00:00+0000,1,1,1,1,1',
    ];
    for (const text of texts) {
      const expected = parseOld(text);
      assert.ok(expected.length >= 1);
      assertBitIdentical(parseNew(text), expected, JSON.stringify(text.slice(0, 30)));
    }
  });

  it('fails on every bad file with the old error (a number: "decimal"), naming the file and the line', () => {
    const header = 'timestamp,open,high,low,close,volume';
    const bad = [
      '',
      'timestamp,open,high,low,close\n2021-05-01T00:00:00Z,1,1,1,1\n',
      'time,o,h,l,c,v\n',
      `${header}\n2021-05-01T00:00:00Z,1,abc,1,1,1\n`,
      `${header}\n2021-05-01T00:00:00Z,1,,1,1,1\n`,
      `${header}\n2021-05-01T00:00:00Z,1,1,1,1\n`,
      `${header}\n2021-05-01T00:00:00Z,1,1,1,1,Infinity\n`,
      `${header}\n2021-05-01T00:00:00Z,1,1,1,1,NaN\n`,
      `${header}\n2021-05-01T00:00:00Z,1,1,2,1,1\n`,
      `${header}\n2021-05-01T00:00:00Z,0,1,0,1,1\n`,
      `${header}\n2021-05-01T00:00:00Z,1,1,1,1,-1\n`,
      `${header}\n2021-05-01T00:00:00Z,2,3,1.5,4,1\n`,
      `${header}\n2021-05-01T01:00:00Z,1,1,1,1,1\n2021-05-01T00:00:00Z,1,1,1,1,1\n`,
      `${header}\n2021-05-01T01:00:00Z,1,1,1,1,1\n\n2021-05-01T01:00:00.000Z,1,1,1,1,1\n`,
      `${header}\nyesterday,1,1,1,1,1\n`,
      `${header}\n,1,1,1,1,1\n`,
      `${header}\n 2021-05-01T00:00:00Z,1,1,1,1,1\n`,
      `${header}\n2021-05-01T00:00:00Z ,1,1,1,1,1\n`,
      `${header}\n2021-05-01 00:00:00Z,1,1,1,1,1\n`,
      `${header}\n2021-05-01T00:00:00.Z,1,1,1,1,1\n`,
      `${header}\n2021-13-01T00:00:00Z,1,1,1,1,1\n`,
      `${header}\n2021-05-01T00:00:00+00:60,1,1,1,1,1\n`,
      `${header}\n2021-05-01T00:00:00+00,1,1,1,1,1\n`,
      `${header}\n2021-05-01T00:00:00+00:0,1,1,1,1,1\n`,
      `${header}\r2021-05-01T00:00:00Z,1,1,1,1,1\r`,
      `${header}\n2021-05-01T00:00:00Z,1,1,1,1,1\n2021-05-01T01:00:00Z,1,1e400,1,1,1\n`,
    ];
    for (const text of bad) {
      const expected = errorOf(() => parseOld(text, '/data/BAD.csv')).replace(
        'is not a number',
        'is not a decimal number',
      );
      const actual = errorOf(() => parseNew(text, '/data/BAD.csv'));
      assert.match(actual, /^\/data\/BAD\.csv:\d+: /, JSON.stringify(text));
      assert.equal(actual, expected, JSON.stringify(text));
    }
  });

  it('refuses, on purpose, the timestamps Date.parse let through: impossible dates and no time zone', () => {
    const header = 'timestamp,open,high,low,close,volume';
    // Date.parse rolls 2021-02-29 over into March and reads a time without a zone in the machine's zone.
    for (const stamp of [
      '2021-02-29T00:00:00Z',
      '2021-04-31T12:00:00Z',
      '2021-05-01T24:00:00Z',
      '2021-05-01T00:00:00',
    ]) {
      const text = `${header}\n2021-01-01T00:00:00Z,1,1,1,1,1\n${stamp},1,1,1,1,1\n`;
      assert.equal(parseOld(text).length, 2, `the old parser took ${stamp}`);
      assert.equal(
        errorOf(() => parseNew(text, 'F.csv')),
        `F.csv:3: timestamp "${stamp}" is not an ISO-8601 UTC time`,
      );
    }
  });
});

describe('candle numbers are decimals', () => {
  const header = 'timestamp,open,high,low,close,volume';
  const file = (cell: string) =>
    `${header}\n2021-01-01T00:00:00Z,1,1,1,1,1\n2021-01-01T01:00:00Z,1,1,1,1,1\n2021-01-01T02:00:00Z,${cell},16,1,1,1\n`;

  it('refuses, on purpose, the literals Number() read as other numbers, naming the file and line', () => {
    // 0x10 was read as 16 and 0b1111 as 15: prices the source never wrote, traded.
    const tookByOld = ['0x10', '0X10', '0b1111', '0o17'];
    for (const cell of [...tookByOld, '0x1p3', 'Infinity', '-Infinity', '1_0', '١']) {
      const text = file(cell);
      if (tookByOld.includes(cell))
        assert.equal(
          errorOf(() => parseOld(text)),
          '(no error)',
          cell,
        );
      assert.equal(
        errorOf(() => parseNew(text, 'F.csv')),
        `F.csv:4: open "${cell}" is not a decimal number`,
      );
    }
  });

  it('reads decimals with an exponent, a sign or spaces around them as Number() does', () => {
    // pandas writes PEPE's 0.00000197 as 1.97e-06: real exports need the exponent.
    for (const cell of ['1.97e-06', '1.97E-06', '2e+1', '+3.5', ' 4', '5 ', '.5e1', '6.', '0000012']) {
      const text = `${header}\n2021-01-01T00:00:00Z,${cell},100,0.000001,${cell},${cell}\n`;
      const [bar] = parseNew(text);
      assert.equal(bar?.open, Number(cell), cell);
      assert.equal(bar?.volume, Number(cell), cell);
    }
  });
});

describe('ISO timestamps from bytes', () => {
  it('agree with Date.parse on every timestamp they accept, and accept every well-formed one', () => {
    const random = seededRandom(3);
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    const zones = [
      'Z',
      'z',
      '+00:00',
      '-00:00',
      '+05:30',
      '-11:45',
      '+23:59',
      '+0000',
      '-0130',
      '',
      '+24:00',
      '+00',
    ];
    const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const daysIn = (y: number, m: number) =>
      [31, leap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
    for (let i = 0; i < 100_000; i++) {
      const year = random() < 0.05 ? Math.floor(random() * 10_000) : 1960 + Math.floor(random() * 100);
      const month = 1 + Math.floor(random() * 12);
      const day = 1 + Math.floor(random() * 31);
      const hour = Math.floor(random() * 25);
      const minute = Math.floor(random() * 60);
      const second = Math.floor(random() * 61);
      const fraction =
        random() < 0.3 ? `.${pad(Math.floor(random() * 1e6), 1 + Math.floor(random() * 6))}` : '';
      const zone = zones[Math.floor(random() * zones.length)] as string;
      const stamp = `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${fraction}${zone}`;
      const bytes = Buffer.from(stamp);
      const ours = isoTimeFromBytes(bytes, 0, bytes.length);
      const real = day <= (daysIn(year, month) as number);
      const wellFormed = real && hour < 24 && second < 60 && !['', '+24:00', '+00'].includes(zone);
      if (wellFormed) assert.equal(ours, Date.parse(stamp), stamp);
      else assert.ok(Number.isNaN(ours), `${stamp} should be refused, read ${ours}`);
    }
  });

  it('count days from 1970 as the proleptic Gregorian calendar does', () => {
    for (let days = -800_000; days < 3_000_000; days += 997) {
      const date = new Date(days * 86_400_000);
      if (date.getUTCFullYear() < 0) continue;
      assert.equal(daysFromCivil(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()), days);
    }
  });
});
