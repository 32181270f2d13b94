// A store is what an operator points every command at, so a mistake about it must be loud and harmless:
// a command that reads a store refuses one that does not exist (and creates nothing), a backtest leaves
// --db alone unless told to keep its store, a store started by one configuration's replay refuses another
// configuration (or a live bot), and every command reading a replay's store reads it on the replay's own
// clock — the probe halts nothing, locks and the dashboard's heartbeats are judged in replay time, a
// replay's log records carry their bar, and a run says at its start which variants will not trade.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { sigil, sigilAsync, sigilServing } from '../../test/support/sigil-cli.ts';
import { freshSchema, testPostgresBaseUrl } from '../../test/support/postgres.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const DATA = new URL('../../data/crypto/1h', import.meta.url).pathname;
const config = (lookback: number) => `market:
  data: ${DATA}
  symbols: [BTCUSDT, SOLUSDT]
scanner:
  breakout_lookback: ${lookback}
  min_volume_ratio: 0
variants:
  baseline:
  wide:
    risk:
      hard_stop_multiplier: 2.5
`;
const UNTIL = '2021-04-10T00:00:00Z';

describe('stores: refused when missing, kept to one configuration, read on their own clock', () => {
  const dir = tempDir('sigil-store-safety-');
  const configA = join(dir.path, 'a.yaml');
  const configB = join(dir.path, 'b.yaml');
  const replayDb = join(dir.path, 'replay.db');
  const cli = (args: string[]) => sigil(args, dir.path);
  const onReplay = (...args: string[]) => cli(['--config', configA, '--db', `sqlite:${replayDb}`, ...args]);

  before(() => {
    writeFileSync(configA, config(20));
    writeFileSync(configB, config(30));
    const run = onReplay('run', '--until', UNTIL, '--no-dashboard', '--quiet');
    assert.equal(run.code, 0, run.err);
  });
  after(() => dir.remove());

  it('every command that reads or changes a store refuses a missing one, exit 2, creating nothing', () => {
    const missing = join(dir.path, 'typo-folder', 'dahs.db');
    const commands = [
      ['status'],
      ['intents', 'list'],
      ['intents', 'show', 'it_x'],
      ['locks'],
      ['stats', 'exits'],
      ['probe'],
      ['compliance'],
      ['dashboard'],
      ['halt', 'baseline'],
      ['reset', 'baseline'],
      ['unlock', 'baseline', 'BTCUSDT'],
      ['ab', '--on-store'],
    ];
    for (const command of commands) {
      const run = cli(['--db', `sqlite:${missing}`, ...command]);
      assert.equal(run.code, 2, `${command.join(' ')}: ${run.out}${run.err}`);
      assert.match(
        run.err,
        /no Sigil database at .*dahs\.db; `sigil migrate` creates one/,
        command.join(' '),
      );
      assert.equal(
        existsSync(join(dir.path, 'typo-folder')),
        false,
        `${command.join(' ')} created the folder`,
      );
    }
  });

  it('a PostgreSQL schema that holds no store is refused and not created', async () => {
    const target = await freshSchema('typo');
    try {
      const run = cli(['--db', target.url, 'status']);
      assert.equal(run.code, 2, run.err);
      assert.match(run.err, /no Sigil database at/);
      const client = new pg.Client({ connectionString: testPostgresBaseUrl() });
      await client.connect();
      try {
        const found = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [
          target.schema,
        ]);
        assert.equal(found.rowCount, 0, 'the schema was created');
      } finally {
        await client.end();
      }
    } finally {
      await target.drop();
    }
  });

  it('backtest leaves --db alone; --keep-store keeps its run there for the other commands', () => {
    const untouched = join(dir.path, 'bt', 'never.db');
    const plain = cli([
      '--config',
      configA,
      '--db',
      `sqlite:${untouched}`,
      'backtest',
      '--to',
      UNTIL,
      '--no-progress',
    ]);
    assert.equal(plain.code, 0, plain.err);
    assert.equal(existsSync(join(dir.path, 'bt')), false);

    const kept = join(dir.path, 'kept.db');
    const keep = (...args: string[]) => cli(['--config', configA, '--db', `sqlite:${kept}`, ...args]);
    const run = keep('backtest', '--to', UNTIL, '--no-progress', '--keep-store');
    assert.equal(run.code, 0, run.err);
    const trades = /baseline\s+(\d+)/.exec(plain.out)?.[1];
    const listed = JSON.parse(keep('intents', 'list', '--json', '--limit', '1000').out) as {
      status: string;
    }[];
    assert.ok(listed.length > 0, 'the kept store holds the run');
    assert.ok(trades !== undefined);
    // The kept store is a replay's: its clock is the last bar's, so the probe leaves it alone.
    assert.match(keep('probe').out, /finished replay .*2021-04-10T00:00:00/);
    const again = keep('backtest', '--to', UNTIL, '--no-progress', '--keep-store');
    assert.equal(again.code, 2);
    assert.match(again.err, /--keep-store needs a new database/);
  });

  it("another configuration on a replay's store is refused, nothing written; --fresh starts anew", () => {
    const intentsBefore = onReplay('intents', 'list', '--json', '--limit', '1000').out;
    const other = cli([
      '--config',
      configB,
      '--db',
      `sqlite:${replayDb}`,
      'run',
      '--no-dashboard',
      '--quiet',
    ]);
    assert.equal(other.code, 2, other.out);
    assert.match(
      other.err,
      /holds the replay of another configuration \(.*a\.yaml, version \w+, candles 2021-04-05/,
    );
    assert.match(other.err, /--fresh/);
    assert.equal(onReplay('intents', 'list', '--json', '--limit', '1000').out, intentsBefore);

    const copy = join(dir.path, 'fresh.db');
    const replayOn = (configFile: string, ...extra: string[]) =>
      cli([
        '--config',
        configFile,
        '--db',
        `sqlite:${copy}`,
        'run',
        '--until',
        UNTIL,
        '--no-dashboard',
        '--quiet',
        ...extra,
      ]);
    const first = replayOn(configA);
    assert.equal(first.code, 0, first.err);
    const fresh = replayOn(configB, '--fresh');
    assert.equal(fresh.code, 0, fresh.err);
    assert.match(fresh.out, /The previous database is kept as .*fresh\.\d{4}-.*\.db; starting anew/);
    assert.doesNotMatch(fresh.out, /Resumed at/);
    assert.equal(readdirSync(dir.path).filter((f) => /^fresh\.\d{4}-.*\.db$/.test(f)).length, 1);
  });

  it("a live bot is refused on a replay's store before anything is fetched or written", () => {
    const live = onReplay('run', '--live', '--no-dashboard');
    assert.equal(live.code, 2, live.out);
    assert.match(live.err, /holds a replay .*live trading needs a database of its own/);
  });

  it('the probe on a finished replay says so and halts nothing', () => {
    const probe = onReplay('probe');
    assert.equal(probe.code, 0, probe.out + probe.err);
    assert.match(probe.out, /holds a finished replay \(its simulated clock stopped at 2021-04-10T00:00:00/);
    const status = JSON.parse(onReplay('status', '--json').out) as { tradingStates: unknown[] };
    assert.deepEqual(status.tradingStates, []);
  });

  it("locks are written and listed in the replay's time", () => {
    const lock = onReplay('lock', 'wide', 'BTCUSDT', '--hours', '2');
    assert.equal(lock.code, 0, lock.err);
    assert.match(lock.out, /no entries until 2021-04-10T02:00:00Z/);
    const listed = onReplay('locks');
    assert.match(listed.out, /wide\s+BTCUSDT\s+manual\s+2021-04-10T02:00:00Z\s+2 h/);
  });

  it("the dashboard of a replay's store judges heartbeats and locks in replay time", async () => {
    const { child, url } = await sigilServing(
      ['--config', configA, '--db', `sqlite:${replayDb}`, 'dashboard', '--port', '0'],
      dir.path,
    );
    try {
      const status = (await (await fetch(`${url}/api/status`)).json()) as { now: number };
      assert.equal(new Date(status.now).toISOString(), '2021-04-10T00:00:00.000Z');
      const beats = (await (await fetch(`${url}/api/heartbeats`)).json()) as {
        heartbeats: { stale: boolean }[];
      };
      assert.ok(beats.heartbeats.length > 0);
      assert.ok(
        beats.heartbeats.every((hb) => !hb.stale),
        JSON.stringify(beats),
      );
      const locks = (await (await fetch(`${url}/api/locks`)).json()) as { locks: { symbol: string }[] };
      assert.ok(
        locks.locks.some((l) => l.symbol === 'BTCUSDT'),
        JSON.stringify(locks),
      );
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });

  it("a replay's log records carry their bar; a run names the variants that will not trade", async () => {
    const halt = onReplay('halt', 'baseline', '--reason', 'checking the start message');
    assert.equal(halt.code, 0, halt.err);
    const run = await sigilAsync(
      [
        '--config',
        configA,
        '--db',
        `sqlite:${replayDb}`,
        '--log-level',
        'debug',
        '--log-format',
        'json',
        'run',
        '--until',
        '2021-04-12T00:00:00Z',
        '--no-dashboard',
        '--quiet',
      ],
      dir.path,
    );
    assert.equal(run.code, 0, run.err);
    assert.match(
      run.out,
      /baseline is halted since 2021-04-10T00:00:00\.000Z by operator:cli: kill switch: checking the start message — it opens nothing until `sigil reset baseline`/,
    );
    const records = run.err
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { bar?: string; msg: string });
    const barRecords = records.filter((r) => r.bar !== undefined);
    assert.ok(barRecords.length > 0, run.err.slice(0, 500));
    for (const r of barRecords) assert.ok(r.bar! >= '2021-04-10' && r.bar! <= '2021-04-12T00', r.bar);
  });
});
