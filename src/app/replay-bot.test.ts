// The paper bot over a replay, interrupted: stopped and resumed, or killed with SIGKILL at random
// moments and restarted, it ends with exactly the trades of an uninterrupted run — no intent lost, no
// order sent twice, no position without its intent and orders, balances that add up.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { loadConfigFile } from '../config/load-config.ts';
import { fingerprint, tradeRows } from '../backtest/metrics.ts';
import { openStore } from '../store/open-store.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { runReplay } from './replay-bot.ts';

const BIN = fileURLToPath(new URL('../../bin/sigil.js', import.meta.url));
const DATA = fileURLToPath(new URL('../../data/crypto/1h', import.meta.url));
const CONFIG = `
market:
  data: ${DATA}
  symbols: [BTCUSDT, DOGEUSDT, SOLUSDT]
scanner:
  breakout_lookback: 20
  min_volume_ratio: 0
risk:
  trail_atr_multiplier: 3
  time_stop_hours: 48
variants:
  baseline:
  wide:
    risk:
      hard_stop_multiplier: 2.5
`;
const UNTIL = '2021-08-01T00:00:00Z';

describe('the paper bot over a replay, interrupted', () => {
  const dir = tempDir('sigil-replay-');
  const configFile = join(dir.path, 'sigil.yaml');
  writeFileSync(configFile, CONFIG);
  after(() => dir.remove());

  async function replay(url: string, until: string) {
    const config = loadConfigFile(configFile);
    const { store } = await openStore(url, { now: '2021-04-01T00:00:00Z' });
    try {
      return await runReplay({
        store,
        config,
        variants: config.variants,
        speed: 0,
        until: Date.parse(until),
        signal: new AbortController().signal,
        sleep: async () => undefined,
      });
    } finally {
      await store.close();
    }
  }

  async function tradesOf(url: string) {
    const { store } = await openStore(url, { now: '2021-04-01T00:00:00Z' });
    try {
      return tradeRows(await store.closedPositions());
    } finally {
      await store.close();
    }
  }

  /** How far the replay at `url` got: the market job's last bar over the run's span, 0 before it starts. */
  async function progressOf(url: string): Promise<number> {
    const file = url.slice('sqlite:'.length);
    if (!existsSync(file)) return 0;
    const db = new Database(file, { readonly: true });
    try {
      const row = db.prepare("SELECT last_run_at FROM jobs WHERE name = 'market'").get() as
        { last_run_at: number | null } | undefined;
      const first = Date.parse('2021-04-05T00:00:00Z');
      return Math.min(1, Math.max(0, ((row?.last_run_at ?? first) - first) / (Date.parse(UNTIL) - first)));
    } catch {
      return 0; // not migrated yet
    } finally {
      db.close();
    }
  }

  /** Seconds from the dashboard's announcement to the end of an uninterrupted run of `args` on `url`. */
  async function timedRun(args: string[], url: string): Promise<number> {
    const child = spawn(
      process.execPath,
      args.map((a) => (a.startsWith('sqlite:') ? url : a)),
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let started = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      if (started === 0 && chunk.toString().includes('Dashboard:')) started = performance.now();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0);
    return (performance.now() - started) / 1000;
  }

  let reference: string;
  it('a run stopped halfway and resumed ends with the trades of an uninterrupted run', async () => {
    const straight = `sqlite:${join(dir.path, 'straight.db')}`;
    const first = await replay(straight, UNTIL);
    assert.equal(first.finished, true);
    const trades = await tradesOf(straight);
    assert.ok(trades.length > 30, `the replay trades (${trades.length})`);
    reference = fingerprint(trades);

    const resumed = `sqlite:${join(dir.path, 'resumed.db')}`;
    const half = await replay(resumed, '2021-05-01T00:00:00Z');
    assert.equal(half.resumedAt, null);
    const rest = await replay(resumed, UNTIL);
    assert.ok(rest.resumedAt !== null && rest.barsRun > 0);
    assert.equal(fingerprint(await tradesOf(resumed)), reference);
  });

  it('SIGKILL at 20 random moments, then a restart, loses nothing and sends nothing twice', async () => {
    const url = `sqlite:${join(dir.path, 'killed.db')}`;
    const args = [
      BIN,
      '--db',
      url,
      '--config',
      configFile,
      'run',
      '--quiet',
      '--dashboard-port',
      '0',
      '--until',
      UNTIL,
    ];
    // The replay runs in about a second: a kill timed from the process's start would mostly land before
    // the first bar or after the last. So each kill is timed from the moment the run announces its
    // dashboard (the replay starts right after), at a random point of what is left of the run — every
    // kill lands while bars are being committed.
    const replaySeconds = await timedRun(args, `sqlite:${join(dir.path, 'timing.db')}`);
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const landed: number[] = [];
    // A run that ends before its kill (the estimate was long) is simply run again, up to 40 times.
    for (let attempt = 0; landed.length < 20 && attempt < 40; attempt++) {
      const left = 1 - (await progressOf(url));
      const delay = Math.floor(random() * 0.8 * left * replaySeconds * 1000);
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
      await new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        child.stdout.on('data', (chunk: Buffer) => {
          if (timer === undefined && chunk.toString().includes('Dashboard:'))
            timer = setTimeout(() => child.kill('SIGKILL'), delay);
        });
        child.on('exit', (_code, signal) => {
          clearTimeout(timer);
          if (signal === 'SIGKILL') landed.push(delay);
          resolve();
        });
      });
    }
    assert.equal(landed.length, 20, 'twenty kills landed while the replay ran');
    const final = spawnSync(process.execPath, args, { encoding: 'utf8' });
    assert.equal(final.status, 0, final.stderr);
    assert.equal(fingerprint(await tradesOf(url)), reference, 'the same trades as the uninterrupted run');

    const db = new Database(url.slice('sqlite:'.length), { readonly: true });
    try {
      const duplicates = db
        .prepare(
          `SELECT intent_id, purpose, COUNT(*) AS n FROM orders GROUP BY intent_id, purpose HAVING n > 1`,
        )
        .all();
      assert.deepEqual(duplicates, [], 'one entry and at most one exit order per intent');
      const orphans = db
        .prepare(
          `SELECT p.id FROM positions p LEFT JOIN intents i ON i.id = p.intent_id
           LEFT JOIN orders o ON o.client_order_id = p.intent_id || ':entry'
           WHERE o.client_order_id IS NULL OR (i.id IS NOT NULL AND i.status NOT IN ('opened', 'closed'))`,
        )
        .all();
      assert.deepEqual(orphans, [], 'every position has its entry order, and its intent is opened or closed');
      const stuck = db
        .prepare(`SELECT id, status FROM intents WHERE status IN ('claimed', 'executing')`)
        .all();
      assert.deepEqual(stuck, [], 'no intent left half-way');
      // Balances: the P&L of every closed position is what its two fills say.
      const mismatched = db
        .prepare(
          `SELECT p.id FROM positions p
           JOIN orders e ON e.client_order_id = p.intent_id || ':entry'
           JOIN orders x ON x.client_order_id = p.id || ':exit'
           WHERE p.status = 'closed' AND ABS((x.fill_price - e.fill_price) * p.qty - e.fee - x.fee - p.pnl) > 1e-6`,
        )
        .all();
      assert.deepEqual(mismatched, []);
    } finally {
      db.close();
    }
  });
});
