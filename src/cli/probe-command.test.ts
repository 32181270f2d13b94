// `sigil probe` against real SQLite files: heartbeats written through the store at chosen times, the
// real binary run with a configuration, its exit code, its lines and the kill switches it leaves behind.
// The binary's time is given with --at: src/ may not read the wall clock, tests included.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { variantId } from '../domain/ids.ts';
import { openStore } from '../store/open-store.ts';
import { sigil } from '../../test/support/sigil-cli.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const AT = Date.UTC(2024, 4, 1, 12, 0);
const AT_ISO = new Date(AT).toISOString();
const MIN = 60_000;

const CONFIG = `
variants:
  fresh:
  stale:
  slow:
    pipeline:
      heartbeat_stale_minutes: 60
  lost:
  idle:
`;

async function heartbeats(url: string, ends: Record<string, number>): Promise<void> {
  const { store } = await openStore(url, { now: new Date(AT - 120 * MIN).toISOString() });
  for (const [name, end] of Object.entries(ends)) {
    await store.recordScanStart(variantId(name), end - 30_000);
    await store.recordScanEnd(variantId(name), end, null);
  }
  await store.close();
}

describe('sigil probe', () => {
  const dir = tempDir('sigil-probe-cli-');
  const config = join(dir.path, 'sigil.yaml');
  const main = `sqlite:${join(dir.path, 'main.db')}`;
  const other = `sqlite:${join(dir.path, 'other.db')}`;
  const probe = (...args: string[]) =>
    sigil(['--config', config, 'probe', '--at', AT_ISO, ...args], dir.path);

  before(async () => {
    writeFileSync(config, CONFIG);
    // Hourly bars (the default): stale after 60 + 25 = 85 min, "slow" after 60 + 60 = 120 min.
    await heartbeats(main, { fresh: AT - 3 * MIN, stale: AT - 100 * MIN, slow: AT - 100 * MIN });
    // "lost" traded (it has an intent) but has no heartbeat: its scanner is gone, not yet started.
    const { store } = await openStore(main, { now: new Date(AT).toISOString() });
    await store.insertIntent(
      { variantId: variantId('lost'), symbol: 'BTCUSDT', tradeDate: '2024-05-01T10', claimTtlMinutes: 30 },
      'scanner:test',
      AT - 100 * MIN,
    );
    await store.close();
    const now = AT - MIN;
    await heartbeats(other, { fresh: now, stale: now, slow: now, lost: now });
  });
  after(() => dir.remove());

  it('halts the stale variants, leaves the fresh ones alone and exits 1', async () => {
    const run = probe('--db', main);
    assert.equal(run.code, 1, run.err);
    assert.deepEqual(run.out.trimEnd().split('\n'), [
      `store ${join(dir.path, 'main.db')}`,
      '  fresh: ok, last scan ended 3 min ago (stale after 85 min)',
      '  stale: stale, no scan for 100 min (stale after 85 min) → kill switch tripped',
      '  slow: ok, last scan ended 100 min ago (stale after 120 min)',
      '  lost: stale, never scanned, but holds intents (stale after 85 min) → kill switch tripped',
      '  idle: ok, never scanned (stale after 85 min)',
    ]);

    const { store } = await openStore(main, { now: AT_ISO });
    try {
      const states = Object.fromEntries((await store.tradingStates()).map((s) => [s.variantId, s]));
      assert.equal(states.stale?.state, 'halted');
      assert.equal(states.stale?.reason, 'kill switch: dead-man: no scan for 100 min');
      assert.equal(states.stale?.actor, 'probe');
      assert.equal(states.stale?.changedAt, AT);
      assert.equal(states.lost?.reason, 'kill switch: dead-man: no scan recorded');
      for (const name of ['fresh', 'slow', 'idle']) {
        assert.equal((await store.tradingState(variantId(name))).state, 'active', name);
      }
    } finally {
      await store.close();
    }
  });

  it('does not trip a variant twice, and reports it as JSON', async () => {
    const run = probe('--db', main, '--json');
    assert.equal(run.code, 1, run.err);
    const report = JSON.parse(run.out) as {
      at: string;
      stale: number;
      stores: { store: string; variants: { variantId: string; stale: boolean; action: string | null }[] }[];
    };
    assert.equal(report.at, AT_ISO);
    assert.equal(report.stale, 2);
    assert.deepEqual(
      report.stores[0]?.variants.map((v) => [v.variantId, v.stale, v.action]),
      [
        ['fresh', false, null],
        ['stale', true, 'already_halted'],
        ['slow', false, null],
        ['lost', true, 'already_halted'],
        ['idle', false, null],
      ],
    );
    const { store } = await openStore(main, { now: AT_ISO });
    try {
      assert.equal((await store.tradingStateChanges(variantId('stale'))).length, 1, 'one halt, not two');
    } finally {
      await store.close();
    }
  });

  it('checks every store given with --db; --require-all makes a variant that never scanned stale', () => {
    const fine = probe('--db', other);
    assert.equal(fine.code, 0, fine.err);
    assert.doesNotMatch(fine.out, /stale,/);

    const both = probe('--db', main, '--db', other);
    assert.equal(both.code, 1, both.err);
    assert.match(both.out, /^store .*main\.db$/m);
    assert.match(both.out, /^store .*other\.db$/m);
    assert.equal(both.out.match(/^ {2}\w+: /gm)?.length, 10, 'five variants in each store');

    const strict = probe('--db', other, '--require-all');
    assert.equal(strict.code, 1, strict.err);
    assert.match(
      strict.out,
      /^ {2}idle: stale, never scanned \(stale after 85 min\) → kill switch tripped$/m,
    );
  });

  it('exits 2 on bad usage', () => {
    const bad = probe('--db', other, '--at', 'noon');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--at "noon" is not an ISO time/);
    assert.equal(sigil(['--config', config, 'probe', '--db', other, '--stale'], dir.path).code, 2);
  });
});
