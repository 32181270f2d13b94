import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareAll, compareVariants, expectancyInterval, type AbComparison } from './ab-test.ts';

/** Deterministic, spread-out P&L: n values in [−2, 2) (a fixed permutation of a grid). */
function noisy(n: number): number[] {
  return Array.from({ length: n }, (_, i) => ((i * 37) % 41) / 10 - 2);
}

function repeated(values: readonly number[], times: number): number[] {
  return Array.from({ length: times }, () => values).flat();
}

function assertNoNaN(comparison: AbComparison): void {
  for (const [key, value] of Object.entries(comparison)) {
    const numbers = Array.isArray(value) ? value : [value];
    for (const v of numbers) assert.ok(!Number.isNaN(v), `${key} is NaN`);
  }
}

describe('compareVariants', () => {
  it('finds b better when it earns one more per trade with low noise, and its CI excludes 0', () => {
    const a = Array.from({ length: 300 }, (_, i) => ((i * 7) % 11) / 100 - 0.05);
    const b = a.map((x) => x + 1);
    const c = compareVariants({ id: 'baseline', pnls: a }, { id: 'wide', pnls: b });
    assert.equal(c.verdict, 'b_better');
    assert.equal(c.tradesA, 300);
    assert.equal(c.tradesB, 300);
    assert.ok(Math.abs(c.expectancyDiff - 1) < 1e-9);
    assert.ok(Math.abs(c.totalPnlDiff - 300) < 1e-9);
    const [low, high] = c.expectancyCi;
    assert.ok(low > 0.99 && low < 1 && high > 1 && high < 1.01, `CI ${low} to ${high}`);
    // The same resamples, so the total's CI is the mean's times the (equal) size.
    assert.ok(Math.abs(c.totalPnlCi[0] - low * 300) < 1e-6);
    assert.ok(Math.abs(c.totalPnlCi[1] - high * 300) < 1e-6);
    assert.equal(c.confidence, 0.95);
    assert.equal(c.moreTradesNeeded, null);
    assert.match(
      c.summary,
      /^wide beats baseline by 1\.00 per trade \(95 % CI (?:0\.99|1\.00) to 1\.0[01]\) over 300 and 300 trades$/,
    );
  });

  it('finds a better the other way round, and states the advantage in positive numbers', () => {
    const a = Array.from({ length: 300 }, (_, i) => ((i * 7) % 11) / 100 + 1);
    const b = a.map((x) => x - 1);
    const c = compareVariants({ id: 'baseline', pnls: a }, { id: 'tight', pnls: b });
    assert.equal(c.verdict, 'a_better');
    assert.ok(c.expectancyCi[1] < 0);
    assert.match(
      c.summary,
      /^baseline beats tight by 1\.00 per trade \(95 % CI (?:0\.99|1\.00) to 1\.0[01]\) over 300 and 300 trades$/,
    );
  });

  it('writes the summary in plain words (degenerate samples make the CI exact)', () => {
    const ones = { id: 'a', pnls: [1, 1, 1] };
    const twos = { id: 'b', pnls: [2, 2, 2, 2] };
    assert.equal(
      compareVariants(ones, twos).summary,
      'b beats a by 1.00 per trade (95 % CI 1.00 to 1.00) over 4 and 3 trades',
    );
    // b's resampled means are −1, 0 or 1 with a quarter, a half and a quarter of the resamples.
    const c = compareVariants({ id: 'a', pnls: [0, 0] }, { id: 'b', pnls: [-1, 1] }, { confidence: 0.9 });
    assert.deepEqual(c.expectancyCi, [-1, 1]);
    assert.equal(
      c.summary,
      'a vs b: the data cannot tell yet (difference 0.00 per trade, 90 % CI \u22121.00 to 1.00); no difference was observed',
    );
  });

  it('says how many more trades an undecided comparison needs (hand-computed)', () => {
    // b's resampled means: −1 (1/27 of them), −1/3, 1/3, 1 (8/27): the 95 % CI is [−1, 1]. Its half on
    // zero's side, 4/3, is 4 × the difference 1/3, so the harmonic mean of 2 and 3 trades (2.4) must
    // grow 16-fold: 36 more.
    const c = compareVariants({ id: 'a', pnls: [0, 0] }, { id: 'b', pnls: [-1, 1, 1] });
    assert.deepEqual(c.expectancyCi, [-1, 1]);
    assert.equal(c.verdict, 'undecided');
    assert.equal(c.moreTradesNeeded, 36);
    assert.equal(
      c.summary,
      'a vs b: the data cannot tell yet (difference 0.33 per trade, 95 % CI \u22121.00 to 1.00); about 36 more trades each would be needed',
    );
  });

  it('estimates more trades that do decide: the same trades repeated past that count give a verdict', () => {
    const a = noisy(50);
    const b = a.map((x) => x + 0.3);
    const c = compareVariants({ id: 'a', pnls: a }, { id: 'b', pnls: b });
    assert.equal(c.verdict, 'undecided');
    assert.ok(c.moreTradesNeeded !== null && c.moreTradesNeeded > 0);
    const needed = 50 + c.moreTradesNeeded;
    const short = Math.floor((0.9 * needed) / 50);
    const enough = Math.ceil((1.3 * needed) / 50);
    assert.ok(short >= 2, 'the check needs a shorter run that is still longer than the original');
    const at = (times: number): AbComparison =>
      compareVariants({ id: 'a', pnls: repeated(a, times) }, { id: 'b', pnls: repeated(b, times) });
    assert.equal(at(short).verdict, 'undecided');
    assert.equal(at(enough).verdict, 'b_better');
  });

  it('stays undecided on identical distributions', () => {
    const same = compareVariants({ id: 'a', pnls: noisy(200) }, { id: 'b', pnls: noisy(200) });
    assert.equal(same.verdict, 'undecided');
    assert.equal(same.expectancyDiff, 0);
    assert.equal(same.moreTradesNeeded, null);
    assert.ok(same.expectancyCi[0] < 0 && same.expectancyCi[1] > 0);

    // The same distribution sampled in another order, with one trade nudged: a tiny real difference.
    const shuffled = noisy(200).reverse();
    shuffled[0] = (shuffled[0] ?? 0) + 0.5;
    const near = compareVariants({ id: 'a', pnls: noisy(200) }, { id: 'b', pnls: shuffled });
    assert.equal(near.verdict, 'undecided');
    assert.ok(near.moreTradesNeeded === null || near.moreTradesNeeded > 1000);
    assert.match(near.summary, /^a vs b: the data cannot tell yet/);
  });

  it('is deterministic for a seed and varies with it', () => {
    const a = { id: 'a', pnls: noisy(120) };
    const b = { id: 'b', pnls: noisy(120).map((x) => x + 0.2) };
    const first = compareVariants(a, b, { seed: 7, resamples: 2000 });
    assert.deepEqual(compareVariants(a, b, { seed: 7, resamples: 2000 }), first);
    assert.notDeepEqual(compareVariants(a, b, { seed: 8, resamples: 2000 }).expectancyCi, first.expectancyCi);
    // The default seed is 1.
    assert.deepEqual(
      compareVariants(a, b, { resamples: 2000 }),
      compareVariants(a, b, { seed: 1, resamples: 2000 }),
    );
  });

  it('refuses to decide on fewer than 2 trades a side, without NaN anywhere', () => {
    for (const [pnlsA, pnlsB] of [
      [[5], [1, 2, 3, 4, 5]],
      [[1, 2], []],
      [[], []],
    ] as const) {
      const c = compareVariants({ id: 'a', pnls: pnlsA }, { id: 'b', pnls: pnlsB });
      assert.equal(c.verdict, 'undecided');
      assert.equal(c.moreTradesNeeded, null);
      assert.deepEqual(c.expectancyCi, [-Infinity, Infinity]);
      assert.deepEqual(c.totalPnlCi, [-Infinity, Infinity]);
      assertNoNaN(c);
      assert.equal(
        c.summary,
        `a vs b: too few trades to compare (${pnlsA.length} and ${pnlsB.length}; at least 2 each are needed)`,
      );
    }
    const one = compareVariants({ id: 'a', pnls: [5] }, { id: 'b', pnls: [1, 2, 3] });
    assert.equal(one.expectancyA, 5);
    assert.equal(one.expectancyDiff, -3);
    assert.equal(one.totalPnlDiff, 1);
  });

  it('rejects a confidence outside (0, 1), a resample count below 1 and a non-finite pnl', () => {
    const a = { id: 'a', pnls: [1, 2] };
    assert.throws(() => compareVariants(a, a, { confidence: 1 }), RangeError);
    assert.throws(() => compareVariants(a, a, { confidence: 0 }), RangeError);
    assert.throws(() => compareVariants(a, a, { resamples: 0 }), RangeError);
    assert.throws(() => compareVariants(a, a, { seed: 1.5 }), RangeError);
    assert.throws(() => compareVariants(a, { id: 'b', pnls: [1, Number.NaN] }), RangeError);
  });

  it('resamples 10,000 times 2,000 trades a side well within a second', () => {
    const a = Array.from({ length: 2000 }, (_, i) => Math.sin(i * 12.9898) * 50);
    const b = a.map((x, i) => x + Math.cos(i) * 3);
    const started = performance.now();
    compareVariants({ id: 'a', pnls: a }, { id: 'b', pnls: b });
    const elapsed = performance.now() - started;
    // About a quarter of a second on a laptop; the budget leaves room for a loaded CI machine.
    assert.ok(elapsed < 1000, `took ${elapsed.toFixed(0)} ms`);
  });
});

describe('compareAll', () => {
  it('compares every variant with the first, in order', () => {
    const variants = [
      { id: 'control', pnls: noisy(60) },
      { id: 'wide', pnls: noisy(60).map((x) => x + 3) },
      { id: 'tight', pnls: noisy(60).map((x) => x - 3) },
      { id: 'same', pnls: noisy(60) },
    ];
    const comparisons = compareAll(variants, { resamples: 1000 });
    assert.deepEqual(
      comparisons.map((c) => [c.a, c.b, c.verdict]),
      [
        ['control', 'wide', 'b_better'],
        ['control', 'tight', 'a_better'],
        ['control', 'same', 'undecided'],
      ],
    );
    const [control, , tight] = variants;
    assert.ok(control && tight);
    // Each comparison stands alone: the same as comparing that pair by itself.
    assert.deepEqual(comparisons[1], compareVariants(control, tight, { resamples: 1000 }));
  });

  it('has nothing to compare with fewer than 2 variants', () => {
    assert.deepEqual(compareAll([]), []);
    assert.deepEqual(compareAll([{ id: 'control', pnls: [1, 2, 3] }]), []);
  });
});

describe('expectancyInterval', () => {
  it('brackets the mean P&L per trade, narrows with more trades, and repeats with its seed', () => {
    const few = noisy(41).map((x) => x + 1);
    const many = repeated(few, 9);
    const [low, high] = expectancyInterval(few, { resamples: 2000 });
    const mean = few.reduce((a, b) => a + b, 0) / few.length;
    assert.ok(low < mean && mean < high, `${low} < ${mean} < ${high}`);
    const [manyLow, manyHigh] = expectancyInterval(many, { resamples: 2000 });
    assert.ok(manyHigh - manyLow < (high - low) / 2, 'nine times the trades: about a third of the width');
    assert.deepEqual(expectancyInterval(few, { resamples: 2000 }), [low, high]);
    assert.notDeepEqual(expectancyInterval(few, { resamples: 2000, seed: 7 }), [low, high]);
  });

  it('is exact for identical trades and unbounded below two', () => {
    assert.deepEqual(expectancyInterval([2, 2, 2], { resamples: 100 }), [2, 2]);
    assert.deepEqual(expectancyInterval([5]), [-Infinity, Infinity]);
    assert.throws(() => expectancyInterval([1, Number.NaN]), /non-finite/);
  });
});
