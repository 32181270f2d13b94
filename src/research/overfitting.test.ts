import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { MAX_BLOCKS, probabilityOfOverfitting } from './overfitting.ts';

const LN2 = Math.log(2);
const LN3 = Math.log(3);

function assertLogits(actual: readonly number[], expected: readonly number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((value, i) => {
    assert.ok(
      Math.abs(value - (expected[i] as number)) < 1e-12,
      `logit ${i}: ${value}, expected ${expected[i]}`,
    );
  });
}

/** Deterministic pseudo-random returns (a 32-bit LCG), centred on 0, about ±1 %. */
function noise(seed: number, length: number): Float64Array {
  const out = new Float64Array(length);
  let state = seed >>> 0;
  for (let t = 0; t < length; t++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[t] = (state / 2 ** 32 - 0.5) * 0.02;
  }
  return out;
}

describe('probabilityOfOverfitting', () => {
  it('is 1 when each block has its own winner (2 settings, 2 blocks)', () => {
    // Blocks A = periods 0–1, B = periods 2–3. Sharpe = mean / std (n − 1):
    //   setting 0: A [1, 3] → 2 / √2 = 1.414;     B [−1, 0] → −0.5 / 0.707 = −0.707
    //   setting 1: A [0, 1] → 0.5 / 0.707 = 0.707; B [2, 4] → 3 / √2 = 2.121
    // Split 1, in-sample A: n* = 0 (1.414 > 0.707); out of sample B it is last: rank 1, ω = 1/3,
    //   λ = ln((1/3) / (2/3)) = −ln 2.
    // Split 2, in-sample B: n* = 1 (2.121 > −0.707); out of sample A it is last: λ = −ln 2.
    // Both λ ≤ 0 → PBO = 2/2 = 1.
    const result = probabilityOfOverfitting(
      [
        [1, 3, -1, 0],
        [0, 1, 2, 4],
      ],
      2,
    );
    assert.equal(result.pbo, 1);
    assert.equal(result.combinations, 2);
    assertLogits(result.logits, [-LN2, -LN2]);
  });

  it('is 0 when one setting dominates every block', () => {
    // Setting 0 is setting 1 plus 1 in every period: the same deviation, a higher mean, so the higher
    // Sharpe ratio in every half. Setting 2 loses everywhere. n* = 0 always, and out of sample it is
    // first of 3: rank 3, ω = 3/4, λ = ln 3 > 0 → PBO = 0.
    const result = probabilityOfOverfitting(
      [
        [2, 3, 0, 1],
        [1, 2, -1, 0],
        [-1, -3, -2, -5],
      ],
      2,
    );
    assert.equal(result.pbo, 0);
    assertLogits(result.logits, [LN3, LN3]);
  });

  it('matches a hand-worked case of 3 settings and 4 one-period blocks (6 splits)', () => {
    // Blocks 0..3 are one period each; a half is 2 periods a, b with Sharpe
    // ((a + b)/2) / (|a − b|/√2) = (a + b) / (√2·|a − b|), so (a + b) / |a − b| orders the settings.
    //   setting 0: [3, −1, 4, 1]   setting 1: [0, 3, 2, 1]   setting 2: [−2, 2, 1, 4]
    // (a + b)/|a − b| of each pair of blocks, settings 0 / 1 / 2:
    //   {0,1}: 2/4 = 0.5,  3/3 = 1,  0/4 = 0        {2,3}: 5/3 = 1.67, 3/1 = 3,  5/3 = 1.67
    //   {0,2}: 7/1 = 7,    2/2 = 1, −1/3 = −0.33    {1,3}: 0/2 = 0,    4/2 = 2,  6/2 = 3
    //   {0,3}: 4/2 = 2,    1/1 = 1,  2/6 = 0.33     {1,2}: 3/5 = 0.6,  5/1 = 5,  3/1 = 3
    // Splits in lexicographic order (in-sample → n*; out of sample → rank of n*, 1 = worst; λ = ln(r/(4 − r))):
    //   IS {0,1}: n* = 1 (1);  OOS {2,3}: 1.67, 3, 1.67 → rank 3, λ = ln 3
    //   IS {0,2}: n* = 0 (7);  OOS {1,3}: 0, 2, 3       → rank 1, λ = ln(1/3)
    //   IS {0,3}: n* = 0 (2);  OOS {1,2}: 0.6, 5, 3     → rank 1, λ = ln(1/3)
    //   IS {1,2}: n* = 1 (5);  OOS {0,3}: 2, 1, 0.33    → rank 2, λ = ln(2/2) = 0
    //   IS {1,3}: n* = 2 (3);  OOS {0,2}: 7, 1, −0.33   → rank 1, λ = ln(1/3)
    //   IS {2,3}: n* = 1 (3);  OOS {0,1}: 0.5, 1, 0     → rank 3, λ = ln 3
    // λ ≤ 0 in splits 2, 3, 4 and 5 → PBO = 4/6 = 2/3.
    const result = probabilityOfOverfitting(
      [
        [3, -1, 4, 1],
        [0, 3, 2, 1],
        [-2, 2, 1, 4],
      ],
      4,
    );
    assert.equal(result.combinations, 6);
    assert.equal(result.pbo, 4 / 6);
    assertLogits(result.logits, [LN3, -LN3, -LN3, 0, -LN3, LN3]);
  });

  it('breaks ties: lowest index in sample, average rank out of sample', () => {
    // Two identical settings: both halves tie, n* = 0, and out of sample it shares ranks 1 and 2:
    // rank 1.5, ω = 1.5/3 = 1/2, λ = 0 → counted as overfit: PBO = 1.
    const same = [1, 3, -1, 0, 2, 2.5];
    const result = probabilityOfOverfitting([same, [...same]], 2);
    assert.equal(result.pbo, 1);
    assertLogits(result.logits, [0, 0]);
  });

  it('ranks a half without variation by the sign of its mean', () => {
    // Setting 0 gains 1 every period: Sharpe +∞ in every half, always n* and always first: λ = ln 3.
    // Setting 1 never trades (Sharpe 0), setting 2 is noisy but positive.
    const result = probabilityOfOverfitting(
      [
        [1, 1, 1, 1],
        [0, 0, 0, 0],
        [5, 1, 9, 2],
      ],
      2,
    );
    assert.equal(result.pbo, 0);
    assertLogits(result.logits, [LN3, LN3]);
    // Steady losses (Sharpe −∞) rank below a setting that did not trade (0):
    //   IS A: s0 −∞, s1 0, s2 [−1, 0] → −0.707; n* = 1.  OOS B: s0 −∞, s1 0, s2 [2, 4] → 2.121: rank 2, λ = 0
    //   IS B: n* = 2 (2.121).  OOS A: s0 −∞, s1 0, s2 −0.707: rank 2, λ = 0
    // Both at the median → PBO = 1.
    const losses = probabilityOfOverfitting(
      [
        [-1, -1, -1, -1],
        [0, 0, 0, 0],
        [-1, 0, 2, 4],
      ],
      2,
    );
    assertLogits(losses.logits, [0, 0]);
    assert.equal(losses.pbo, 1);
  });

  it('drops the remainder periods at the start, keeping the most recent', () => {
    // 7 periods, 2 blocks of 3: the first period (a huge outlier here) is left out.
    const a = [1000, 1, 3, 2, -1, 0, -0.5];
    const b = [-1000, 0, 1, 0.5, 2, 4, 3];
    const withRemainder = probabilityOfOverfitting([a, b], 2);
    const trimmed = probabilityOfOverfitting([a.slice(1), b.slice(1)], 2);
    assert.deepEqual(withRemainder, trimmed);
  });

  it('accepts typed arrays and gives the same result every time', () => {
    const returns = Array.from({ length: 12 }, (_, n) => noise(n + 1, 120));
    const first = probabilityOfOverfitting(returns, 8);
    const second = probabilityOfOverfitting(returns, 8);
    assert.deepEqual(first, second);
    assert.equal(first.combinations, 70); // C(8, 4)
    const plain = probabilityOfOverfitting(
      returns.map((series) => Array.from(series)),
      8,
    );
    assert.deepEqual(plain, first);
  });

  it('refuses input it cannot split, with RangeError', () => {
    const ok = [
      [1, 2, 3, 4],
      [4, 3, 2, 1],
    ];
    assert.throws(() => probabilityOfOverfitting([[1, 2, 3, 4]], 2), /at least 2 settings/);
    assert.throws(() => probabilityOfOverfitting(ok, 3), /even whole number/);
    assert.throws(() => probabilityOfOverfitting(ok, 0), /even whole number/);
    assert.throws(() => probabilityOfOverfitting(ok, 2.5), /even whole number/);
    assert.throws(() => probabilityOfOverfitting(ok, MAX_BLOCKS + 2), /even whole number/);
    assert.throws(
      () =>
        probabilityOfOverfitting(
          [
            [1, 2, 3, 4],
            [1, 2, 3],
          ],
          2,
        ),
      /same number of periods/,
    );
    assert.throws(
      () =>
        probabilityOfOverfitting(
          [
            [1, 2, NaN, 4],
            [1, 2, 3, 4],
          ],
          2,
        ),
      /period 2 is not a finite/,
    );
    assert.throws(
      () =>
        probabilityOfOverfitting(
          [
            [1, 2, 3, 4],
            [1, Infinity, 3, 4],
          ],
          2,
        ),
      /setting 1/,
    );
    // 2 blocks of 1 period would leave a half of one period: no deviation.
    assert.throws(
      () =>
        probabilityOfOverfitting(
          [
            [1, 2, 3],
            [3, 2, 1],
          ],
          2,
        ),
      /at least 4 periods/,
    );
    assert.throws(() => probabilityOfOverfitting(ok, 6), /6 blocks need at least 6 periods/);
    assert.doesNotThrow(() => probabilityOfOverfitting(ok, 4));
  });

  it('handles 500 settings × 1000 days × 16 blocks quickly, and finds noise overfit about half the time', () => {
    const returns = Array.from({ length: 500 }, (_, n) => noise(7919 * (n + 1), 1000));
    const started = performance.now();
    const result = probabilityOfOverfitting(returns, 16);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(result.combinations, 12_870);
    assert.equal(result.logits.length, 12_870);
    // Measured 0.6–0.75 s; the bound leaves room for a loaded CI machine.
    assert.ok(seconds < 3, `took ${seconds.toFixed(2)} s`);
    // Pure noise has no skill to find: the in-sample best is as likely below the median as above.
    assert.ok(result.pbo > 0.3 && result.pbo < 0.7, `PBO of noise ${result.pbo}`);
  });
});
