import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Candle } from '../../domain/candle.ts';
import { FEATURE_NAMES, symbolFeatures, WARM_UP_BARS } from './features.ts';
import { buildPanel, panelIndexOf, trainingSetBefore } from './panel.ts';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);

/** Scripted daily bars: close as given, high/low half a unit around it unless told. */
function bars(symbol: string, closes: readonly number[], spread = 0.5): Candle[] {
  return closes.map((close, i) => ({
    symbol,
    time: START + i * DAY,
    open: close,
    high: close + spread,
    low: close - spread,
    close,
    volume: 100,
  }));
}

const feature = (row: { features: number[] } | undefined, name: (typeof FEATURE_NAMES)[number]) =>
  row?.features[FEATURE_NAMES.indexOf(name)] as number;

describe('symbolFeatures', () => {
  it('computes each feature as documented on a scripted uptrend', () => {
    const closes = Array.from({ length: 30 }, (_, i) => 100 + i);
    const rows = symbolFeatures(bars('TEST', closes));
    assert.equal(rows.length, 30 - WARM_UP_BARS, 'one row per bar from bar 20 on');
    const first = rows[0];
    assert.equal(first?.date, '2024-01-21');
    assert.equal(first?.close, 120);
    const near = (a: number, b: number, what: string) =>
      assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);
    near(feature(first, 'ret_1'), Math.log(120 / 119), 'ret_1');
    near(feature(first, 'ret_5'), Math.log(120 / 115), 'ret_5');
    near(feature(first, 'ret_20'), Math.log(120 / 100), 'ret_20');
    const logReturns = Array.from({ length: 20 }, (_, k) => Math.log((101 + k) / (100 + k)));
    const m = logReturns.reduce((a, b) => a + b, 0) / 20;
    const vol = Math.sqrt(logReturns.reduce((a, r) => a + (r - m) ** 2, 0) / 19);
    near(feature(first, 'vol_20'), vol, 'vol_20');
    assert.equal(feature(first, 'rsi_14'), 100, 'gains only');
    // True range of every bar after the first: max(1, |prev − high| = 1.5, |prev − low| = 0.5) = 1.5.
    near(first?.atr as number, 1.5, 'ATR(14)');
    near(feature(first, 'atr_pct_14'), 1.5 / 120, 'atr_pct_14');
    near(feature(first, 'dist_high_20'), Math.log(120 / 120.5), 'dist_high_20');
    near(feature(first, 'mom_z_20'), Math.log(1.2) / (vol * Math.sqrt(20)), 'mom_z_20');
  });

  it('gives finite zeros, not NaN, on flat bars (open = high = low = close)', () => {
    const rows = symbolFeatures(bars('FLAT', Array<number>(30).fill(1.2345), 0));
    assert.equal(rows.length, 10);
    for (const row of rows) {
      assert.deepEqual(row.features, [0, 0, 0, 0, 0, 0, 0, 0], `features on ${row.date}`);
      assert.equal(row.atr, 0);
    }
  });

  it('stays finite through a single flat bar in a moving market', () => {
    const closes = Array.from({ length: 40 }, (_, i) => 50 + Math.sin(i) * 2);
    const candles = bars('MIX', closes);
    candles[25] = { ...(candles[25] as Candle), open: 51, high: 51, low: 51, close: 51, volume: 0 };
    const rows = symbolFeatures(candles);
    assert.equal(rows.length, 20);
    for (const row of rows)
      assert.ok(row.features.every(Number.isFinite) && Number.isFinite(row.atr), row.date);
  });

  it('drops the rows a non-positive price would poison instead of emitting NaN', () => {
    const candles = bars(
      'BAD',
      Array.from({ length: 40 }, (_, i) => 10 + i),
    );
    candles[30] = { ...(candles[30] as Candle), open: 0, high: 0.5, low: 0, close: 0 };
    const rows = symbolFeatures(candles);
    assert.ok(!rows.some((row) => row.date === '2024-01-31'), 'no row on the zero-price bar');
    for (const row of rows) assert.ok(row.features.every(Number.isFinite), row.date);
  });

  it('refuses unsorted or duplicated candles', () => {
    const candles = bars('X', [1, 2, 3]);
    assert.throws(() => symbolFeatures([candles[1] as Candle, candles[0] as Candle]), /sorted/);
    assert.throws(() => symbolFeatures([candles[0] as Candle, candles[0] as Candle]), /sorted/);
  });
});

describe('buildPanel', () => {
  const a = bars(
    'AAA',
    Array.from({ length: 30 }, (_, i) => 100 + i),
  );
  const b = bars(
    'BBB',
    Array.from({ length: 30 }, (_, i) => 200 - i),
  ).filter((_, i) => i !== 25);

  it('keeps only dates where every symbol has a ready row, in sorted symbol order', () => {
    const panel = buildPanel({ BBB: b, AAA: a });
    assert.deepEqual(panel.symbols, ['AAA', 'BBB']);
    // Rows from bar 20 (2024-01-21) on; BBB has no bar 25 (2024-01-26), so that date is left out.
    assert.deepEqual(
      panel.dates.map((d) => d.date),
      [
        '2024-01-21',
        '2024-01-22',
        '2024-01-23',
        '2024-01-24',
        '2024-01-25',
        '2024-01-27',
        '2024-01-28',
        '2024-01-29',
        '2024-01-30',
      ],
    );
    for (const entry of panel.dates) {
      assert.deepEqual(
        entry.rows.map((r) => r.symbol),
        ['AAA', 'BBB'],
      );
    }
  });

  it('targets the log return to the next panel date; the last date has none', () => {
    const panel = buildPanel({ AAA: a, BBB: b });
    const i = panelIndexOf(panel, '2024-01-25'); // bar 24; the next panel date is bar 26 (bar 25 skipped)
    const [rowA, rowB] = panel.dates[i]?.rows ?? [];
    assert.equal(rowA?.target, Math.log(126 / 124));
    assert.equal(rowB?.target, Math.log(174 / 176));
    assert.ok(panel.dates.at(-1)?.rows.every((row) => row.target === null));
  });

  it('drops candles after `until` before computing anything', () => {
    const panel = buildPanel({ AAA: a, BBB: b }, '2024-01-25');
    assert.equal(panel.dates.at(-1)?.date, '2024-01-25');
    assert.ok(
      panel.dates.at(-1)?.rows.every((row) => row.target === null),
      'its next close is not known yet',
    );
    assert.equal(panelIndexOf(panel, '2024-01-27'), -1);
  });

  it('refuses two bars on one date (the scanner is daily)', () => {
    const twice = bars(
      'AAA',
      Array.from({ length: 30 }, (_, i) => 100 + i),
    ).map((c, i) => ({
      ...c,
      time: START + Math.floor(i / 2) * DAY + (i % 2) * 3_600_000,
    }));
    assert.throws(() => buildPanel({ AAA: twice }), /two bars on/);
  });
});

describe('trainingSetBefore', () => {
  const a = bars(
    'AAA',
    Array.from({ length: 40 }, (_, i) => 100 + i),
  );
  const b = bars(
    'BBB',
    Array.from({ length: 40 }, (_, i) => 100 + (i % 3)),
  );
  const panel = buildPanel({ AAA: a, BBB: b });

  it('takes the window of dates before the index; the last target ends at the index close', () => {
    const index = 10;
    const set = trainingSetBefore(panel, index, 4);
    assert.equal(set.features.length, 4 * 2);
    assert.equal(set.targets.length, 4 * 2);
    const closeAt = (k: number, s: number) => panel.dates[k]?.rows[s]?.close as number;
    assert.equal(set.targets.at(-2), Math.log(closeAt(index, 0) / closeAt(index - 1, 0)));
    assert.equal(set.targets.at(-1), Math.log(closeAt(index, 1) / closeAt(index - 1, 1)));
    assert.deepEqual(set.features[0], panel.dates[index - 4]?.rows[0]?.features);
  });

  it('refuses a window that does not fit', () => {
    assert.throws(() => trainingSetBefore(panel, 3, 4), /window needs 4/);
    assert.throws(() => trainingSetBefore(panel, 3, 0), RangeError);
  });
});
