import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../test/support/temp-dir.ts';
import { UsageError } from '../cli/cli-error.ts';
import { GridError, gridSettings, gridSize, parseGridSpec, settingLabel } from './grid-spec.ts';

function gridError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof GridError, String(error));
    assert.ok(error instanceof UsageError, 'a GridError exits 2 like every usage error');
    return error.message;
  }
  assert.fail('expected a GridError');
}

describe('parseGridSpec', () => {
  it('reads an inline grid of lists and ranges, keys in the order written', () => {
    const grid = parseGridSpec(
      '{risk.hard_stop_multiplier: [1, 1.5], scanner.breakout_lookback: {from: 10, to: 40, step: 10}, risk.signal_exit: [none, opposite]}',
    );
    assert.equal(grid.source, '--grid');
    assert.deepEqual(grid.axes, [
      { key: 'risk.hard_stop_multiplier', kind: 'values', values: [1, 1.5] },
      { key: 'scanner.breakout_lookback', kind: 'values', values: [10, 20, 30, 40] },
      { key: 'risk.signal_exit', kind: 'values', values: ['none', 'opposite'] },
    ]);
    assert.equal(gridSize(grid), 16);
  });

  it('reads a grid file when the argument is one', () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, 'grid.yaml');
      writeFileSync(
        file,
        '# the stops\nrisk.hard_stop_multiplier: [1, 2]\nmarket.symbols: [[BTCUSDT], [ETHUSDT]]\n',
      );
      const grid = parseGridSpec(file);
      assert.equal(grid.source, file);
      assert.deepEqual(grid.axes[1], {
        key: 'market.symbols',
        kind: 'values',
        values: [['BTCUSDT'], ['ETHUSDT']],
      });
    } finally {
      dir.remove();
    }
  });

  it('computes range values on the step’s decimals, including `to` when it falls on the grid', () => {
    const values = (spec: string) => {
      const axis = parseGridSpec(`{risk.x: ${spec}}`).axes[0];
      assert.ok(axis?.kind === 'values');
      return axis.values;
    };
    assert.deepEqual(values('{from: 0.1, to: 0.5, step: 0.1}'), [0.1, 0.2, 0.3, 0.4, 0.5]);
    assert.deepEqual(values('{from: 2, to: 4, step: 0.5}'), [2, 2.5, 3, 3.5, 4]);
    assert.deepEqual(values('{from: 0.25, to: 1.3, step: 0.5}'), [0.25, 0.75, 1.25], '`to` off the grid');
    assert.deepEqual(values('{from: 3, to: 3, step: 1}'), [3]);
    assert.equal(values('{from: 0, to: 1, step: 0.001}').length, 1_001);
    assert.equal(values('{from: 1, to: 10000, step: 1}').length, 10_000, 'the most a range may give');
  });

  it('reads the distributions', () => {
    const grid = parseGridSpec(
      '{a.u: {uniform: [0.5, 3]}, a.l: {log_uniform: [0.001, 1]}, a.i: {int_uniform: [5, 9]}, a.c: {choice: [x, y]}}',
    );
    assert.deepEqual(grid.axes, [
      { key: 'a.u', kind: 'uniform', low: 0.5, high: 3 },
      { key: 'a.l', kind: 'log_uniform', low: 0.001, high: 1 },
      { key: 'a.i', kind: 'int_uniform', low: 5, high: 9 },
      { key: 'a.c', kind: 'choice', values: ['x', 'y'] },
    ]);
    assert.equal(gridSize(grid), Infinity);
  });

  it('refuses what is no grid, naming the key and what was expected', () => {
    assert.match(
      gridError(() => parseGridSpec('{}')),
      /the grid names no key: .*e\.g\. --grid/,
    );
    assert.match(
      gridError(() => parseGridSpec('')),
      /the grid names no key/,
    );
    assert.match(
      gridError(() => parseGridSpec('grid.yaml')),
      /"grid\.yaml" is no file, and as YAML it is not a mapping/,
    );
    assert.match(
      gridError(() => parseGridSpec('{risk.x: 1.5}')),
      /^--grid: risk\.x: expected a list of values .*, got 1\.5$/,
    );
    assert.match(
      gridError(() => parseGridSpec('{risk.x: {from: 1, to: 2}}')),
      /risk\.x: expected a list of values/,
    );
    assert.match(
      gridError(() => parseGridSpec('{risk.x: []}')),
      /risk\.x: the list of values is empty/,
    );
    assert.match(
      gridError(() => parseGridSpec('{risk.x: [1, 1.0]}')),
      /risk\.x: 1 is listed twice/,
    );
    assert.match(
      gridError(() => parseGridSpec('{risk.x: {from: 1, to: 2, step: 0}}')),
      /risk\.x: the range's step must be above 0/,
    );
    assert.match(
      gridError(() => parseGridSpec('{risk.x: {from: 3, to: 2, step: 1}}')),
      /risk\.x: the range's from \(3\) must not be above its to \(2\)/,
    );
    assert.match(
      gridError(() => parseGridSpec('{risk.x: {from: a, to: 2, step: 1}}')),
      /risk\.x: a range takes numbers/,
    );
    assert.match(
      gridError(() => parseGridSpec('{risk.x: {from: 0, to: 1, step: 0.00001}}')),
      /risk\.x: the range gives more than 10,000 values/,
    );
    assert.match(
      gridError(() => parseGridSpec('{risk.x: {uniform: [1]}}')),
      /risk\.x: expected uniform: \[low, high\]/,
    );
    assert.match(
      gridError(() => parseGridSpec('{risk.x: {uniform: [2, 1]}}')),
      /risk\.x: uniform: low must be below high/,
    );
    assert.match(
      gridError(() => parseGridSpec('{risk.x: {log_uniform: [0, 1]}}')),
      /risk\.x: log_uniform: low must be above 0/,
    );
    assert.match(
      gridError(() => parseGridSpec('{risk.x: {int_uniform: [1, 2.5]}}')),
      /risk\.x: .*whole numbers/,
    );
    assert.match(
      gridError(() => parseGridSpec('{risk.x: {choice: []}}')),
      /risk\.x: the list of values is empty/,
    );
    assert.match(
      gridError(() => parseGridSpec('{risk..x: [1]}')),
      /risk\.\.x: is not a dotted configuration key/,
    );
  });

  it('reports a YAML syntax error with its line', () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, 'grid.yaml');
      writeFileSync(file, 'risk.x: [1, 2]\nrisk.y: [1, 2\n');
      assert.match(
        gridError(() => parseGridSpec(file)),
        /grid\.yaml: line \d+, column \d+: /,
      );
      writeFileSync(file, 'risk.x: [1]\nrisk.x: [2]\n');
      assert.match(
        gridError(() => parseGridSpec(file)),
        /line 2, column 1: Map keys must be unique/,
      );
    } finally {
      dir.remove();
    }
  });
});

describe('gridSettings', () => {
  it('gives the whole grid, first key slowest, indexed from 0', () => {
    const grid = parseGridSpec('{risk.a: [1, 2], scanner.b: [x, y, z]}');
    assert.deepEqual(gridSettings(grid, {}), [
      { index: 0, values: { 'risk.a': 1, 'scanner.b': 'x' } },
      { index: 1, values: { 'risk.a': 1, 'scanner.b': 'y' } },
      { index: 2, values: { 'risk.a': 1, 'scanner.b': 'z' } },
      { index: 3, values: { 'risk.a': 2, 'scanner.b': 'x' } },
      { index: 4, values: { 'risk.a': 2, 'scanner.b': 'y' } },
      { index: 5, values: { 'risk.a': 2, 'scanner.b': 'z' } },
    ]);
    assert.equal(gridSettings(parseGridSpec('{risk.a: [1]}')).length, 1, 'one setting is allowed');
  });

  it('refuses a grid too large to run whole, and a distribution without --samples', () => {
    const big = parseGridSpec(
      '{a.a: {from: 1, to: 100, step: 1}, a.b: {from: 1, to: 100, step: 1}, a.c: {from: 1, to: 11, step: 1}}',
    );
    assert.match(
      gridError(() => gridSettings(big)),
      /the grid has 110,000 settings, more than 100,000: use --samples N/,
    );
    assert.equal(gridSettings(big, { samples: 50 }).length, 50);
    assert.match(
      gridError(() => gridSettings(parseGridSpec('{a.a: [1], risk.x: {uniform: [1, 2]}}'))),
      /^risk\.x is a distribution \(uniform\): give --samples N$/,
    );
    assert.match(
      gridError(() => gridSettings(big, { samples: 0 })),
      /--samples must be a whole number/,
    );
    assert.match(
      gridError(() => gridSettings(big, { samples: 2, seed: 1.5 })),
      /--seed must be a whole number/,
    );
  });

  it('samples a grid without replacement, the same with the same seed', () => {
    const grid = parseGridSpec('{a.a: {from: 1, to: 10, step: 1}, a.b: {from: 1, to: 10, step: 1}}');
    const drawn = gridSettings(grid, { samples: 60, seed: 7 });
    assert.deepEqual(
      drawn.map((setting) => setting.index),
      Array.from({ length: 60 }, (_, i) => i),
    );
    assert.equal(new Set(drawn.map((setting) => settingLabel(setting.values))).size, 60, 'no setting twice');
    assert.deepEqual(gridSettings(grid, { samples: 60, seed: 7 }), drawn);
    assert.notDeepEqual(gridSettings(grid, { samples: 60, seed: 8 }), drawn);
    assert.deepEqual(
      gridSettings(grid, { samples: 500 }),
      gridSettings(grid),
      'samples ≥ size: the whole grid',
    );
  });

  it('draws distributions within their bounds, rounded to readable values', () => {
    const grid = parseGridSpec(
      '{a.u: {uniform: [0.5, 3]}, a.l: {log_uniform: [0.001, 10]}, a.i: {int_uniform: [5, 7]}, a.c: {choice: [x, y]}}',
    );
    const settings = gridSettings(grid, { samples: 300, seed: 3 });
    assert.equal(settings.length, 300);
    const column = (key: string) => settings.map((setting) => setting.values[key] as number);
    for (const u of column('a.u')) {
      assert.ok(u >= 0.5 && u <= 3);
      assert.equal(u, Number(u.toFixed(5)), `${u} has at most 5 decimals`);
    }
    for (const l of column('a.l')) {
      assert.ok(l >= 0.001 && l <= 10);
      assert.equal(l, Number(l.toPrecision(6)), `${l} has at most 6 significant digits`);
    }
    assert.ok(column('a.l').filter((l) => l < 0.01).length > 40, 'log-uniform: a quarter below 0.01');
    assert.deepEqual([...new Set(column('a.i'))].sort(), [5, 6, 7]);
    assert.deepEqual([...new Set(settings.map((s) => s.values['a.c']))].sort(), ['x', 'y']);
  });

  it('gives the whole finite product when samples cover int and choice distributions', () => {
    const grid = parseGridSpec('{a.i: {int_uniform: [1, 3]}, a.c: {choice: [x, y]}}');
    assert.equal(gridSize(grid), 6);
    assert.deepEqual(
      gridSettings(grid, { samples: 10 }).map((setting) => settingLabel(setting.values)),
      ['a.i=1 a.c=x', 'a.i=1 a.c=y', 'a.i=2 a.c=x', 'a.i=2 a.c=y', 'a.i=3 a.c=x', 'a.i=3 a.c=y'],
    );
    assert.equal(new Set(gridSettings(grid, { samples: 5 }).map((s) => settingLabel(s.values))).size, 5);
  });
});

describe('settingLabel', () => {
  it('writes key=value pairs compactly, lists and odd words as JSON', () => {
    assert.equal(
      settingLabel({
        'risk.hard_stop_multiplier': 1.5,
        'scanner.breakout_lookback': 20,
        'risk.signal_exit': 'none',
        'market.symbols': ['BTCUSDT', 'ETHUSDT'],
        'a.flag': true,
        'a.text': 'two words',
      }),
      'risk.hard_stop_multiplier=1.5 scanner.breakout_lookback=20 risk.signal_exit=none market.symbols=["BTCUSDT","ETHUSDT"] a.flag=true a.text="two words"',
    );
  });
});
