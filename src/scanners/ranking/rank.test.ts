import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { confidenceFor, rankTopK, scoreGapOf, type SymbolScore } from './rank.ts';

const thresholds = { highGap: 0.004, mediumGap: 0.001 };

// Scores chosen so every difference is exact in binary floating point (multiples of 1/1024).
const scores: SymbolScore[] = [
  { symbol: 'EURUSD', score: 3 / 1024 },
  { symbol: 'GBPUSD', score: 10 / 1024 },
  { symbol: 'USDJPY', score: -2 / 1024 },
  { symbol: 'AUDUSD', score: 6 / 1024 },
  { symbol: 'XAUUSD', score: 1 / 1024 },
];

describe('rankTopK', () => {
  it('computes every field exactly on a hand-made cross-section (K = 2)', () => {
    // Sorted: GBPUSD 10, AUDUSD 6, EURUSD 3, XAUUSD 1, USDJPY −2 (in 1/1024). The gap 3/1024 ≈ 0.00293
    // is at least mediumGap 0.001 but under highGap 0.003: medium.
    const picks = rankTopK(scores, 2, { highGap: 0.003, mediumGap: 0.001 });
    assert.deepEqual(picks, [
      {
        symbol: 'GBPUSD',
        rank: 1,
        side: 'BUY',
        scanner: {
          score: 10 / 1024,
          confidence: 'medium',
          scoreGap: 3 / 1024, // 6 − 3
          dropDistance: 7 / 1024, // 10 − 3
          topkSpread: 4 / 1024, // 10 − 6
        },
      },
      {
        symbol: 'AUDUSD',
        rank: 2,
        side: 'BUY',
        scanner: {
          score: 6 / 1024,
          confidence: 'medium',
          scoreGap: 3 / 1024,
          dropDistance: 3 / 1024, // 6 − 3
          topkSpread: 4 / 1024,
        },
      },
    ]);
    assert.equal(rankTopK(scores, 2, { highGap: 3 / 1024, mediumGap: 0.001 })[0]?.scanner.confidence, 'high');
    assert.equal(scoreGapOf(scores, 2), 3 / 1024);
    assert.equal(scoreGapOf(scores, 5), 0);
  });

  it('K = 3: gap to the 4th, drop distance to the 4th, spread from 1st to 3rd', () => {
    const picks = rankTopK(scores, 3, thresholds);
    assert.deepEqual(
      picks.map((p) => [p.symbol, p.rank, p.scanner.dropDistance]),
      [
        ['GBPUSD', 1, 9 / 1024],
        ['AUDUSD', 2, 5 / 1024],
        ['EURUSD', 3, 2 / 1024],
      ],
    );
    for (const p of picks) {
      assert.equal(p.scanner.scoreGap, 2 / 1024);
      assert.equal(p.scanner.topkSpread, 7 / 1024);
      assert.equal(p.scanner.confidence, 'medium');
    }
    // The K-th pick's drop distance is the score gap by definition.
    assert.equal(picks[2]?.scanner.dropDistance, picks[2]?.scanner.scoreGap);
  });

  it('is long-only: a top-K symbol with a score ≤ 0 is ranked but not picked', () => {
    const picks = rankTopK(scores, 5, thresholds);
    assert.deepEqual(
      picks.map((p) => p.symbol),
      ['GBPUSD', 'AUDUSD', 'EURUSD', 'XAUUSD'],
    );
    // Five symbols, K = 5: no 6th to measure against, so gap and drop distance are 0 (→ low confidence).
    for (const p of picks) {
      assert.equal(p.scanner.scoreGap, 0);
      assert.equal(p.scanner.dropDistance, 0);
      assert.equal(p.scanner.topkSpread, 12 / 1024);
      assert.equal(p.scanner.confidence, 'low');
    }
    const allNegative = rankTopK(
      [
        { symbol: 'A', score: -1 },
        { symbol: 'B', score: 0 },
      ],
      1,
      thresholds,
    );
    assert.deepEqual(allNegative, []);
  });

  it('with fewer symbols than K, the spread runs to the last one', () => {
    const picks = rankTopK(scores.slice(0, 2), 4, thresholds);
    assert.deepEqual(
      picks.map((p) => [p.symbol, p.scanner.topkSpread, p.scanner.scoreGap]),
      [
        ['GBPUSD', 7 / 1024, 0],
        ['EURUSD', 7 / 1024, 0],
      ],
    );
    assert.deepEqual(rankTopK([], 2, thresholds), []);
  });

  it('breaks ties by symbol name, whatever the input order', () => {
    const tied = [
      { symbol: 'USDCAD', score: 0.5 },
      { symbol: 'AUDUSD', score: 0.5 },
      { symbol: 'EURUSD', score: 0.25 },
    ];
    const picks = rankTopK(tied, 1, thresholds);
    assert.deepEqual(
      picks.map((p) => [p.symbol, p.scanner.scoreGap, p.scanner.dropDistance]),
      [['AUDUSD', 0, 0]],
    );
    assert.deepEqual(rankTopK([...tied].reverse(), 1, thresholds), picks);
  });

  it('refuses a bad K, bad thresholds and non-finite scores', () => {
    assert.throws(() => rankTopK(scores, 0, thresholds), RangeError);
    assert.throws(() => rankTopK(scores, 1.5, thresholds), RangeError);
    assert.throws(() => rankTopK(scores, 1, { highGap: 0.001, mediumGap: 0.002 }), /highGap ≥ mediumGap/);
    assert.throws(() => rankTopK(scores, 1, { highGap: 0.001, mediumGap: -1 }), RangeError);
    assert.throws(() => rankTopK([{ symbol: 'X', score: Number.NaN }], 1, thresholds), /score of X is NaN/);
  });
});

describe('confidenceFor', () => {
  it('high from highGap, medium from mediumGap, both inclusive; low below', () => {
    assert.equal(confidenceFor(0.004, thresholds), 'high');
    assert.equal(confidenceFor(0.05, thresholds), 'high');
    assert.equal(confidenceFor(0.0039, thresholds), 'medium');
    assert.equal(confidenceFor(0.001, thresholds), 'medium');
    assert.equal(confidenceFor(0.000999, thresholds), 'low');
    assert.equal(confidenceFor(0, thresholds), 'low');
    // Equal thresholds: nothing is medium.
    assert.equal(confidenceFor(0.002, { highGap: 0.002, mediumGap: 0.002 }), 'high');
    assert.equal(confidenceFor(0.0019, { highGap: 0.002, mediumGap: 0.002 }), 'low');
    // Zero thresholds: everything is high.
    assert.equal(confidenceFor(0, { highGap: 0, mediumGap: 0 }), 'high');
  });
});
