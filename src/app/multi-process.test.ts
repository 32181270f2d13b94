// Several processes, one PostgreSQL store: a scanner+execution process drives the replay while two
// analyst processes (two workers each) decide its intents. Every intent is decided exactly once, and
// the trades are exactly those of a single process doing everything.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../config/load-config.ts';
import { fingerprint, tradeRows } from '../backtest/metrics.ts';
import { openStore } from '../store/open-store.ts';
import { freshSchema, type TestSchema } from '../../test/support/postgres.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { runReplay } from './replay-bot.ts';

const BIN = fileURLToPath(new URL('../../bin/sigil.js', import.meta.url));
const DATA = fileURLToPath(new URL('../../data/crypto/1h', import.meta.url));
const UNTIL = '2021-04-25T00:00:00Z';
const CONFIG = `
market:
  data: ${DATA}
  symbols: [BTCUSDT, DOGEUSDT, SOLUSDT]
scanner:
  breakout_lookback: 20
  min_volume_ratio: 0
variants:
  baseline:
  wide:
    risk:
      hard_stop_multiplier: 2.5
`;

function finished(child: ChildProcess): Promise<{ code: number | null; out: string; err: string }> {
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, err })));
}

describe('three processes sharing one PostgreSQL store', () => {
  const dir = tempDir('sigil-multi-');
  const configFile = join(dir.path, 'sigil.yaml');
  let pg: TestSchema;
  before(async () => {
    writeFileSync(configFile, CONFIG);
    pg = await freshSchema('multi');
  });
  after(async () => {
    await pg.drop();
    dir.remove();
  });

  it('split into scanner+execution and two analyst processes, processes every intent exactly once', async () => {
    // The single-process run the split one must reproduce.
    const single = `sqlite:${join(dir.path, 'single.db')}`;
    {
      const { store } = await openStore(single, { now: '2021-04-01T00:00:00Z' });
      const config = loadConfigFile(configFile);
      await runReplay({
        store,
        config,
        variants: config.variants,
        speed: 0,
        until: Date.parse(UNTIL),
        signal: new AbortController().signal,
        sleep: async () => undefined,
      });
      await store.close();
    }
    const { store: singleStore } = await openStore(single, { now: '2021-04-01T00:00:00Z' });
    const expected = tradeRows(await singleStore.closedPositions());
    await singleStore.close();
    assert.ok(expected.length > 10);

    const base = [BIN, '--db', pg.url, '--config', configFile, 'run', '--quiet', '--dashboard-port', '0'];
    const analysts = [1, 2].map(() =>
      finished(
        spawn(process.execPath, [...base, '--roles', 'analyst', '--workers', '2', '--idle-exit', '6']),
      ),
    );
    const driver = await finished(
      spawn(process.execPath, [...base, '--roles', 'scanner,execution', '--until', UNTIL]),
    );
    assert.equal(driver.code, 0, driver.err);
    const analystRuns = await Promise.all(analysts);
    for (const run of analystRuns) assert.equal(run.code, 0, run.err);
    const decidedBy = analystRuns.map((run) => Number(/(\d+) intent\(s\) decided/.exec(run.out)?.[1] ?? NaN));

    const { store } = await openStore(pg.url, { now: '2021-04-01T00:00:00Z', migrate: false });
    try {
      assert.equal(fingerprint(tradeRows(await store.closedPositions())), fingerprint(expected));
      const intents = await store.listIntents({ limit: 10_000 });
      assert.ok(intents.length > 10);
      assert.deepEqual(
        intents.filter((i) => i.status === 'pending' || i.status === 'claimed' || i.status === 'executing'),
        [],
      );
      let decisions = 0;
      for (const intent of intents) {
        const records = await store.decisionRecords(intent.id);
        const decided = records.filter((r) => r.event === 'decide_trade' || r.event === 'decide_hold');
        assert.equal(decided.length, 1, `intent ${intent.id} was decided exactly once`);
        // host:pid:random of the analyst process, then the worker.
        assert.match(decided[0]?.actor ?? '', /^[^:]+:\d+:[0-9a-f]{6}:analyst-[12]$/);
        decisions++;
      }
      assert.equal(
        decidedBy.reduce((a, b) => a + b, 0),
        decisions,
        'the analysts account for every decision',
      );
    } finally {
      await store.close();
    }
  });
});
