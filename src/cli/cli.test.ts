// The real `sigil` binary in a child process: what a user types, what they see, what the exit code is.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { freshSchema, type TestSchema } from '../../test/support/postgres.ts';
import { sigil } from '../../test/support/sigil-cli.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { variantId, workerId } from '../domain/ids.ts';
import { openStore } from '../store/open-store.ts';

const T0 = Date.UTC(2026, 0, 5, 12);

describe('sigil CLI', () => {
  const dir = tempDir('sigil-cli-');
  let pg: TestSchema;
  before(async () => {
    pg = await freshSchema('cli');
  });
  after(async () => {
    await pg.drop();
    dir.remove();
  });

  it('status refuses a database that does not exist; after migrate it shows the empty store', () => {
    const missing = sigil(['status'], dir.path);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no Sigil database at .*\.sigil\/sigil\.db; `sigil migrate` creates one/);
    assert.equal(existsSync(join(dir.path, '.sigil')), false);
    assert.equal(sigil(['migrate'], dir.path).code, 0);
    const run = sigil(['status'], dir.path);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /Database: .*\.sigil\/sigil\.db \(sqlite, schema version 16\)/);
    assert.match(run.out, /^baseline\s+0\s+0/m);
  });

  it('lists, filters and shows intents with their decision records', async () => {
    const url = `sqlite:${join(dir.path, 'listed.db')}`;
    const { store } = await openStore(url, { now: '2026-01-05T00:00:00Z' });
    const v = variantId('baseline');
    const { intent } = await store.insertIntent(
      { variantId: v, symbol: 'EURUSD', tradeDate: '2026-01-05' },
      'scanner:baseline',
      T0,
    );
    await store.insertIntent(
      { variantId: v, symbol: 'GBPUSD', tradeDate: '2026-01-05' },
      'scanner:baseline',
      T0,
    );
    await store.claimNextPending(workerId('analyst-1'), T0 + 1_000);
    await store.close();

    const listed = sigil(['--db', url, 'intents', 'list', '--status', 'claimed', '--json'], dir.path);
    assert.equal(listed.code, 0, listed.err);
    assert.deepEqual(
      (JSON.parse(listed.out) as { symbol: string }[]).map((i) => i.symbol),
      ['EURUSD'],
    );
    const table = sigil(['--db', url, 'intents', 'list', '--symbol', 'GBPUSD'], dir.path);
    assert.match(table.out, /GBPUSD\s+2026-01-05\s+pending/);
    assert.doesNotMatch(table.out, /EURUSD/);

    const shown = sigil(['--db', url, 'intents', 'show', intent.id], dir.path);
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, /status:\s+claimed/);
    assert.match(shown.out, /—\s+pending\s+create\s+scanner:baseline/);
    assert.match(shown.out, /pending\s+claimed\s+claim\s+analyst-1/);

    const status = sigil(['--db', url, 'status', '--json'], dir.path);
    const counts = JSON.parse(status.out) as {
      variants: { variant: string; counts: Record<string, number>; total: number }[];
    };
    assert.deepEqual(
      counts.variants.map((v) => [v.variant, v.counts.pending, v.counts.claimed, v.total]),
      [['baseline', 1, 1, 2]],
    );
  });

  it('migrates a PostgreSQL schema, then finds it up to date', () => {
    const first = sigil(['--db', pg.url, 'migrate'], dir.path);
    assert.equal(first.code, 0, first.err);
    assert.match(
      first.out,
      /applied 1 initial_schema, 2 risk, 3 orders, 4 trail_bar, 5 llm, 6 brokers, 7 equity_peak, 8 history_free_reads, 9 equity_peaks, 10 trade_record, 11 leases, 12 scanner_side, 13 exit_tag, 14 scanner_levels, 15 store_identity, 16 control_offsets; now at version 16/,
    );
    assert.match(sigil(['--db', pg.url, 'migrate'], dir.path).out, /is up to date \(schema version 16\)/);
  });

  it('refuses a foreign SQLite file and leaves it untouched', () => {
    const file = join(dir.path, 'other-app.db');
    const other = new Database(file);
    other.exec('CREATE TABLE customers (id INTEGER); INSERT INTO customers VALUES (1)');
    other.close();
    const before = readFileSync(file);
    const run = sigil(['--db', `sqlite:${file}`, 'status'], dir.path);
    assert.equal(run.code, 2);
    assert.match(run.err, /already holds tables of another application \(customers\)/);
    assert.doesNotMatch(run.err, /\n\s+at /, 'no stack trace without --verbose');
    assert.deepEqual(readFileSync(file), before);
  });

  it('refuses a file that is not a database', () => {
    const file = join(dir.path, 'notes.txt');
    writeFileSync(
      file,
      'this is not sqlite, just some notes that are long enough to look like a header'.repeat(20),
    );
    const before = readFileSync(file);
    const run = sigil(['--db', `sqlite:${file}`, 'intents', 'list'], dir.path);
    assert.equal(run.code, 2);
    assert.match(run.err, /is not a usable SQLite database/);
    assert.deepEqual(readFileSync(file), before);
  });

  it('refuses a database whose schema is newer than this Sigil', () => {
    const file = join(dir.path, 'future.db');
    assert.equal(sigil(['--db', `sqlite:${file}`, 'migrate'], dir.path).code, 0);
    const db = new Database(file);
    db.exec(
      "INSERT INTO sigil_migrations (id, name, applied_at) VALUES (99, 'from_the_future', '2030-01-01')",
    );
    db.close();
    const run = sigil(['--db', `sqlite:${file}`, 'status'], dir.path);
    assert.equal(run.code, 1);
    assert.match(
      run.err,
      /has schema version 99, but this Sigil knows migrations up to 16 only: upgrade Sigil/,
    );
  });

  it('explains an unreachable or missing PostgreSQL in one sentence, with details under --verbose', () => {
    const refused = sigil(['--db', 'postgres://postgres@127.0.0.1:1/sigil', 'status'], dir.path);
    assert.equal(refused.code, 1);
    assert.match(
      refused.err,
      /^sigil: cannot reach PostgreSQL at postgres:\/\/127\.0\.0\.1:1\/sigil .*is the server running\?\n$/,
    );
    const verbose = sigil(['--db', 'postgres://postgres@127.0.0.1:1/sigil', '--verbose', 'status'], dir.path);
    assert.match(verbose.err, /\n\s+at /, '--verbose shows the stack');
    const missing = new URL(pg.url);
    missing.pathname = '/sigil_no_such_database';
    const run = sigil(['--db', missing.toString(), 'status'], dir.path);
    assert.equal(run.code, 2);
    assert.match(run.err, /database "sigil_no_such_database" does not exist .*create it first/);
  });

  it('reports a configuration typo with the file, the key and the fix', () => {
    const file = join(dir.path, 'typo.yaml');
    writeFileSync(file, 'pipeline:\n  claim_tll_minutes: 5\n');
    const run = sigil(['--config', file, 'status'], dir.path);
    assert.equal(run.code, 2);
    assert.equal(run.err, `sigil: ${file}: pipeline.claim_tll_minutes: unknown key\n`);
    const check = sigil(['config', 'check', file], dir.path);
    assert.equal(check.code, 2);
  });

  it('checks a valid configuration and exports the JSON Schema', () => {
    const file = join(dir.path, 'ok.yaml');
    writeFileSync(file, 'variants:\n  baseline: {}\n  wide:\n    pipeline:\n      claim_ttl_minutes: 45\n');
    const check = sigil(['config', 'check', file], dir.path);
    assert.equal(check.code, 0, check.err);
    assert.match(check.out, /is valid: 2 variant\(s\): baseline, wide/);
    const schema = JSON.parse(sigil(['config', 'schema'], dir.path).out) as { title: string };
    assert.equal(schema.title, 'Sigil configuration');
  });

  it('rejects an unknown flag and documents every option in --help', () => {
    const run = sigil(['status', '--bogus'], dir.path);
    assert.equal(run.code, 2);
    assert.match(run.err, /unknown option '--bogus'/);
    const help = sigil(['intents', 'list', '--help'], dir.path).out;
    for (const option of ['--status', '--variant', '--symbol', '--date', '--limit', '--offset', '--json']) {
      assert.match(help, new RegExp(option));
    }
    assert.match(sigil(['--help'], dir.path).out, /--db <url>.*\n.*postgres:/);
  });

  it('describes the bundled data', () => {
    const run = sigil(
      [
        'data',
        'info',
        fileURLToPath(new URL('../../data/fx/1d', import.meta.url)),
        '--calendar',
        'fx',
        '--json',
      ],
      dir.path,
    );
    assert.equal(run.code, 0, run.err);
    const report = JSON.parse(run.out) as { symbol: string; timeframe: string; bars: number }[];
    assert.deepEqual(
      report.find((r) => r.symbol === 'EURUSD'),
      { ...report.find((r) => r.symbol === 'EURUSD'), timeframe: '1d', bars: 1234 },
    );
    // A coin priced under a millionth of a dollar: its data moves in steps of 1e-8, and a 1e-8 tick is
    // 1.7 % of its lowest price — a warning, on stderr, naming the config.
    const pepe = fileURLToPath(new URL('../../data/crypto/1h/PEPEUSDT.csv.gz', import.meta.url));
    const coarse = join(dir.path, 'coarse.yaml');
    writeFileSync(coarse, "market:\n  instruments:\n    '*': { price_tick: 0.00000001 }\n");
    const warned = sigil(['--config', coarse, 'data', 'info', pepe, '--json'], dir.path);
    assert.equal(warned.code, 0, warned.err);
    const [info] = JSON.parse(warned.out) as {
      priceStep: number;
      lowestPrice: number;
      configuredTick: number;
    }[];
    assert.deepEqual([info?.priceStep, info?.lowestPrice, info?.configuredTick], [1e-8, 6e-7, 1e-8]);
    assert.match(
      warned.err,
      /^warning: PEPEUSDT: market\.instruments price_tick 1e-8 \(.*coarse\.yaml\) is 1\.7 % of the lowest price 6e-7, over 0\.01 %/m,
    );
    const unrounded = sigil(['data', 'info', pepe], dir.path);
    assert.equal(unrounded.code, 0, unrounded.err);
    assert.equal(unrounded.err, '', 'no tick configured, nothing to warn about');
    assert.match(unrounded.out, /price step\s+lowest price\n.*PEPEUSDT.*\s1e-8\s+6e-7$/m);
    const missing = sigil(['data', 'info', join(dir.path, 'nowhere')], dir.path);
    assert.equal(missing.code, 2, 'a path that is not there is bad usage');
    assert.match(missing.err, /nowhere: no such file or folder/);
  });

  it('scans every variant of a config at a bar and writes its intents once', () => {
    const config = fileURLToPath(new URL('../../config/micro-scanner.yaml', import.meta.url));
    const url = `sqlite:${join(dir.path, 'scan.db')}`;
    const args = ['--config', config, '--db', url, 'scan', '--at', '2023-06-01T13:00:00Z', '--json'];
    const first = sigil(args, dir.path);
    assert.equal(first.code, 0, first.err);
    const result = JSON.parse(first.out) as {
      signals: { signal: { variantId: string; symbol: string }; inserted: boolean }[];
    };
    assert.ok(
      result.signals.some((s) => s.signal.variantId === 'baseline' && s.signal.symbol === 'AVAXUSDT'),
    );
    assert.ok(result.signals.every((s) => s.inserted));
    const again = JSON.parse(sigil(args, dir.path).out) as typeof result;
    assert.equal(again.signals.length, result.signals.length);
    assert.ok(
      again.signals.every((s) => !s.inserted),
      'a re-run writes nothing new',
    );
    const bad = sigil(['--config', config, '--db', url, 'scan', '--at', 'noon'], dir.path);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--at "noon" is not an ISO time/);
  });

  it('evaluates the ranking model out of sample and says whether it predicts anything', () => {
    const run = sigil(['scan', 'evaluate', '--retrain-every', '400', '--json'], dir.path);
    assert.equal(run.code, 0, run.err);
    const report = JSON.parse(run.out) as {
      testDates: number;
      ic: { mean: number; tStat: number };
      picks: { hitRate: number };
    };
    assert.ok(
      report.testDates > 1_000 && Number.isFinite(report.ic.mean) && Number.isFinite(report.ic.tStat),
    );
    assert.ok(report.picks.hitRate >= 0 && report.picks.hitRate <= 1);
    const text = sigil(['scan', 'evaluate', '--retrain-every', '400'], dir.path);
    assert.match(text.out, /mean daily IC \(Spearman\)/);
    assert.match(text.out, /The IC (is indistinguishable from|differs from) zero/);
  });

  it('checks the shipped example configurations', () => {
    for (const name of ['micro-scanner.yaml', 'fx-ranking.yaml']) {
      const run = sigil(
        ['config', 'check', fileURLToPath(new URL(`../../config/${name}`, import.meta.url))],
        dir.path,
      );
      assert.equal(run.code, 0, run.err);
    }
  });
});
