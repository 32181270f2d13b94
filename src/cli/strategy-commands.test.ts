// `sigil strategy new|list|check` and a strategy in `sigil config check`, as a user types them: the
// scaffold runs (its backtest and its own test), the deliberately peeking strategy fails the lookahead
// check with its bars named, an honest one passes, and a bad strategy file stops config check with exit 2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sigil } from '../../test/support/sigil-cli.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = join(ROOT, 'test/fixtures/strategies');
const EXAMPLES = join(ROOT, 'examples/strategies');

describe('sigil strategy', () => {
  // Inside the clone, where `import … from 'sigil'` resolves to the package itself (a user's strategies/).
  mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'test-artifacts', 'strategy-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('new writes a strategy, its config and its test; they backtest, check and pass', () => {
    const made = sigil(['strategy', 'new', 'my-idea', '--dir', 'strategies'], dir);
    assert.equal(made.code, 0, made.err);
    for (const file of ['my-idea.ts', 'my-idea.yaml', 'my-idea.test.ts'])
      assert.ok(existsSync(join(dir, 'strategies', file)), file);
    assert.ok(!existsSync(join(dir, 'strategies', 'package.json')), "the clone's package.json decides");
    const again = sigil(['strategy', 'new', 'my-idea', '--dir', 'strategies'], dir);
    assert.equal(again.code, 2);
    assert.match(again.err, /my-idea\.ts exists already: nothing was written/);

    const config = join(dir, 'strategies', 'my-idea.yaml');
    const backtest = sigil(['--config', config, 'backtest', '--to', '2021-09-01T00:00:00Z'], dir);
    assert.equal(backtest.code, 0, backtest.err);
    assert.match(backtest.out, /^my-idea\s+\d+\s/m);
    const check = sigil(['--config', config, 'strategy', 'check', 'my-idea', '--checks', '5'], dir);
    assert.equal(check.code, 0, check.err);
    assert.match(check.out, /Lookahead: none — 5 signal\(s\) re-made on data cut right after their bar/);
    const test = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--test', join(dir, 'strategies', 'my-idea.test.ts')],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    assert.equal(test.status, 0, `${test.stdout}${test.stderr}`);
  });

  it('check fails a strategy that peeks at the next bar, naming the bars, and passes an honest one', () => {
    const config = join(EXAMPLES, 'breakout.yaml');
    const peeking = sigil(
      ['--config', config, 'strategy', 'check', join(FIXTURES, 'peeking.ts'), '--checks', '5'],
      dir,
    );
    assert.equal(peeking.code, 1, peeking.err);
    assert.match(
      peeking.out,
      /LOOKAHEAD BIAS: 5 of 5 signal\(s\) change when the data is cut after their bar/,
    );
    assert.match(
      peeking.out,
      /(BTC|ETH|SOL|DOGE)USDT\s+\d{4}-\d\d-\d\dT\d\d:00:00Z\s+long score .* medium\s+no signal/,
    );
    const honest = sigil(
      ['--config', config, 'strategy', 'check', join(FIXTURES, 'honest-prepare.ts'), '--checks', '5'],
      dir,
    );
    assert.equal(honest.code, 0, honest.err);
    assert.match(honest.out, /Lookahead: none/);
  });

  it('list shows each variant’s strategy and its parameters; config check refuses a bad file with exit 2', () => {
    const list = sigil(['--config', join(EXAMPLES, 'trend-mtf.yaml'), 'strategy', 'list'], dir);
    assert.equal(list.code, 0, list.err);
    assert.match(
      list.out,
      /trend-mtf\s+trend-mtf\s+\S+trend-mtf\.ts\s+\{"lookback":10,"trendEma":20,"minAdx":20\}/,
    );
    assert.match(list.out, /"minAdx":\{"default":20,"type":"number","minimum":0,"maximum":100\}/);
    const bad = sigil(['config', 'check', join(FIXTURES, 'bad-params.yaml')], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /variants\.breakout\.scanner\.params\.lookback: .*expected int/);
  });
});
