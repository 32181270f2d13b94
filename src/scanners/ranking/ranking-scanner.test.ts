import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Candle } from '../../domain/candle.ts';
import { variantId } from '../../domain/ids.ts';
import { loadCandlesBySymbol } from '../../marketdata/candle-directory.ts';
import { REFERENCE_EVALUATION } from './evaluate.ts';
import { FEATURE_NAMES } from './features.ts';
import { parseLightGbmModel } from './lightgbm-model.ts';
import { pretrained, randomForest } from './model.ts';
import { buildPanel } from './panel.ts';
import { rankingScan, RANKING_RULE, type RankingScanInput } from './ranking-scanner.ts';

const candles = loadCandlesBySymbol(new URL('../../../data/fx/1d', import.meta.url).pathname);
const DATE = '2021-06-15';
const base: RankingScanInput = {
  candlesBySymbol: candles,
  date: DATE,
  variantId: variantId('ranking'),
  topK: 3,
  trainWindow: REFERENCE_EVALUATION.trainWindow,
  thresholds: REFERENCE_EVALUATION.thresholds,
};

/** Every candle after DATE scaled by a different factor: prices the scanner must never see. */
function perturbedAfter(date: string, factor: (i: number) => number): Record<string, Candle[]> {
  return Object.fromEntries(
    Object.entries(candles).map(([symbol, series]) => [
      symbol,
      series.map((c, i) => {
        if (new Date(c.time).toISOString().slice(0, 10) <= date) return c;
        const f = factor(i);
        return { ...c, open: c.open * f, high: c.high * f, low: c.low * f, close: c.close * f };
      }),
    ]),
  );
}

describe('rankingScan on the bundled FX daily candles', () => {
  const signals = rankingScan(base);

  it('emits at most K BUY signals, best first, with the ranking fields and the bar facts', () => {
    assert.ok(signals.length > 0 && signals.length <= 3, `${signals.length} signals`);
    const eurusd = candles.EURUSD?.find((c) => new Date(c.time).toISOString().startsWith(DATE));
    assert.ok(eurusd, 'EURUSD has a bar on the test date');
    for (const [i, signal] of signals.entries()) {
      assert.equal(signal.side, 'BUY');
      assert.equal(signal.rule, RANKING_RULE);
      assert.equal(signal.tradeDate, DATE);
      assert.equal(signal.variantId, 'ranking');
      assert.equal(signal.at, Date.parse(`${DATE}T00:00:00Z`) + 86_400_000);
      const bar = candles[signal.symbol]?.find((c) => c.time === Date.parse(`${DATE}T00:00:00Z`));
      assert.equal(signal.price, bar?.close);
      assert.ok(
        signal.atr !== null && signal.atr > 0 && signal.atr < signal.price * 0.1,
        `ATR ${signal.atr}`,
      );
      assert.ok(signal.scanner.score > 0);
      if (i > 0) assert.ok(signal.scanner.score <= (signals[i - 1]?.scanner.score as number));
      assert.equal(signal.scanner.dropDistance >= signal.scanner.scoreGap, true);
    }
    const last = signals.at(-1);
    if (signals.length === 3) assert.equal(last?.scanner.dropDistance, last?.scanner.scoreGap);
  });

  it('is deterministic: same candles, same signals — whatever the order of the symbols', () => {
    assert.deepEqual(rankingScan(base), signals);
    const reversed = Object.fromEntries(Object.entries(candles).reverse());
    assert.deepEqual(rankingScan({ ...base, candlesBySymbol: reversed }), signals);
  });

  it('does not look ahead: changing or removing every candle after the date changes nothing', () => {
    assert.deepEqual(
      rankingScan({ ...base, candlesBySymbol: perturbedAfter(DATE, (i) => 1 + 0.05 * Math.sin(i)) }),
      signals,
    );
    const truncated = Object.fromEntries(
      Object.entries(candles).map(([symbol, series]) => [
        symbol,
        series.filter((c) => new Date(c.time).toISOString().slice(0, 10) <= DATE),
      ]),
    );
    assert.deepEqual(rankingScan({ ...base, candlesBySymbol: truncated }), signals);
  });

  it('does see the date itself (the test above would catch a look-ahead)', () => {
    const dayBefore = '2021-06-14';
    const changed = rankingScan({
      ...base,
      candlesBySymbol: perturbedAfter(dayBefore, (i) => 1 + 0.05 * Math.sin(i)),
    });
    assert.notDeepEqual(
      changed.map((s) => s.scanner.score),
      signals.map((s) => s.scanner.score),
    );
  });

  it('returns nothing for a date without bars or without a full training window', () => {
    assert.deepEqual(rankingScan({ ...base, date: '2021-06-13' }), [], 'a Sunday');
    assert.deepEqual(rankingScan({ ...base, date: '2019-03-01' }), [], 'too early for 63 dates of history');
    assert.throws(() => rankingScan({ ...base, date: '15/06/2021' }), /YYYY-MM-DD/);
    assert.throws(() => rankingScan({ ...base, topK: 0 }), /topK/);
  });

  it('ranks with a pretrained LightGBM model as well', () => {
    // One split on ret_20 (momentum): trending symbols score 0.002, the rest −0.001. Three trees: the
    // same split twice plus a constant, so the score is 2 × leaf + 0.0005.
    const tree = (i: number) =>
      [
        `Tree=${i}`,
        'num_leaves=2',
        'num_cat=0',
        `split_feature=${FEATURE_NAMES.indexOf('ret_20')}`,
        'threshold=0',
        'decision_type=2',
        'left_child=-1',
        'right_child=-2',
        'leaf_value=-0.001 0.002',
        'shrinkage=1',
        '',
      ].join('\n');
    const text = [
      'tree',
      'version=v4',
      'num_class=1',
      'num_tree_per_iteration=1',
      'label_index=0',
      `max_feature_idx=${FEATURE_NAMES.length - 1}`,
      'objective=regression',
      `feature_names=${FEATURE_NAMES.join(' ')}`,
      '',
      tree(0),
      tree(1),
      'Tree=2\nnum_leaves=1\nnum_cat=0\nleaf_value=0.0005\nshrinkage=1\n',
      'end of trees',
    ].join('\n');
    const model = parseLightGbmModel(text, { featureNames: FEATURE_NAMES });
    const picks = rankingScan({ ...base, topK: 7, modelFactory: pretrained(model) });
    const panel = buildPanel(candles, DATE);
    const rising = panel.dates
      .at(-1)
      ?.rows.filter((row) => (row.features[FEATURE_NAMES.indexOf('ret_20')] as number) > 0)
      .map((row) => row.symbol);
    assert.ok(rising && rising.length > 0 && rising.length < 7, 'the date has rising and falling symbols');
    assert.deepEqual(picks.map((p) => p.symbol).sort(), rising);
    for (const pick of picks) assert.equal(pick.scanner.score, 2 * 0.002 + 0.0005);
  });

  it('uses the factory it is given', () => {
    const other = rankingScan({ ...base, modelFactory: randomForest({ seed: 7, nEstimators: 4 }) });
    assert.notDeepEqual(
      other.map((s) => s.scanner.score),
      signals.map((s) => s.scanner.score),
    );
  });
});
