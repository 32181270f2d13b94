// Bollinger bands, MACD and ADX against TA-Lib's own outputs (talib.js 0.1.0, TA-Lib C compiled to
// WebAssembly) on 120 bars of the domain reference series: test/fixtures/talib-golden.json.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Adx } from './adx.ts';
import { Bollinger } from './bollinger.ts';
import { Macd } from './macd.ts';
import { Sma } from './sma.ts';

type Series = (number | null)[];
interface Golden {
  high: number[];
  low: number[];
  close: number[];
  BBANDS_20_2: { upper: Series; middle: Series; lower: Series };
  MACD_12_26_9: { macd: Series; signal: Series; hist: Series };
  ADX_14: Series;
  SMA_20: Series;
}
const golden = JSON.parse(
  readFileSync(new URL('../../test/fixtures/talib-golden.json', import.meta.url), 'utf8'),
) as Golden;

function assertSeries(actual: number[], expected: Series, name: string): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((want, i) => {
    const got = actual[i] as number;
    if (want === null) assert.ok(Number.isNaN(got), `${name}[${i}] should have no value yet, got ${got}`);
    else assert.ok(Math.abs(got - want) <= 1e-9, `${name}[${i}] = ${got}, TA-Lib says ${want}`);
  });
}

describe('Bollinger bands, MACD and ADX match TA-Lib to 1e-9', () => {
  it('BBANDS(20, 2, 2): SMA middle, population deviation bands from index 19', () => {
    const bands = new Bollinger(20, 2);
    const out = golden.close.map((c) => bands.update(c));
    assertSeries(
      out.map((b) => b.upper),
      golden.BBANDS_20_2.upper,
      'upper',
    );
    assertSeries(
      out.map((b) => b.middle),
      golden.BBANDS_20_2.middle,
      'middle',
    );
    assertSeries(
      out.map((b) => b.lower),
      golden.BBANDS_20_2.lower,
      'lower',
    );
    const sma = new Sma(20);
    assertSeries(
      golden.close.map((c) => sma.update(c)),
      golden.SMA_20,
      'SMA20',
    );
  });

  it('MACD(12, 26, 9): both seeds end at index 25, all three lines from index 33', () => {
    const macd = new Macd(12, 26, 9);
    const out = golden.close.map((c) => macd.update(c));
    assertSeries(
      out.map((m) => m.macd),
      golden.MACD_12_26_9.macd,
      'macd',
    );
    assertSeries(
      out.map((m) => m.signal),
      golden.MACD_12_26_9.signal,
      'signal',
    );
    assertSeries(
      out.map((m) => m.histogram),
      golden.MACD_12_26_9.hist,
      'histogram',
    );
  });

  it('ADX(14): Wilder sums, first value the mean DX at index 27', () => {
    const adx = new Adx(14);
    assertSeries(
      golden.close.map((c, i) => adx.update(golden.high[i] as number, golden.low[i] as number, c)),
      golden.ADX_14,
      'ADX14',
    );
  });

  it('refuses periods that cannot work', () => {
    assert.throws(() => new Bollinger(1), /≥ 2/);
    assert.throws(() => new Macd(26, 12, 9), /fast < slow/);
    assert.throws(() => new Adx(1), /≥ 2/);
  });
});
