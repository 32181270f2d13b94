// `sigil stats exits`, `sigil halt` and `sigil reset` against a database the paper bot filled (a replay
// of real candles through the engine), and against one filled only by a scan.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runReplay } from '../app/replay-bot.ts';
import { loadConfigFile } from '../config/load-config.ts';
import { enterAtomically } from '../risk/atomic-entry.ts';
import { exitStats, type VariantExitStats } from '../risk/exit-stats.ts';
import { openStore } from '../store/open-store.ts';
import { sigil } from '../../test/support/sigil-cli.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { longAt100 } from '../../test/support/position-fixture.ts';

const CONFIG = `
market:
  symbols: [BTCUSDT, DOGEUSDT]
variants:
  baseline:
  wide:
    risk:
      hard_stop_multiplier: 2.5
`;
const UNTIL = Date.UTC(2021, 6, 1);

describe('sigil stats exits, halt and reset', () => {
  const dir = tempDir('sigil-risk-cli-');
  const config = join(dir.path, 'sigil.yaml');
  const url = `sqlite:${join(dir.path, 'replayed.db')}`;
  let expected: VariantExitStats[];
  before(async () => {
    writeFileSync(config, CONFIG);
    const { store } = await openStore(url, { now: '2021-04-01T00:00:00Z' });
    const loaded = loadConfigFile(config);
    await runReplay({
      store,
      config: loaded,
      variants: loaded.variants,
      speed: 0,
      until: UNTIL,
      signal: new AbortController().signal,
      sleep: async () => undefined,
    });
    const closed = await store.closedPositions();
    assert.ok(closed.length > 20, `the replay closes positions (${closed.length})`);
    expected = exitStats(closed);
    await store.close();
  });
  after(() => dir.remove());

  it('reports exits per variant and reason, as JSON and as tables', () => {
    const run = sigil(['--config', config, '--db', url, 'stats', 'exits', '--json'], dir.path);
    assert.equal(run.code, 0, run.err);
    const report = JSON.parse(run.out) as VariantExitStats[];
    assert.deepEqual(report, JSON.parse(JSON.stringify(expected)));
    assert.deepEqual(
      report.map((v) => v.variantId),
      ['baseline', 'wide'],
    );
    for (const variant of report) {
      assert.ok(Math.abs(variant.byReason.reduce((sum, r) => sum + r.share, 0) - 1) < 1e-9);
      assert.ok(variant.byReason.some((r) => r.reason === 'atr_trail'));
    }

    const table = sigil(['--config', config, '--db', url, 'stats', 'exits', '--variant', 'wide'], dir.path);
    assert.equal(table.code, 0, table.err);
    const wide = expected.find((v) => v.variantId === 'wide')!;
    assert.match(
      table.out,
      new RegExp(`^wide: ${wide.trades} closed, total P&L ${wide.totalPnl.toFixed(2)}`, 'm'),
    );
    assert.match(table.out, /^atr_trail\s+\d+\s+[\d.]+%/m);
    assert.doesNotMatch(table.out, /^baseline/m);

    const typo = sigil(['--config', config, '--db', url, 'stats', 'exits', '--variant', 'wdie'], dir.path);
    assert.equal(typo.code, 2);
    assert.match(typo.err, /no variant "wdie" in .*sigil\.yaml \(variants: baseline, wide\)/);
  });

  it('halts a variant until reset, across processes, and refuses entries meanwhile', async () => {
    const halt = sigil(
      ['--config', config, '--db', url, 'halt', 'wide', '--reason', 'drawdown review'],
      dir.path,
    );
    assert.equal(halt.code, 0, halt.err);
    assert.equal(halt.out.trim(), 'wide: halted (kill switch: drawdown review)');

    const status = sigil(['--config', config, '--db', url, 'status'], dir.path);
    assert.match(status.out, /^wide is halted since .*: kill switch: drawdown review$/m);

    const { store } = await openStore(url, { now: '2021-07-01T00:00:00Z' });
    const attempt = await enterAtomically(
      store,
      {
        position: longAt100('after-halt', { variant: 'wide', symbol: 'ETHUSDT', openedAt: UNTIL }),
        cooldownHours: 6,
      },
      UNTIL,
    );
    await store.close();
    assert.deepEqual([attempt.kind, 'code' in attempt && attempt.code], ['refused', 'trading_halted']);

    const reduce = sigil(['--config', config, '--db', url, 'halt', 'baseline', '--reduce-only'], dir.path);
    assert.equal(reduce.out.trim(), 'baseline: reducing (halted by hand)');

    const reset = sigil(['--config', config, '--db', url, 'reset', 'wide'], dir.path);
    assert.equal(reset.code, 0, reset.err);
    assert.equal(reset.out.trim(), 'wide: halted → active');
    assert.equal(
      sigil(['--config', config, '--db', url, 'reset', 'wide'], dir.path).out.trim(),
      'wide: already active',
    );
    const json = JSON.parse(sigil(['--config', config, '--db', url, 'status', '--json'], dir.path).out) as {
      tradingStates: { variantId: string; state: string }[];
    };
    assert.deepEqual(
      json.tradingStates.map((t) => [t.variantId, t.state]),
      [['baseline', 'reducing']],
    );

    const unknown = sigil(['--config', config, '--db', url, 'halt', 'nope'], dir.path);
    assert.equal(unknown.code, 2);
  });

  it('reports no closed positions on a database a scan filled', () => {
    const scanConfig = fileURLToPath(new URL('../../config/micro-scanner.yaml', import.meta.url));
    const scanned = `sqlite:${join(dir.path, 'scanned.db')}`;
    const scan = sigil(
      ['--config', scanConfig, '--db', scanned, 'scan', '--at', '2023-06-01T13:00:00Z'],
      dir.path,
    );
    assert.equal(scan.code, 0, scan.err);
    const stats = sigil(['--config', scanConfig, '--db', scanned, 'stats', 'exits'], dir.path);
    assert.equal(stats.code, 0, stats.err);
    assert.match(stats.out, /^No closed positions in sqlite:.*scanned\.db\.$/m);
    const halt = sigil(['--config', scanConfig, '--db', scanned, 'halt', 'baseline'], dir.path);
    assert.equal(halt.code, 0, halt.err);
  });
});
