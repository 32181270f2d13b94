// The runbook's live commands, as an operator types them, against a fake exchange whose newest bar just
// closed: `sigil run --once` (the cron line) trades the breakout and exits 0; `sigil run --monitor-only`
// watches the open position, opening nothing, and `sigil status` names it as the variant's owner while
// it runs; a second bot on the same variant is refused.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { wallNow } from '../clock/system-clock.ts';
import { FakeBinance, type FakeBar } from '../../test/support/fake-exchange.ts';
import { sigilAsync, sigilServing } from '../../test/support/sigil-cli.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const MINUTE = 60_000;

describe('sigil run --once and --monitor-only from the command line', () => {
  const dir = tempDir('sigil-run-modes-');
  const configFile = join(dir.path, 'live.yaml');
  const db = `sqlite:${join(dir.path, 'live.db')}`;
  let fake: FakeBinance;
  before(async () => {
    fake = await FakeBinance.start();
    // 1-minute bars up to the one that closed last; the newest breaks out. The run must start within
    // the minute, which a test does.
    const lastOpen = Math.floor(wallNow() / MINUTE) * MINUTE - MINUTE;
    const bars: FakeBar[] = Array.from({ length: 150 }, (_, i) => {
      const time = lastOpen - (149 - i) * MINUTE;
      const last = i === 149;
      return { time, open: 100, high: last ? 104.5 : 101, low: 99, close: last ? 104 : 100, volume: 1 };
    });
    fake.setBars('BTCUSDT', bars);
    writeFileSync(
      configFile,
      `market:
  symbols: [BTC/USDT]
  timeframe: 1m
  exchange: binance
  exchange_url: ${fake.baseUrl}
  warmup_bars: 100
scanner:
  breakout_lookback: 20
  min_volume_ratio: 0
engine:
  owner_lease_s: 3
variants:
  live:
`,
    );
  });
  after(async () => {
    await fake.close();
    dir.remove();
  });

  const sigil = (...args: string[]) => sigilAsync(['--config', configFile, '--db', db, ...args], dir.path);

  it('--once trades the newest closed bar, prints the variants and exits 0', async () => {
    const run = await sigil('run', '--once');
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /signals 1\s+opened 0/, 'the bar scanned');
    assert.match(run.out, /signals 0\s+opened 1/, 'the decision executed at once');
    assert.match(run.out, /live: 0 closed, P&L 0\.00 \(balance 1000\.00\), 1 open, active/);
  });

  it('--monitor-only holds the variant: status names it, a second bot is refused', async () => {
    const { child } = await sigilServing(
      ['--config', configFile, '--db', db, 'run', '--monitor-only', '--dashboard-port', '0'],
      dir.path,
    );
    try {
      const status = await sigil('status');
      assert.equal(status.code, 0, status.err);
      assert.match(status.out, new RegExp(`\\b${child.pid}\\s+scanner,analyst,execution\\s+live\\b`));
      const second = await sigil('run', '--live', '--no-dashboard');
      assert.equal(second.code, 2);
      assert.match(second.err, new RegExp(`variant live is already run by [^,]+, pid ${child.pid}, since `));
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    const after = await sigil('status');
    assert.match(after.out, /No sigil run process holds this store\./, 'a clean stop released the leases');
  });
});
