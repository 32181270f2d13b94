// Loading a user's strategy file: what a config names is found relative to the config file; a missing
// file, a module without a strategy, a file that does not parse and parameters its schema refuses each
// stop the command with the file and the key named — before anything runs.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config/config-error.ts';
import { parseConfig } from '../config/load-config.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { loadStrategies, strategyOf } from './strategy-for.ts';
import { runBacktest } from '../backtest/run-backtest.ts';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/strategies/', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../../examples/strategies/', import.meta.url));

function config(module: string, params = '', file = `${EXAMPLES}test.yaml`) {
  return parseConfig(`scanner:\n  module: ${module}\n${params}variants:\n  mine:\n`, file);
}

async function refusal(module: string, params = '', file?: string): Promise<string> {
  try {
    await loadStrategies(config(module, params, file));
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  assert.fail('the strategy was accepted');
}

describe('loading a strategy file', () => {
  const dir = tempDir('sigil-strategy-load-');
  after(() => dir.remove());

  it('loads the file the config names (relative to it) with its parameters parsed, defaults applied', async () => {
    const loaded = config('./breakout.ts', '  params:\n    lookback: 10\n');
    await loadStrategies(loaded);
    const strategy = strategyOf(loaded, loaded.variants[0]!);
    assert.equal(strategy?.strategy.name, 'breakout');
    assert.deepEqual(strategy?.params, { lookback: 10, minVolumeRatio: 0 });
    assert.equal(strategy?.file, `${EXAMPLES}breakout.ts`);
  });

  it('names the file and the key for a missing file, no strategy, a syntax error and refused parameters', async () => {
    assert.match(await refusal('./nope.ts'), /variants\.mine\.scanner\.module: .*nope\.ts: no such file/);
    assert.match(
      await refusal(`${FIXTURES}not-a-strategy.ts`),
      /variants\.mine\.scanner\.module: .*not-a-strategy\.ts exports no strategy: write `export default defineStrategy/,
    );
    const broken = join(dir.path, 'broken.mjs');
    writeFileSync(broken, 'export default {{ name: ;\n');
    assert.match(
      await refusal(broken),
      /variants\.mine\.scanner\.module: .*broken\.mjs could not be loaded: /,
    );
    assert.match(
      await refusal('./breakout.ts', '  params:\n    lookback: 1\n'),
      /variants\.mine\.scanner\.params\.lookback: Too small: expected number to be >=2 \(strategy breakout in .*breakout\.ts\)/,
    );
    assert.match(
      await refusal(`${FIXTURES}peeking.ts`, '  params:\n    x: 1\n'),
      /variants\.mine\.scanner\.params\.x: the strategy peeking declares no parameters/,
    );
  });
});

describe('a strategy that keeps failing', () => {
  it('trips its variant’s kill switch after scanner.max_error_bars failed bars in a row', async () => {
    const failing = parseConfig(
      `market:\n  symbols: [BTCUSDT, DOGEUSDT]\nscanner:\n  module: ${FIXTURES}failing.ts\n  max_error_bars: 3\nvariants:\n  mine:\n`,
      `${EXAMPLES}failing.yaml`,
    );
    const run = await runBacktest({ config: failing, to: Date.parse('2021-04-10T00:00:00Z') });
    const [state] = run.tradingStates;
    assert.equal(state?.state, 'halted');
    assert.match(
      state?.reason ?? '',
      /its strategy failed on 3 bars in a row; the last: failing threw on DOGEUSDT at 2021-04-05T0[0-9]:00:00\.000Z: Error: no DOGE data/,
    );
    assert.equal(run.closed.length + run.stillOpen.length, 0, 'halted before any entry could fill');
  });
});
