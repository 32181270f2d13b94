// An LLM analyst that cannot answer is replaced by its fallback — loudly: the real binary warns on stderr
// at a variant's first fallback (the variant, the provider's URL, the reason; once, not per intent), the
// summary gives the reasons with their counts, and a backtest, `ab` or replay in which every decision of
// the analyst fell back exits 1 after its report — unless `analyst.fallback_ok: true`. The provider is a
// closed port on 127.0.0.1 (connection refused) or a fake OpenAI-compatible server answering 500.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { wallNow } from '../clock/system-clock.ts';
import { refusingUrl } from '../../test/support/closed-port.ts';
import { FakeBinance } from '../../test/support/fake-exchange.ts';
import { buyingModel, FakeLlmServer } from '../../test/support/fake-llm.ts';
import { sigilAsync } from '../../test/support/sigil-cli.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const DATA = fileURLToPath(new URL('../../data/crypto/1h', import.meta.url));
const RANGE = ['--from', '2021-04-05T00:00:00Z', '--to', '2021-04-12T00:00:00Z'];
const HOUR = 3_600_000;

describe('an LLM analyst that falls back, from the command line', () => {
  const dir = tempDir('sigil-fallback-');
  let failing: FakeLlmServer;
  let flaky: FakeLlmServer;
  let refused: string;
  let n = 0;

  /** A config whose variant `llm` asks the provider at `baseUrl`; `extra` lines go under `analyst:`. */
  function config(baseUrl: string, extra: string[] = [], variants = ['  llm: {}']): string {
    const file = join(dir.path, `config-${++n}.yaml`);
    writeFileSync(
      file,
      [
        'market:',
        `  data: ${DATA}`,
        '  timeframe: 1h',
        '  symbols: [BTCUSDT, ETHUSDT, SOLUSDT, DOGEUSDT]',
        'scanner:',
        '  posture: aggressive',
        'analyst:',
        '  kind: llm',
        `  base_url: ${baseUrl}`,
        '  roles: [market, trader]',
        '  debate_rounds: 0',
        '  max_retries: 0',
        ...extra.map((line) => `  ${line}`),
        'variants:',
        ...variants,
        '',
      ].join('\n'),
    );
    return file;
  }
  const db = () => `sqlite:${join(dir.path, `store-${++n}.db`)}`;
  const sigil = (args: string[]) => sigilAsync(args, dir.path);
  const warnings = (stderr: string) => stderr.split('\n').filter((line) => line.includes('could not decide'));

  before(async () => {
    refused = await refusingUrl('/v1');
    failing = await FakeLlmServer.start({ script: () => ({ kind: 'status', status: 500 }) });
    flaky = await FakeLlmServer.start({ script: buyingModel });
  });
  after(async () => {
    await failing.close();
    await flaky.close();
    dir.remove();
  });

  it('backtest: warns once at the first fallback, gives the reason in the summary, and exits 1', async () => {
    const run = await sigil([
      '--config',
      config(refused),
      '--db',
      db(),
      'backtest',
      '--no-progress',
      ...RANGE,
    ]);
    assert.equal(run.code, 1, run.err);
    const warned = warnings(run.err);
    assert.equal(warned.length, 1, `one warning, not one per intent:\n${run.err}`);
    assert.match(warned[0] ?? '', /variant llm: the llm analyst at openai:http:\/\/127\.0\.0\.1:\d+\/v1/);
    assert.match(warned[0] ?? '', /connection refused, ECONNREFUSED/);
    const count = Number(/llm: decisions by fallback (\d+)/.exec(run.out)?.[1]);
    assert.ok(count > 1, run.out);
    assert.match(
      run.out,
      new RegExp(
        `${count} of ${count} decisions by the fallback, not the analyst: openai unreachable.*ECONNREFUSED\\) \\(${count}\\)`,
      ),
    );
    assert.match(run.err, /all \d+ decisions of its llm analyst fell back to the rules analyst/);
    assert.match(run.err, /set analyst\.fallback_ok: true/);
  });

  it('backtest with analyst.fallback_ok: true still warns, and exits 0', async () => {
    const file = config(refused, ['fallback_ok: true']);
    const run = await sigil(['--config', file, '--db', db(), 'backtest', '--no-progress', ...RANGE]);
    assert.equal(run.code, 0, run.err);
    assert.equal(warnings(run.err).length, 1, run.err);
    assert.match(run.out, /decisions by the fallback, not the analyst: openai unreachable/);
  });

  it('backtest in which the analyst decided some intents: warns at the first fallback, exits 0', async () => {
    flaky.queue({ kind: 'status', status: 503 });
    const file = config(flaky.openaiUrl);
    const run = await sigil(['--config', file, '--db', db(), 'backtest', '--no-progress', ...RANGE]);
    assert.equal(run.code, 0, run.err);
    const warned = warnings(run.err);
    assert.equal(warned.length, 1, run.err);
    assert.match(warned[0] ?? '', /openai answered 503/);
    assert.match(run.out, /llm: decisions by llm \d+, fallback 1;/);
    assert.match(run.out, /1 of \d+ decisions by the fallback, not the analyst: openai answered 503.* \(1\)/);
  });

  it('sigil run (replay): the warning is logged at the first fallback, and a run all fallback exits 1', async () => {
    const file = config(failing.openaiUrl, ['fallback: hold']);
    const run = await sigil([
      '--config',
      file,
      '--db',
      db(),
      'run',
      '--quiet',
      '--no-dashboard',
      '--until',
      '2021-04-12T00:00:00Z',
    ]);
    assert.equal(run.code, 1, run.err);
    const warned = warnings(run.err);
    assert.equal(warned.length, 1, run.err);
    assert.match(warned[0] ?? '', /openai answered 500.*it holds instead \(analyst\.fallback: hold\)/);
    assert.match(run.out, /decisions by the fallback, not the analyst: openai answered 500/);
    assert.match(run.err, /fell back to HOLD/);
  });

  it('sigil ab: the side the fallback decided is named, and the comparison exits 1', async () => {
    const file = config(refused, [], ['  llm: {}', '  rules: { analyst: { kind: rules } }']);
    const run = await sigil(['--config', file, '--db', db(), 'ab', ...RANGE]);
    assert.equal(run.code, 1, run.err);
    assert.equal(warnings(run.err).length, 1, run.err);
    assert.match(run.out, /llm: decisions by fallback \d+/);
    assert.match(run.err, /variant llm: all \d+ decisions/);
    assert.doesNotMatch(run.err, /variant rules/);
  });

  it('sigil run --once (live): warns at the first fallback, and the summary gives the reason', async () => {
    const exchange = await FakeBinance.start();
    try {
      // Hourly bars up to the one that closed last, which breaks out: one intent, decided by the fallback.
      const lastOpen = Math.floor(wallNow() / HOUR) * HOUR - HOUR;
      exchange.setBars(
        'BTCUSDT',
        Array.from({ length: 150 }, (_, i) => {
          const last = i === 149;
          const time = lastOpen - (149 - i) * HOUR;
          return { time, open: 100, high: last ? 104.5 : 101, low: 99, close: last ? 104 : 100, volume: 1 };
        }),
      );
      const file = join(dir.path, `live-${++n}.yaml`);
      writeFileSync(
        file,
        [
          'market:',
          '  symbols: [BTC/USDT]',
          '  timeframe: 1h',
          '  exchange: binance',
          `  exchange_url: ${exchange.baseUrl}`,
          'scanner:',
          '  breakout_lookback: 20',
          '  min_volume_ratio: 0',
          'analyst:',
          '  kind: llm',
          `  base_url: ${refused}`,
          '  roles: [market, trader]',
          '  debate_rounds: 0',
          '  max_retries: 0',
          'variants:',
          '  llm: {}',
          '',
        ].join('\n'),
      );
      const run = await sigil(['--config', file, '--db', db(), 'run', '--once']);
      assert.equal(run.code, 0, run.err);
      const warned = warnings(run.err);
      assert.equal(warned.length, 1, run.err);
      assert.match(warned[0] ?? '', /variant llm: the llm analyst at openai:http:\/\/127\.0\.0\.1:\d+\/v1/);
      assert.match(
        run.out,
        /llm: 1 decision\(s\) by the fallback, not the analyst: openai unreachable.*ECONNREFUSED\) \(1\)/,
      );
    } finally {
      await exchange.close();
    }
  });
});
