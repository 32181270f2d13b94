import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { tempDir } from '../../test/support/temp-dir.ts';
import { UsageError } from '../cli/cli-error.ts';
import { loadConfigFile, type SigilConfig } from '../config/load-config.ts';
import { writeOutConfig } from './out-config.ts';
import { sweepBase } from './setting-config.ts';

const dir = tempDir();
after(() => dir.remove());

function settingsOf(config: SigilConfig, variant: string) {
  const found = config.variants.find((candidate) => candidate.id === variant);
  assert.ok(found, `variant ${variant}`);
  return found.settings;
}

describe('writeOutConfig', () => {
  it('adds the chosen setting as a variant beside the original, comments and candles kept', () => {
    const out = join(dir.path, 'nested', 'best.yaml');
    mkdirSync(join(dir.path, 'nested'));
    const base = sweepBase('config/reference-strategy.yaml');
    const written = writeOutConfig(
      base,
      { 'risk.hard_stop_multiplier': 2, 'scanner.breakout_lookback': 30 },
      out,
    );
    assert.equal(written.file, out);
    assert.equal(written.variant, 'sweep_best');
    const config = loadConfigFile(out);
    assert.deepEqual(
      config.variants.map((variant) => variant.id),
      ['reference', 'sweep_best'],
    );
    assert.equal(settingsOf(config, 'sweep_best').risk.hard_stop_multiplier, 2);
    assert.equal(settingsOf(config, 'sweep_best').scanner.breakout_lookback, 30);
    assert.equal(settingsOf(config, 'reference').risk.hard_stop_multiplier, 1.5);
    assert.equal(settingsOf(config, 'reference').scanner.breakout_lookback, 20);
    assert.deepEqual(settingsOf(config, 'sweep_best').paper, settingsOf(config, 'reference').paper);

    assert.equal(config.market.data, resolve('data/crypto/1h'), 'the same candles from the new folder');
    assert.match(
      written.notes.join('\n'),
      /market\.data: \.\.\/data\/crypto\/1h is written .*relative to the new file's folder/,
    );
    const text = readFileSync(out, 'utf8');
    assert.match(text, /^# The reference strategy \(docs\/reference-strategy\.md\)/);
    assert.match(text, /# relative to this file/);
    assert.match(text, /# The spec measures the stop band/);
  });

  it('sets keys outside the variant sections at the top level, and says both variants use them', () => {
    const out = join(dir.path, 'symbols.yaml');
    const base = sweepBase('config/reference-strategy.yaml');
    const written = writeOutConfig(
      base,
      { 'market.symbols': ['BTCUSDT'], 'risk.take_profit_pct': 4 },
      out,
      'chosen',
    );
    assert.deepEqual(written.notes.slice(0, 1), [
      'market.symbols=["BTCUSDT"]: not a variant setting, so set at the top level: both reference and chosen now use it',
    ]);
    const config = loadConfigFile(out);
    assert.deepEqual(config.market.symbols, ['BTCUSDT']);
    assert.equal(settingsOf(config, 'chosen').risk.take_profit_pct, 4);
    assert.match(readFileSync(out, 'utf8'), /symbols: \[ BTCUSDT \]/);
  });

  it('builds on the swept variant’s overlay, and names the implicit baseline of a file without variants', () => {
    const original = join(dir.path, 'two.yaml');
    writeFileSync(
      original,
      [
        'scanner:',
        '  params: {lookback: 20, factor: 2}',
        'variants:',
        '  steady:',
        '  wide:',
        '    risk: {trail_atr_multiplier: 4}',
        '    scanner: {model: models/rank.txt}',
        '',
      ].join('\n'),
    );
    const out = join(dir.path, 'nested', 'two-best.yaml');
    writeOutConfig(
      sweepBase(original, 'wide'),
      { 'variants.wide.risk.trail_atr_multiplier': 5, 'scanner.params.lookback': 30 },
      out,
    );
    const config = loadConfigFile(out);
    assert.deepEqual(
      config.variants.map((variant) => variant.id),
      ['steady', 'wide', 'sweep_best'],
    );
    const best = settingsOf(config, 'sweep_best');
    assert.equal(best.risk.trail_atr_multiplier, 5);
    assert.deepEqual(best.scanner.params, { lookback: 30, factor: 2 });
    assert.equal(best.scanner.model, '../models/rank.txt', 'a file of the overlay still found');
    assert.equal(settingsOf(config, 'wide').scanner.model, '../models/rank.txt');

    const plain = join(dir.path, 'plain.yaml');
    writeFileSync(plain, '# mine\nrisk:\n  hard_stop_multiplier: 2\n');
    const plainOut = join(dir.path, 'plain-best.yaml');
    writeOutConfig(sweepBase(plain), { 'risk.hard_stop_multiplier': 3 }, plainOut);
    const plainConfig = loadConfigFile(plainOut);
    assert.deepEqual(
      plainConfig.variants.map((variant) => [variant.id, variant.settings.risk.hard_stop_multiplier]),
      [
        ['baseline', 2],
        ['sweep_best', 3],
      ],
    );
  });

  it('refuses a variant name taken or invalid, and writing over the configuration swept', () => {
    const base = sweepBase('config/reference-strategy.yaml');
    const out = join(dir.path, 'refused.yaml');
    assert.throws(
      () => writeOutConfig(base, {}, out, 'reference'),
      (error) => error instanceof UsageError && /already has a variant "reference"/.test(error.message),
    );
    assert.throws(() => writeOutConfig(base, {}, out, 'Best!'), UsageError);
    assert.throws(
      () => writeOutConfig(base, {}, 'config/reference-strategy.yaml'),
      (error) => error instanceof UsageError && /is the configuration swept/.test(error.message),
    );
  });
});
