// The README's exit-code contract through the real binary: bad usage, configuration or database target
// exits 2 with a message naming the key, file, option or URL — never 1 and "unexpected error". The
// configuration problems are refused by `sigil config check` and by `sigil run` alike (one validation
// code, src/app/config-readiness.ts), the run before it creates its store.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { variantId } from '../domain/ids.ts';
import { openStore } from '../store/open-store.ts';
import { sigil, sigilAsync } from '../../test/support/sigil-cli.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const FX_DAILY = fileURLToPath(new URL('../../data/fx/1d', import.meta.url));

/** A YAML "billion laughs": nine levels of nine aliases each, 9^9 strings once expanded. */
function aliasBomb(): string {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (let level = 1, previous = 'a'; level <= 9; level++, previous = `l${level - 1}`) {
    lines.push(`l${level}: &l${level} [${Array(9).fill(`*${previous}`).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

/** Config files with one problem each, and the message that must name it. */
const BAD_CONFIGS: readonly (readonly [name: string, yaml: string, message: RegExp])[] = [
  ['unknown key', 'risk:\n  bogus: 1\n', /risk\.bogus: unknown key/],
  ['zero variants', 'variants: {}\n', /variants: names no variant/],
  [
    'a 0s cadence',
    'engine:\n  janitor_every: 0s\n',
    /engine\.janitor_every: the interval "0s" must be a positive/,
  ],
  [
    'a 7-field cron',
    'engine:\n  equity_every: "0 0 * * * * 2030"\n',
    /engine\.equity_every: the cadence "0 0 \* \* \* \* 2030" is neither .* 5 or 6 parts/,
  ],
  [
    'api.host without api.allow_remote',
    'api:\n  host: 0.0.0.0\n',
    /api\.host: "0\.0\.0\.0" is not a loopback address.*set api\.allow_remote: true/,
  ],
  [
    'a missing data folder',
    'market:\n  data: ./nowhere\n',
    /market\.data: .*nowhere: no such file or folder/,
  ],
  [
    'a symbol without a candle file',
    'market:\n  symbols: [BTCUSDT, NOPEUSDT]\n',
    /market\.symbols: NOPEUSDT has no candle file in .*crypto\/1h \(it has ADAUSDT/,
  ],
  ['a YAML alias bomb', aliasBomb(), /YAML aliases \(\*name\) expand to more than 100 copies/],
  [
    'a missing ranking model',
    `market:\n  data: ${FX_DAILY}\n  timeframe: 1d\nscanner:\n  rule: ranking\n  model: ./no-model.txt\n`,
    /variants\.baseline\.scanner\.model: .*no-model\.txt: no such file/,
  ],
  [
    'an LLM analyst without its key',
    'analyst:\n  kind: llm\n  api_key_env: SIGIL_TEST_NO_SUCH_KEY\n',
    /variants\.baseline\.analyst\.api_key_env: .*needs an API key in \$SIGIL_TEST_NO_SUCH_KEY/,
  ],
];

describe('exit codes: bad usage, configuration or database target exit 2', () => {
  const dir = tempDir('sigil-exit-codes-');
  const store = `sqlite:${join(dir.path, 'four.db')}`;
  const configs = new Map<string, string>();

  before(async () => {
    for (const [name, yaml] of BAD_CONFIGS) {
      const file = join(dir.path, `${name.replace(/\W+/g, '-')}.yaml`);
      configs.set(name, file);
      writeFileSync(file, yaml);
    }
    // A store a four-variant config ran: the variants are known to it, not to the built-in config.
    const { store: opened } = await openStore(store, { now: '2021-04-05T00:00:00Z' });
    for (const name of ['baseline', 'moderate', 'aggressive', 'unhinged']) {
      await opened.insertIntent(
        { variantId: variantId(name), symbol: 'BTCUSDT', tradeDate: '2021-04-05' },
        `scanner:${name}`,
        Date.parse('2021-04-05T01:00:00Z'),
      );
    }
    await opened.close();
  });
  after(() => dir.remove());

  async function refused(args: readonly string[], message: RegExp): Promise<void> {
    const run = await sigilAsync([...args], dir.path);
    const shown = `sigil ${args.join(' ')}\nstdout: ${run.out}\nstderr: ${run.err}`;
    assert.equal(run.code, 2, shown);
    assert.match(run.err, message, shown);
    assert.doesNotMatch(run.err, /unexpected error/, shown);
  }

  // A few at a time: each is a process of its own, mostly waiting on its start.
  describe('each case', { concurrency: 4 }, () => {
    for (const [name, , message] of BAD_CONFIGS) {
      it(`config check and run refuse ${name}`, async () => {
        const file = configs.get(name) as string;
        await refused(['config', 'check', file], message);
        const db = join(dir.path, `run-${name.replace(/\W+/g, '-')}.db`);
        await refused(
          ['--config', file, '--db', `sqlite:${db}`, 'run', '--until', '2021-04-06T00:00:00Z'],
          message,
        );
        assert.ok(!existsSync(db), 'the run was refused before it created its store');
      });
    }

    const USAGE: readonly (readonly [name: string, args: readonly string[], message: RegExp])[] = [
      ['an unknown option', ['--bogus', 'status'], /unknown option '--bogus'/],
      ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
      [
        "a subcommand's unknown option",
        ['intents', 'list', '--bogus'],
        /unknown option '--bogus'\n\(run "sigil intents list --help" for usage\)/,
      ],
      [
        'a bad --db URL scheme',
        ['--db', 'mysql://localhost/sigil', 'status'],
        /unsupported database URL "mysql:/,
      ],
      [
        'lock --hours 1e308',
        ['--db', store, 'lock', 'baseline', 'BTCUSDT', '--hours', '1e308'],
        /--hours must be at most 87600 \(ten years\), got 1e308\n\(run "sigil lock --help" for usage\)/,
      ],
      [
        'an unknown variant for halt',
        ['--db', store, 'halt', 'nobody'],
        /no variant "nobody" in the store at .*four\.db \(variants: aggressive, baseline, moderate, unhinged\)/,
      ],
      [
        'an unknown symbol for lock',
        ['--db', store, 'lock', 'moderate', 'FOOUSDT', '--hours', '1'],
        /FOOUSDT is not in the candle files of .*crypto\/1h \(ADAUSDT, .*\); '\*' locks them all/,
      ],
      [
        'data info on a missing path',
        ['data', 'info', join('nowhere', 'at', 'all')],
        /nowhere\/at\/all: no such file or folder/,
      ],
      [
        'a scan of a missing data folder',
        ['--db', store, '--config', 'a-missing-data-folder.yaml', 'scan'],
        /nowhere: no such file or folder/,
      ],
    ];

    for (const [name, args, message] of USAGE) {
      it(`refuses ${name}`, () => refused(args, message));
    }
  });

  it('wrote nothing for the refused commands', async () => {
    const { store: opened } = await openStore(store, { now: '2021-04-05T00:00:00Z' });
    try {
      assert.deepEqual(await opened.protectionsInForce(Date.parse('2021-04-05T00:00:00Z')), []);
      assert.deepEqual(
        (await opened.tradingStates()).map((s) => s.state),
        [],
      );
    } finally {
      await opened.close();
    }
  });

  it('config check reports every problem of a file at once, each with its key', () => {
    const file = join(dir.path, 'many.yaml');
    writeFileSync(
      file,
      'engine:\n  janitor_every: 0s\napi:\n  host: 0.0.0.0\nmarket:\n  data: ./nowhere\nscanner:\n  module: ./no-strategy.ts\n',
    );
    const run = sigil(['config', 'check', file], dir.path);
    assert.equal(run.code, 2, run.err);
    const keys = run.err
      .split('\n')
      .map((line) => /many\.yaml: ([\w.]+):/.exec(line)?.[1])
      .filter((key) => key !== undefined);
    assert.deepEqual(keys, [
      'engine.janitor_every',
      'api.host',
      'market.data',
      'variants.baseline.scanner.module',
    ]);
  });

  it('config check --live checks market.symbols instead of candle files', () => {
    const file = join(dir.path, 'live-only.yaml');
    writeFileSync(file, 'market:\n  data: ./no-candles-here\n  symbols: [BTC/USDT]\n');
    const replay = sigil(['config', 'check', file], dir.path);
    assert.equal(replay.code, 2);
    assert.match(
      replay.err,
      /market\.data: .*no such file or folder \(a config for --live only: sigil config check --live\)/,
    );
    const live = sigil(['config', 'check', '--live', file], dir.path);
    assert.equal(live.code, 0, live.err);
    assert.match(live.out, /live-only\.yaml is valid: 1 variant\(s\): baseline/);
  });
});
