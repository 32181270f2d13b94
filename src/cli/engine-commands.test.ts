// `sigil backtest`, `sigil ab` and `sigil run` as a user runs them: short ranges of the bundled data.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sigil } from '../../test/support/sigil-cli.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const config = (name: string) => fileURLToPath(new URL(`../../config/${name}`, import.meta.url));
const RANGE = ['--from', '2021-04-05T00:00:00Z', '--to', '2021-04-25T00:00:00Z'];

describe('sigil backtest, ab and run', () => {
  const dir = tempDir('sigil-engine-cli-');
  after(() => dir.remove());

  it('backtests a config and prints the report, or JSON with the full trade list', () => {
    const out = join(dir.path, 'report.json');
    const run = sigil(
      ['--config', config('reference-strategy.yaml'), 'backtest', ...RANGE, '--json', '--out', out],
      dir.path,
    );
    assert.equal(run.code, 0, run.err);
    const report = JSON.parse(run.out) as {
      variants: { variantId: string; trades: number }[];
      trades: { symbol: string; entryTime: string; exitReason: string; pnl: number }[];
      fingerprint: string;
    };
    assert.equal(report.variants[0]?.variantId, 'reference');
    assert.equal(report.trades.length, report.variants[0]?.trades);
    assert.ok(report.trades.length > 10);
    assert.match(report.fingerprint, /^[0-9a-f]{64}$/);
    assert.ok(existsSync(out));
    assert.equal((JSON.parse(readFileSync(out, 'utf8')) as typeof report).fingerprint, report.fingerprint);

    const html = join(dir.path, 'report.html');
    const text = sigil(
      ['--config', config('reference-strategy.yaml'), 'backtest', ...RANGE, '--html', html],
      dir.path,
    );
    const page = readFileSync(html, 'utf8');
    assert.match(page, /^<!DOCTYPE html>/);
    assert.ok(page.includes(report.fingerprint) && page.includes('createChart'));
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /^variant\s+trades\s+win rate\s+expectancy/m);
    assert.match(text.out, /^reference\s+hard_stop\s+\d+/m);
    assert.match(text.out, new RegExp(`trade list fingerprint: ${report.fingerprint}`));

    const bad = sigil(
      ['--config', config('reference-strategy.yaml'), 'backtest', '--from', 'yesterday'],
      dir.path,
    );
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--from "yesterday" is not an ISO time/);
  });

  it('compares variants with a verdict, on a backtest', () => {
    const run = sigil(['--config', config('atr-ab.yaml'), 'ab', ...RANGE, '--json'], dir.path);
    assert.equal(run.code, 0, run.err);
    const { ab } = JSON.parse(run.out) as {
      ab: { a: string; b: string; verdict: string; summary: string }[];
    };
    assert.deepEqual(
      ab.map((c) => [c.a, c.b]),
      [['atr_1_5', 'atr_2_5']],
    );
    assert.ok(['a_better', 'b_better', 'undecided'].includes(ab[0]?.verdict ?? ''));
    const text = sigil(['--config', config('atr-ab.yaml'), 'ab', ...RANGE], dir.path);
    assert.equal(text.out.trim(), ab[0]?.summary);
  });

  it('runs the paper bot to the end of a replay, reports, and on a second run says it is done', () => {
    const db = `sqlite:${join(dir.path, 'bot.db')}`;
    const args = [
      '--db',
      db,
      '--config',
      config('atr-ab.yaml'),
      'run',
      '--dashboard-port',
      '0',
      '--until',
      '2021-04-20T00:00:00Z',
    ];
    const first = sigil(args, dir.path);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /^atr_1_5: \d+ closed, P&L -?[\d.]+ \(balance [\d.]+\), \d+ open, active$/m);
    assert.match(first.out, /^A\/B: /m);
    const again = sigil(args, dir.path);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /^The replay had already reached its end/m);

    const onStore = sigil(['--db', db, '--config', config('atr-ab.yaml'), 'ab', '--on-store'], dir.path);
    assert.equal(onStore.code, 0, onStore.err);
    assert.match(onStore.out, /atr_1_5|atr_2_5/);
  });

  it('refuses to run the scanner without execution, whose bars drive it, before opening anything', () => {
    const db = `sqlite:${join(dir.path, 'live-roles.db')}`;
    const run = sigil(
      ['--db', db, '--config', config('atr-ab.yaml'), 'run', '--live', '--roles', 'scanner,analyst'],
      dir.path,
    );
    assert.equal(run.code, 2);
    assert.match(run.err, /the scanner and execution roles run in one process \(its bars drive both\)/);
    assert.ok(!existsSync(join(dir.path, 'live-roles.db')), 'nothing was opened, let alone traded');
  });
});
