import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LightGbmFormatError, parseLightGbmModel } from './lightgbm-model.ts';

// Four trees over three features (momentum, quality, volume), written as LightGBM v4 writes them:
//   Tree 0: node 0 momentum ≤ 0.5 (decision_type 10: NaN-missing, default left) → node 1, else leaf 2 = 0.4
//           node 1 quality ≤ −0.25 (decision_type 8: NaN-missing, default right) → leaf 0 = 0.1, else leaf 1 = 0.2
//   Tree 1: volume ≤ 3.0000000000000004 (decision_type 4: zero-missing, default right) → −0.05, else 0.05
//   Tree 2: quality ≤ 1.5 (decision_type 0: no missing type, NaN reads as 0) → 0.01, else 0.02
//   Tree 3: a single leaf, 0.5
const text = readFileSync(new URL('../../../test/fixtures/lightgbm-small.txt', import.meta.url), 'utf8');

const near = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} should be ${expected}`);

describe('parseLightGbmModel on the hand-written fixture', () => {
  const model = parseLightGbmModel(text);

  it('reads the header and the four trees', () => {
    assert.deepEqual(model.featureNames, ['momentum', 'quality', 'volume']);
    assert.equal(model.trees.length, 4);
    assert.deepEqual(model.trees[0]?.leftChild, [1, -1]);
    assert.deepEqual(model.trees[0]?.rightChild, [-3, -2]);
    assert.equal(model.trees[3]?.numLeaves, 1);
    assert.equal(model.averageOutput, false);
  });

  it('sums the trees: numerical splits go left on ≤ threshold', () => {
    near(model.predictRow([0, -1, 5]), 0.1 + 0.05 + 0.01 + 0.5); // 0.66
    near(model.predictRow([1, 0, 2]), 0.4 - 0.05 + 0.01 + 0.5); // 0.86
    near(model.predictRow([0.6, 2, 3]), 0.4 - 0.05 + 0.02 + 0.5); // 0.87: 3 ≤ 3.0000000000000004
    // Exactly on the thresholds: left.
    near(model.predictRow([0.5, -0.25, 1]), 0.1 - 0.05 + 0.01 + 0.5); // 0.56
  });

  it('sends NaN to the default side where the missing type is NaN, else reads it as 0', () => {
    // Tree 0: NaN momentum → default left (node 1); NaN quality → default right (leaf 1 = 0.2).
    // Tree 1: zero-missing; NaN reads as 0, which is "missing" → default right (0.05).
    // Tree 2: no missing type; NaN reads as 0 → 0 ≤ 1.5 → left (0.01).
    near(model.predictRow([Number.NaN, Number.NaN, Number.NaN]), 0.2 + 0.05 + 0.01 + 0.5); // 0.76
  });

  it('treats |x| ≤ kZeroThreshold (1e-35f) as missing under the zero missing type', () => {
    // 0 ≤ 3 would go left (−0.05); as a missing zero it goes to the default side, right (+0.05).
    near(model.predictRow([0.5, -0.25, 0]), 0.1 + 0.05 + 0.01 + 0.5); // 0.66
    near(model.predictRow([0.5, -0.25, 1e-36]), 0.66);
    near(model.predictRow([0.5, -0.25, 2e-35]), 0.1 - 0.05 + 0.01 + 0.5); // 0.56: not zero any more
  });

  it('predicts many rows and refuses short ones', () => {
    const predictions = model.predict([
      [0, -1, 5],
      [1, 0, 2],
    ]);
    near(predictions[0] as number, 0.66);
    near(predictions[1] as number, 0.86);
    assert.throws(() => model.predictRow([1, 2]), /reads 3 features/);
  });
});

describe('parseLightGbmModel variants and refusals', () => {
  const edit = (from: string | RegExp, to: string) => {
    const changed = text.replace(from, to);
    assert.notEqual(changed, text, `fixture edit ${String(from)} did not apply`);
    return changed;
  };

  it('average_output (random-forest boosting) divides by the number of trees', () => {
    const model = parseLightGbmModel(
      edit('objective=regression\n', 'objective=regression\naverage_output\n'),
    );
    assert.equal(model.averageOutput, true);
    near(model.predictRow([0, -1, 5]), 0.66 / 4);
  });

  it('regression sqrt squares the raw score back, keeping its sign', () => {
    const model = parseLightGbmModel(edit('objective=regression\n', 'objective=regression sqrt\n'));
    near(model.predictRow([0, -1, 5]), 0.66 * 0.66);
  });

  it('checks the feature names when asked', () => {
    assert.doesNotThrow(() => parseLightGbmModel(text, { featureNames: ['momentum', 'quality', 'volume'] }));
    assert.throws(
      () => parseLightGbmModel(text, { featureNames: ['quality', 'momentum', 'volume'] }),
      /expected \[quality, momentum, volume\] in that order/,
    );
  });

  it('refuses categorical splits with a clear error', () => {
    assert.throws(
      () => parseLightGbmModel(edit('decision_type=10 8', 'decision_type=10 9')),
      (error: unknown) =>
        error instanceof LightGbmFormatError && /Tree=0: node 1 is a categorical split/.test(error.message),
    );
  });

  it('refuses objectives that do not predict a return, multiclass and linear trees', () => {
    assert.throws(
      () => parseLightGbmModel(edit('objective=regression', 'objective=binary sigmoid:1')),
      /does not predict a return/,
    );
    assert.throws(() => parseLightGbmModel(edit('num_class=1', 'num_class=3')), /only single-output/);
    assert.throws(() => parseLightGbmModel(edit('is_linear=0', 'is_linear=1')), /linear trees/);
  });

  it('refuses malformed trees instead of looping or reading out of range', () => {
    assert.throws(
      () => parseLightGbmModel(edit('left_child=1 -1', 'left_child=1 -7')),
      /points outside the tree/,
    );
    assert.throws(() => parseLightGbmModel(edit('left_child=1 -1', 'left_child=1 1')), /not a tree/);
    assert.throws(() => parseLightGbmModel(edit('left_child=1 -1', 'left_child=1 0')), /root/);
    assert.throws(
      () => parseLightGbmModel(edit('split_feature=0 1', 'split_feature=0 5')),
      /splits on feature 5/,
    );
    assert.throws(
      () => parseLightGbmModel(edit('leaf_value=0.5', 'leaf_value=0.5 0.6')),
      /has 2 values, expected 1/,
    );
    assert.throws(() => parseLightGbmModel(edit('threshold=0.5 -0.25', 'threshold=0.5 abc')), /not a number/);
    assert.throws(() => parseLightGbmModel(text.slice(0, text.indexOf('Tree=0'))), /no trees/);
    assert.throws(() => parseLightGbmModel('tree\nversion=v4\n'), /num_class= is missing/);
  });
});
