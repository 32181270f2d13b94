// `sigil data download` through the real binary and a real ccxt `binance`, against the fake Binance server
// on 127.0.0.1 (--exchange-url): paging on the bars each answer holds, a 429 waited out for its
// Retry-After, a gap reported, a run killed mid-way resumed without a duplicate, and a folder holding
// other data for the symbol refused (exit 2) with the file untouched.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, it } from 'node:test';
import { FakeBinance, type FakeBar } from '../../test/support/fake-exchange.ts';
import { sigilAsync } from '../../test/support/sigil-cli.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const BIN = fileURLToPath(new URL('../../bin/sigil.js', import.meta.url));
const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const HEADER = 'timestamp,open,high,low,close,volume';
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** `count` hourly bars from T0, each telling its index by its prices; `skip`: indexes the exchange lacks. */
function hourly(count: number, skip: readonly number[] = []): FakeBar[] {
  return Array.from({ length: count }, (_, i) => i)
    .filter((i) => !skip.includes(i))
    .map((i) => ({
      time: T0 + i * HOUR,
      open: 100 + i,
      high: 102.5 + i,
      low: 99 + i,
      close: 101 + i,
      volume: 10 + i / 4,
    }));
}

/** The file `sigil data download` writes for these bars. */
function csv(bars: readonly FakeBar[]): string {
  const rows = bars.map((b) => `${iso(b.time)},${b.open},${b.high},${b.low},${b.close},${b.volume}`);
  return `${HEADER}\n${rows.map((row) => `${row}\n`).join('')}`;
}

describe('sigil data download (fake Binance)', () => {
  let fake: FakeBinance;
  const dir = tempDir('sigil-download-');
  let out: string;
  let runs = 0;

  before(async () => {
    fake = await FakeBinance.start();
  });
  after(async () => {
    await fake.close();
    dir.remove();
  });
  beforeEach(() => {
    fake.reset();
    out = join(dir.path, `out${++runs}`);
  });

  const args = (symbols: string, bars: number, ...more: string[]) => [
    'data',
    'download',
    '--exchange',
    'binance',
    '--exchange-url',
    fake.baseUrl,
    '--symbols',
    symbols,
    '--timeframe',
    '1h',
    '--from',
    '2024-01-01',
    '--to',
    iso(T0 + bars * HOUR),
    '--out',
    out,
    ...more,
  ];

  it('pages on the bars each answer holds, into one Sigil CSV file per symbol', async () => {
    fake.capKlinesRows(24);
    fake.setBars('BTCUSDT', hourly(100));
    fake.setBars('ETHUSDT', hourly(30));
    const run = await sigilAsync(args('BTC/USDT,ETH/USDT', 100), dir.path);
    assert.equal(run.code, 0, run.err);
    assert.equal(readFileSync(join(out, 'BTCUSDT.csv'), 'utf8'), csv(hourly(100)));
    assert.equal(readFileSync(join(out, 'ETHUSDT.csv'), 'utf8'), csv(hourly(30)));
    const starts = fake.klinesRequests('BTCUSDT').map((r) => Number(r.query.startTime));
    assert.deepEqual(
      starts.slice(0, 5),
      [0, 24, 48, 72, 96].map((i) => T0 + i * HOUR),
      'each page after the last bar got',
    );
    assert.match(
      run.out,
      /BTC\/USDT\s+\S+BTCUSDT\.csv\s+100\s+100\s+2024-01-01T00:00:00Z\s+2024-01-05T03:00:00Z\s+0\s+0/,
    );
    assert.match(run.out, /ETH\/USDT\s+\S+ETHUSDT\.csv\s+30\s+30\s/);
  });

  it('waits out a 429 for its Retry-After, then goes on', async () => {
    fake.capKlinesRows(20);
    fake.setBars('BTCUSDT', hourly(50));
    fake.failNext('klines', { kind: 'status', status: 429, retryAfter: 1 });
    const run = await sigilAsync(args('BTC/USDT', 50, '--quiet'), dir.path);
    assert.equal(run.code, 0, run.err);
    assert.match(run.err, /waiting 1\.0 s: ccxt:binance BTC\/USDT: rate limited \(Retry-After\)/);
    const [refused, retried] = fake.klinesRequests();
    assert.equal(retried?.query.startTime, refused?.query.startTime, 'the same page asked again');
    assert.ok((retried?.at ?? 0) - (refused?.at ?? 0) >= 1_000, 'not before Retry-After');
    assert.equal(readFileSync(join(out, 'BTCUSDT.csv'), 'utf8'), csv(hourly(50)));
  });

  it('reports the bars the exchange does not have', async () => {
    fake.capKlinesRows(10);
    fake.setBars('BTCUSDT', hourly(40, [17, 18, 19, 30]));
    const run = await sigilAsync(args('BTC/USDT', 40), dir.path);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /BTCUSDT\.csv\s+36\s+36\s+\S+\s+\S+\s+2\s+4\n/);
    assert.match(run.out, /BTC\/USDT: 2 gaps/);
    assert.match(run.out, /2024-01-01T17:00:00Z → 2024-01-01T19:00:00Z {2}3 bars/);
    assert.match(run.out, /2024-01-02T06:00:00Z → 2024-01-02T06:00:00Z {2}1 bar\n/);
    const json = await sigilAsync([...args('BTC/USDT', 40), '--json'], dir.path);
    const [report] = JSON.parse(json.out) as { added: number; gaps: { from: string; bars: number }[] }[];
    assert.equal(report?.added, 0, 'the second run had nothing to add');
    assert.deepEqual(
      report?.gaps.map((g) => [g.from, g.bars]),
      [
        ['2024-01-01T17:00:00Z', 3],
        ['2024-01-02T06:00:00Z', 1],
      ],
    );
  });

  it('resumes a run killed mid-way from the last whole bar, without a duplicate', async () => {
    fake.capKlinesRows(10);
    fake.setBars('BTCUSDT', hourly(60));
    fake.cutKlinesAfter(3);
    const file = join(out, 'BTCUSDT.csv');
    const child = spawn(process.execPath, [BIN, ...args('BTC/USDT', 60)], { cwd: dir.path, stdio: 'ignore' });
    const exited = new Promise((done) => child.once('exit', done));
    // The fourth page's request is held: the first three are on disk by then.
    while (fake.klinesRequests().length < 4) await new Promise((done) => setTimeout(done, 20));
    child.kill('SIGKILL');
    await exited;
    assert.equal(readFileSync(file, 'utf8'), csv(hourly(30)));
    // As if the kill had cut a write short.
    appendFileSync(file, '2024-01-02T06:00:00Z,130,13');

    fake.cutKlinesAfter(null);
    const before = fake.klinesRequests().length;
    const run = await sigilAsync(args('BTC/USDT', 60), dir.path);
    assert.equal(run.code, 0, run.err);
    assert.equal(readFileSync(file, 'utf8'), csv(hourly(60)));
    const resumedAt = fake.klinesRequests()[before]?.query.startTime;
    assert.equal(Number(resumedAt), T0 + 29 * HOUR, 'from the last bar written (asked again to compare)');
    assert.match(run.out, /BTCUSDT\.csv\s+30\s+60\s/);
  });

  it('extends a file backwards when --from is earlier than its first bar', async () => {
    fake.capKlinesRows(16);
    fake.setBars('BTCUSDT', hourly(48));
    const run = await sigilAsync([...args('BTC/USDT', 48), '--from', iso(T0 + 20 * HOUR)], dir.path);
    assert.equal(run.code, 0, run.err);
    const again = await sigilAsync(args('BTC/USDT', 48), dir.path);
    assert.equal(again.code, 0, again.err);
    assert.equal(readFileSync(join(out, 'BTCUSDT.csv'), 'utf8'), csv(hourly(48)));
  });

  describe('refuses a folder holding other data for the symbol (exit 2, the file named and untouched)', () => {
    const refused = async (file: string, content: string | Buffer, why: RegExp) => {
      fake.capKlinesRows(50);
      fake.setBars('BTCUSDT', hourly(48));
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, file), content);
      const run = await sigilAsync(args('BTC/USDT', 48), dir.path);
      assert.equal(run.code, 2, run.err);
      assert.ok(run.err.includes(join(out, file)), run.err);
      assert.match(run.err, why);
      assert.match(run.err, /download into another folder \(--out\) or move the file away/);
      assert.deepEqual(readFileSync(join(out, file)), Buffer.from(content));
      return run;
    };

    it('another timeframe: 5-minute bars', async () => {
      const bars = Array.from({ length: 12 }, (_, i) => ({ ...hourly(1)[0]!, time: T0 + i * 300_000 }));
      await refused('BTCUSDT.csv', csv(bars), /bar 2024-01-01T00:05:00Z is off the 1h grid: not 1h data/);
      assert.equal(fake.klinesRequests().length, 0, 'refused before a candle was asked for');
    });

    it('bars that disagree with the exchange where they overlap', async () => {
      const mine = hourly(10).map((b) => ({ ...b, close: b.close + 0.5 }));
      await refused(
        'BTCUSDT.csv',
        csv(mine),
        /holds other data than ccxt:binance BTC\/USDT: the bar at 2024-01-01T09:00:00Z/,
      );
      assert.equal(existsSync(join(out, 'BTCUSDT.csv.part')), false);
    });

    it("the same symbol in another file (freqtrade's BTC_USDT-1h.json)", async () => {
      await refused('BTC_USDT-1h.json', JSON.stringify([[T0, 1, 1, 1, 1, 1]]), /holds BTCUSDT already/);
    });
  });

  it('refuses bad usage with exit 2: unknown market, timeframe and time', async () => {
    const cases: [string[], RegExp][] = [
      [args('DOGE/USDT', 10), /binance has no market DOGE\/USDT/],
      [
        [...args('BTC/USDT', 10), '--timeframe', '2h'],
        /--timeframe 2h is not one of 1m, 5m, 15m, 1h, 4h, 1d/,
      ],
      [[...args('BTC/USDT', 10), '--from', '01/01/2024'], /--from "01\/01\/2024" is not an ISO time/],
      [[...args('BTC/USDT', 10), '--exchange', 'nosuchexchange'], /ccxt has no exchange "nosuchexchange"/],
    ];
    for (const [argv, why] of cases) {
      const run = await sigilAsync(argv, dir.path);
      assert.equal(run.code, 2, `${argv.join(' ')}: ${run.err}`);
      assert.match(run.err, why);
    }
  });
});
