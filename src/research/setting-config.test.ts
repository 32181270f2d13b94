import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { tempDir } from '../../test/support/temp-dir.ts';
import { UsageError } from '../cli/cli-error.ts';
import { ConfigError } from '../config/config-error.ts';
import { gridSettings, parseGridSpec } from './grid-spec.ts';
import { checkSettings, settingConfig, sweepBase, type SweepBase } from './setting-config.ts';
import type { Setting } from './sweep-report.ts';

const dir = tempDir();
after(() => dir.remove());

function configFile(name: string, text: string): string {
  const file = join(dir.path, name);
  writeFileSync(file, text);
  return file;
}

const TWO_VARIANTS = configFile(
  'two.yaml',
  `
risk:
  hard_stop_multiplier: 1.5
  trail_atr_multiplier: 3
scanner:
  params:
    lookback: 20
    factor: 2
variants:
  steady:
  wide:
    risk:
      trail_atr_multiplier: 4
`,
);

function usageError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    return error.message;
  }
  assert.fail('expected a UsageError');
}

function settings(base: SweepBase, grid: string): Setting[] {
  const parsed = gridSettings(parseGridSpec(grid));
  checkSettings(base, parsed);
  return parsed;
}

describe('sweepBase', () => {
  it('sweeps the only variant, or the default baseline of a file without variants', () => {
    const reference = sweepBase('config/reference-strategy.yaml');
    assert.equal(reference.variant, 'reference');
    assert.deepEqual(
      reference.config.variants.map((variant) => variant.id),
      ['reference'],
    );
    const plain = sweepBase(configFile('plain.yaml', 'risk:\n  hard_stop_multiplier: 2\n'));
    assert.equal(plain.variant, 'baseline');
    assert.deepEqual(plain.variants, ['baseline']);
    assert.equal(plain.config.variants[0]?.settings.risk.hard_stop_multiplier, 2);
  });

  it('asks which variant when there are several, and refuses one the file does not have', () => {
    assert.match(
      usageError(() => sweepBase(TWO_VARIANTS)),
      /several variants \(steady, wide\): name the one to sweep with --variant/,
    );
    assert.match(
      usageError(() => sweepBase(TWO_VARIANTS, 'tight')),
      /no variant "tight" in .*two\.yaml \(variants: steady, wide\)/,
    );
    const wide = sweepBase(TWO_VARIANTS, 'wide');
    assert.deepEqual(wide.overlay, { risk: { trail_atr_multiplier: 4 } });
    assert.deepEqual(Object.keys(wide.values['variants'] as object), ['wide'], 'only the swept variant runs');
  });

  it('lets a configuration error of the file itself through as one', () => {
    const broken = configFile('broken.yaml', 'risk:\n  hard_stop_multiplier: -1\n');
    assert.throws(() => sweepBase(broken), ConfigError);
  });
});

describe('settingConfig', () => {
  it('sets base keys and the swept variant’s overlay, and keeps only that variant', () => {
    const base = sweepBase(TWO_VARIANTS, 'wide');
    const config = settingConfig(base, {
      'risk.hard_stop_multiplier': 2.5,
      'variants.wide.risk.trail_atr_multiplier': 5,
      'market.symbols': ['BTCUSDT'],
    });
    assert.deepEqual(
      config.variants.map((variant) => variant.id),
      ['wide'],
    );
    const risk = config.variants[0]?.settings.risk;
    assert.equal(risk?.hard_stop_multiplier, 2.5);
    assert.equal(risk?.trail_atr_multiplier, 5);
    assert.deepEqual(config.market.symbols, ['BTCUSDT']);
    assert.equal(
      base.config.variants[0]?.settings.risk.hard_stop_multiplier,
      1.5,
      'the base is left as read',
    );
  });

  it('sets an empty overlay’s key, and a deep key from the base’s value', () => {
    const base = sweepBase(TWO_VARIANTS, 'steady');
    const config = settingConfig(base, { 'variants.steady.scanner.params.lookback': 30 });
    assert.deepEqual(config.variants[0]?.settings.scanner.params, { lookback: 30, factor: 2 });
  });

  it('resolves the reference strategy’s candles relative to its file', () => {
    const config = settingConfig(sweepBase('config/reference-strategy.yaml'), {
      'scanner.breakout_lookback': 30,
    });
    assert.equal(config.market.data, resolve('data/crypto/1h'));
    assert.equal(config.variants[0]?.settings.scanner.breakout_lookback, 30);
  });
});

describe('checkSettings', () => {
  it('accepts keys of the schema, including a record’s', () => {
    const base = sweepBase(TWO_VARIANTS, 'wide');
    settings(
      base,
      '{risk.hard_stop_multiplier: [1, 2], scanner.params.lookback: [10, 20], variants.wide.risk.trail_atr_multiplier: [2, 3], engine.analyst_workers: [1], market.instruments.BTCUSDT.price_tick: [0.01]}',
    );
  });

  it('refuses keys the schema does not have, naming the swept key', () => {
    const base = sweepBase(TWO_VARIANTS, 'wide');
    assert.match(
      usageError(() => settings(base, '{risk.stop: [1]}')),
      /^cannot sweep risk\.stop: unknown key: risk has no key "stop"$/,
    );
    assert.match(
      usageError(() => settings(base, '{riks.stop: [1]}')),
      /cannot sweep riks\.stop: unknown key: the configuration has no section "riks"/,
    );
    assert.match(
      usageError(() => settings(base, '{risk.hard_stop_multiplier.x: [1]}')),
      /cannot sweep risk\.hard_stop_multiplier\.x: unknown key: risk\.hard_stop_multiplier is a value/,
    );
    assert.match(
      usageError(() => settings(base, '{variants.wide.risk.stop: [1]}')),
      /cannot sweep variants\.wide\.risk\.stop: unknown key: variants\.wide\.risk has no key "stop"/,
    );
    assert.match(
      usageError(() => settings(base, '{variants.wide.market.symbols: [[A]]}')),
      /a variant has no section "market"/,
    );
    assert.match(
      usageError(() => settings(base, '{risk: [{}]}')),
      /cannot sweep risk: name a key inside a section/,
    );
    const both = usageError(() => settings(base, '{risk.a: [1], risk.b: [1]}'));
    assert.equal(both.split('\n').length, 2, 'every refused key is named');
  });

  it('refuses keys a backtest does not read, and the candles’ keys, saying why', () => {
    const base = sweepBase(TWO_VARIANTS, 'wide');
    assert.match(
      usageError(() => settings(base, '{store.url: ["sqlite:a.db"]}')),
      /store\.\* has no effect on a backtest/,
    );
    assert.match(
      usageError(() => settings(base, '{api.port: [1]}')),
      /api\.\* has no effect on a backtest/,
    );
    assert.match(
      usageError(() => settings(base, '{alerts.sinks: [[]]}')),
      /alerts\.\* has no effect/,
    );
    assert.match(
      usageError(() => settings(base, '{control.x: [1]}')),
      /control\.\* has no effect/,
    );
    assert.match(
      usageError(() => settings(base, '{market.data: [a, b]}')),
      /market\.data: the candles are loaded once for the whole sweep/,
    );
    assert.match(
      usageError(() => settings(base, '{market.timeframe: [1h, 4h]}')),
      /market\.timeframe: the candles are loaded once/,
    );
  });

  it('refuses another variant’s keys, and a base key the swept variant sets itself', () => {
    const base = sweepBase(TWO_VARIANTS, 'wide');
    assert.match(
      usageError(() => settings(base, '{variants.steady.risk.hard_stop_multiplier: [1]}')),
      /the variant steady is not the one swept \(wide\), so it would not run: sweep it with --variant steady/,
    );
    assert.match(
      usageError(() => settings(base, '{variants.tight.risk.hard_stop_multiplier: [1]}')),
      /no variant "tight" in .* \(variants: steady, wide\)/,
    );
    assert.match(
      usageError(() => settings(base, '{risk.trail_atr_multiplier: [2, 3]}')),
      /the variant wide sets risk\.trail_atr_multiplier itself, and its overlay wins.*: sweep variants\.wide\.risk\.trail_atr_multiplier instead/,
    );
    settings(sweepBase(TWO_VARIANTS, 'steady'), '{risk.trail_atr_multiplier: [2, 3]}');
  });

  it('refuses settings that are no valid configuration, quoting the key, the value and the file’s words', () => {
    const base = sweepBase(TWO_VARIANTS, 'wide');
    const message = usageError(() =>
      settings(base, '{risk.hard_stop_multiplier: [-1, 1, -2], scanner.breakout_lookback: [20, 30]}'),
    );
    const lines = message.split('\n');
    assert.equal(lines[0], '4 of 6 settings are not valid configurations:');
    assert.match(
      lines[1] ?? '',
      /^ {2}setting 0 \(risk\.hard_stop_multiplier=-1\): .*two\.yaml: risk\.hard_stop_multiplier: .*Too small: expected number to be >=0, got -1$/,
    );
    assert.equal(lines.length, 5, 'three quoted, the rest counted');
    assert.equal(lines[4], '…and 1 more');
  });

  it('returns each setting’s configuration, in order', () => {
    const base = sweepBase('config/reference-strategy.yaml');
    const grid = gridSettings(parseGridSpec('{risk.hard_stop_multiplier: [1, 2, 3]}'));
    assert.deepEqual(
      checkSettings(base, grid).map((config) => config.variants[0]?.settings.risk.hard_stop_multiplier),
      [1, 2, 3],
    );
  });

  it('checks a sweep of a thousand settings quickly', () => {
    const base = sweepBase('config/reference-strategy.yaml');
    const started = performance.now();
    settings(
      base,
      '{risk.hard_stop_multiplier: {from: 1, to: 3, step: 0.1}, scanner.breakout_lookback: {from: 10, to: 59, step: 1}}',
    );
    const seconds = (performance.now() - started) / 1000;
    assert.ok(seconds < 5, `${seconds.toFixed(2)} s for 1,050 settings`);
  });
});
