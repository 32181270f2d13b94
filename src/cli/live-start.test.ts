// `sigil run --live` checks its exchange at start and fetches the warm-up then — not at the first bar's
// close, up to a whole bar (here an hour) later: an exchange that cannot be reached stops the start
// within seconds with the reason (exit 1), a symbol it does not list is a configuration error (exit 2),
// and a reachable one has served the warm-up before the bot says it is trading. The real binary, against
// a fake Binance on 127.0.0.1 and a closed port.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { wallNow } from '../clock/system-clock.ts';
import { refusingUrl } from '../../test/support/closed-port.ts';
import { FakeBinance, type FakeBar } from '../../test/support/fake-exchange.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const BIN = fileURLToPath(new URL('../../bin/sigil.js', import.meta.url));
const HOUR = 3_600_000;
/** The old start waited for the first hourly close; a test never waits that long for its answer. */
const GIVE_UP_MS = 45_000;

interface Started {
  code: number | null;
  out: string;
  err: string;
  ms: number;
}

/** Runs `sigil run --live` until it exits, or until `stopWhen` matches stdout (then SIGINT). */
function runLive(args: string[], cwd: string, stopWhen?: RegExp): Promise<Started> {
  const env = { ...process.env };
  delete env.SIGIL_DB;
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args, 'run', '--live', '--no-dashboard'], {
    cwd,
    env,
    timeout: GIVE_UP_MS,
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    if (stopWhen?.test(out)) child.kill('SIGINT');
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out, err, ms: performance.now() - started }));
  });
}

describe('sigil run --live checks the exchange at start', () => {
  const dir = tempDir('sigil-live-start-');
  let fake: FakeBinance;
  let n = 0;

  function config(exchangeUrl: string, symbols = '[BTC/USDT]'): string[] {
    const file = join(dir.path, `live-${++n}.yaml`);
    writeFileSync(
      file,
      [
        'market:',
        `  symbols: ${symbols}`,
        '  timeframe: 1h',
        '  exchange: binance',
        `  exchange_url: ${exchangeUrl}`,
        '  warmup_bars: 100',
        'engine:',
        '  owner_lease_s: 3',
        'variants:',
        '  live: {}',
        '',
      ].join('\n'),
    );
    return ['--config', file, '--db', `sqlite:${join(dir.path, `live-${n}.db`)}`];
  }

  /** 150 flat hourly bars up to the one that closed last. */
  function hourlyBars(): FakeBar[] {
    const lastOpen = Math.floor(wallNow() / HOUR) * HOUR - HOUR;
    return Array.from({ length: 150 }, (_, i) => ({
      time: lastOpen - (149 - i) * HOUR,
      ...{ open: 100, high: 101, low: 99, close: 100, volume: 1 },
    }));
  }

  before(async () => {
    fake = await FakeBinance.start();
    fake.setBars('BTCUSDT', hourlyBars());
  });
  after(async () => {
    await fake.close();
    dir.remove();
  });

  it('an exchange that cannot be reached stops the start within seconds, with the reason (exit 1)', async () => {
    const run = await runLive(config(await refusingUrl()), dir.path);
    assert.equal(run.code, 1, `${run.out}${run.err}`);
    // A couple of seconds on an idle machine; the bound leaves room for a loaded one.
    assert.ok(run.ms < 20_000, `exited after ${Math.round(run.ms)} ms`);
    assert.match(
      run.err,
      /market\.exchange binance at http:\/\/127\.0\.0\.1:\d+ cannot be read at start: .*ECONNREFUSED/,
    );
    assert.doesNotMatch(run.out, /Trading/);
  });

  it('a symbol the exchange does not list is a configuration error (exit 2), named', async () => {
    const run = await runLive(config(fake.baseUrl, '[BTC/USDT, XRP/USDT]'), dir.path);
    assert.equal(run.code, 2, `${run.out}${run.err}`);
    assert.ok(run.ms < 20_000, `exited after ${Math.round(run.ms)} ms`);
    assert.match(run.err, /market\.symbols: XRP\/USDT is not listed on binance at http:\/\/127\.0\.0\.1:\d+/);
  });

  it('a reachable exchange serves the warm-up at start, before the first bar closes', async () => {
    fake.reset();
    fake.setBars('BTCUSDT', hourlyBars());
    const run = await runLive(config(fake.baseUrl), dir.path, /Warm-up: \d+ closed bar/);
    assert.equal(run.code, 0, `${run.out}${run.err}`);
    // The warm-up's 100 bars end with the newest closed one: all fetched at start, an hour's wait saved.
    assert.match(run.out, /Warm-up: 100 closed bar\(s\) fetched from binance\./);
    assert.ok(fake.klinesRequests('BTCUSDT').length > 0, 'the candles were asked for at start');
    assert.match(run.out, /Trading BTC\/USDT \(1h\) from binance/);
  });
});
