import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Atr } from './atr.ts';
import { Ema } from './ema.ts';
import { highest, lowest } from './rolling-extreme.ts';
import { Rsi } from './rsi.ts';
import { Sma } from './sma.ts';
import { TrueRange } from './true-range.ts';
import { RollingStdDev, RollingVolatility } from './volatility.ts';

interface Golden {
  high: number[];
  low: number[];
  close: number[];
  ATR14_talib: (number | null)[];
  RSI14_talib: (number | null)[];
  EMA10_talib: (number | null)[];
}
// TA-Lib's own outputs (talib.js, TA-Lib C compiled to WASM) on a 30-bar series.
const golden = JSON.parse(
  readFileSync(new URL('../../test/fixtures/indicator_golden.json', import.meta.url), 'utf8'),
) as Golden;

function assertSeries(actual: number[], expected: (number | null)[], name: string): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((want, i) => {
    const got = actual[i] as number;
    if (want === null) assert.ok(Number.isNaN(got), `${name}[${i}] should have no value yet, got ${got}`);
    else assert.ok(Math.abs(got - want) <= 1e-9, `${name}[${i}] = ${got}, TA-Lib says ${want}`);
  });
}

describe('indicators match TA-Lib to 1e-9', () => {
  it('ATR(14): no TR on bar 0, SMA seed at index 14, then Wilder', () => {
    const atr = new Atr(14);
    assertSeries(
      golden.close.map((c, i) => atr.update(golden.high[i] as number, golden.low[i] as number, c)),
      golden.ATR14_talib,
      'ATR14',
    );
  });

  it('RSI(14): Wilder, first value at index 14', () => {
    const rsi = new Rsi(14);
    assertSeries(
      golden.close.map((c) => rsi.update(c)),
      golden.RSI14_talib,
      'RSI14',
    );
  });

  it('EMA(10): seeded with the SMA of the first 10 values', () => {
    const ema = new Ema(10);
    assertSeries(
      golden.close.map((c) => ema.update(c)),
      golden.EMA10_talib,
      'EMA10',
    );
  });
});

describe('indicator edge cases', () => {
  it('RSI is 0 on flat prices, 100 on gains only', () => {
    const flat = new Rsi(3);
    for (let i = 0; i < 6; i++) flat.update(10);
    assert.equal(flat.value, 0);
    const up = new Rsi(3);
    for (let i = 0; i < 6; i++) up.update(10 + i);
    assert.equal(up.value, 100);
  });

  it('a flat zero-range bar gives a finite true range and ATR', () => {
    const tr = new TrueRange();
    assert.ok(Number.isNaN(tr.update(10, 9, 9.5)));
    assert.equal(tr.update(9.5, 9.5, 9.5), 0);
    const atr = new Atr(2);
    for (const [high, low, close] of [
      [10, 9, 9.5],
      [9.5, 9.5, 9.5],
      [9.5, 9.5, 9.5],
    ])
      atr.update(high as number, low as number, close as number);
    assert.equal(atr.value, 0);
  });

  it('refuses periods that make no sense', () => {
    assert.throws(() => new Atr(0), RangeError);
    assert.throws(() => new Rsi(1), RangeError);
    assert.throws(() => new Ema(2.5), RangeError);
  });
});

describe('streaming indicators agree with brute-force recomputation', () => {
  // A deterministic wave with jitter: rises, falls and repeated values exercise every branch.
  const values = Array.from({ length: 2_000 }, (_, i) => 100 + 10 * Math.sin(i / 7) + ((i * 7919) % 13) - 6);

  it('SMA, highest, lowest and rolling standard deviation', () => {
    const n = 20;
    const sma = new Sma(n);
    const high = highest(n);
    const low = lowest(n);
    const sd = new RollingStdDev(n);
    values.forEach((x, i) => {
      sma.update(x);
      high.update(x);
      low.update(x);
      sd.update(x);
      if (i < n - 1)
        return assert.ok(Number.isNaN(sma.value) && Number.isNaN(high.value) && Number.isNaN(sd.value));
      const window = values.slice(i - n + 1, i + 1);
      const mean = window.reduce((a, b) => a + b, 0) / n;
      const variance = window.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
      assert.ok(Math.abs(sma.value - mean) < 1e-9, `SMA at ${i}`);
      assert.equal(high.value, Math.max(...window));
      assert.equal(low.value, Math.min(...window));
      assert.ok(Math.abs(sd.value - Math.sqrt(variance)) < 1e-9, `stddev at ${i}`);
    });
  });

  it('rolling volatility is the standard deviation of log returns', () => {
    const vol = new RollingVolatility(10);
    values.forEach((x) => vol.update(x));
    const last = values.slice(-11);
    const returns = last.slice(1).map((x, i) => Math.log(x / (last[i] as number)));
    const mean = returns.reduce((a, b) => a + b, 0) / 10;
    const expected = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / 9);
    assert.ok(Math.abs(vol.value - expected) < 1e-12);
  });
});
