import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { averageRanks, estimateMean, pearson, spearman } from './stats.ts';

describe('rank statistics', () => {
  it('gives tied values the average of their ranks', () => {
    assert.deepEqual(averageRanks([10, 30, 20, 30, 5]), [2, 4.5, 3, 4.5, 1]);
    assert.deepEqual(averageRanks([]), []);
  });

  it('Spearman is 1 for any increasing relation, −1 for a decreasing one', () => {
    assert.equal(spearman([1, 2, 3, 4], [1, 8, 27, 64]), 1);
    assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  });

  it('Spearman with ties matches Pearson on average ranks (hand-computed)', () => {
    // Ranks x = [1, 2.5, 2.5, 4], y = [1, 2, 3, 4]: cov = 4.5, var x = 4.5, var y = 5 → 4.5 / √22.5.
    assert.ok(Math.abs(spearman([1, 2, 2, 3], [10, 20, 30, 40]) - 4.5 / Math.sqrt(22.5)) < 1e-15);
  });

  it('is undefined (NaN) when one side is constant or too short', () => {
    assert.ok(Number.isNaN(spearman([1, 1, 1], [1, 2, 3])));
    assert.ok(Number.isNaN(pearson([1], [2])));
    assert.throws(() => pearson([1, 2], [1]), RangeError);
  });

  it('estimates a mean with its standard error and t-statistic', () => {
    const e = estimateMean([1, 2, 3, 4, 5]);
    assert.equal(e.mean, 3);
    assert.ok(Math.abs(e.standardDeviation - Math.sqrt(2.5)) < 1e-15);
    assert.ok(Math.abs(e.standardError - Math.sqrt(2.5 / 5)) < 1e-15);
    assert.ok(Math.abs(e.tStat - 3 / Math.sqrt(0.5)) < 1e-12);
    assert.ok(Number.isNaN(estimateMean([1]).tStat));
  });
});
