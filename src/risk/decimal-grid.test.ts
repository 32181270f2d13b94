// The float fast path must give decimal.js's answer to the bit, everywhere: on random prices, on prices
// sitting exactly on a grid line, and a few ulps either side of one — where floats alone would be wrong.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Decimal } from 'decimal.js';
import type { PositionSide } from '../domain/position.ts';
import type { Instrument } from '../domain/instrument.ts';
import { sizePosition } from './position-sizing.ts';
import { floorToStep, roundStop, roundTarget, stopFrom, trailFrom } from './price-rounding.ts';
import { ruleStop, stopDistance, type StopRule } from './stop-rule.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';

/** The rounding as it was written before the fast path, in decimal arithmetic only: the specification. */
const spec = {
  toGrid(value: Decimal, step: number, up: boolean): number {
    return value.toNearest(step, up ? Decimal.ROUND_UP : Decimal.ROUND_DOWN).toNumber();
  },
  roundStop(price: number, side: PositionSide, tick: number): number {
    return spec.toGrid(new Decimal(price), tick, side === 'long');
  },
  stopFrom(price: number, distance: number, side: PositionSide, tick: number): number {
    const base = new Decimal(price);
    return spec.toGrid(side === 'long' ? base.minus(distance) : base.plus(distance), tick, side === 'long');
  },
  trailFrom(peak: number, multiple: number, atr: number, side: PositionSide, tick: number): number {
    return spec.stopFrom(peak, new Decimal(multiple).times(atr).toNumber(), side, tick);
  },
  roundTarget(price: number, side: PositionSide, tick: number): number {
    return spec.toGrid(new Decimal(price), tick, side !== 'long');
  },
  floorToStep(qty: number, step: number): number {
    return spec.toGrid(new Decimal(qty), step, false);
  },
};

const TICKS = [1e-8, 1e-6, 1e-5, 1e-4, 0.001, 0.01, 0.05, 0.25, 0.5, 1, 5, 0.00025];
const SIDES: PositionSide[] = ['long', 'short'];

/** Prices from 1e-7 (PEPE) to 1e5 (BTC), and the same on a grid line and a few ulps off one. */
function pricesFor(tick: number, next: () => number): number[] {
  const price = 10 ** (next() * 12 - 7);
  const onLine = new Decimal(Math.max(1, Math.round(price / tick))).times(tick).toNumber();
  const ulp = (x: number) => Math.max(Number.MIN_VALUE, Math.abs(x) * Number.EPSILON);
  return [price, onLine, onLine + ulp(onLine), onLine - ulp(onLine), onLine + 3 * ulp(onLine)].filter(
    (p) => p > 0,
  );
}

describe('rounding to a grid, fast path against decimal arithmetic', () => {
  it('agrees to the bit on 100 000 random and near-line cases', () => {
    const next = seededRandom(20261206);
    let cases = 0;
    for (let n = 0; n < 500; n++) {
      for (const tick of TICKS) {
        for (const price of pricesFor(tick, next)) {
          const distance = price * (0.001 + next() * 0.2);
          const atr = price * next() * 0.05;
          const multiple = [1, 1.5, 2.5, 3, 0.7][n % 5] as number;
          for (const side of SIDES) {
            const input = { price, distance, atr, multiple, side, tick };
            const check = (got: number, want: number, what: string) => {
              if (!Object.is(got, want))
                assert.fail(`${what} ${JSON.stringify(input)}: fast ${got}, decimal ${want}`);
            };
            check(roundStop(price, side, tick), spec.roundStop(price, side, tick), 'roundStop');
            check(roundTarget(price, side, tick), spec.roundTarget(price, side, tick), 'roundTarget');
            check(
              stopFrom(price, distance, side, tick),
              spec.stopFrom(price, distance, side, tick),
              'stopFrom',
            );
            check(
              trailFrom(price, multiple, atr, side, tick),
              spec.trailFrom(price, multiple, atr, side, tick),
              'trailFrom',
            );
            cases += 4;
          }
          if (next() < 0.5) {
            const qty = 1 / price;
            assert.equal(
              floorToStep(qty, tick),
              spec.floorToStep(qty, tick),
              `floorToStep ${qty} on ${tick}`,
            );
          }
        }
      }
    }
    assert.ok(cases > 100_000, `${cases} cases`);
  });

  it('rounds the float-hostile cases the way the rule means', () => {
    // 100 × (1 − 0.0004) is 99.96000000000001 in floats: rounded up on a cent grid that is 99.97.
    assert.equal(stopFrom(100, 0.04, 'long', 0.01), 99.96);
    assert.equal(roundStop(0.30000000000000004, 'long', 0.1), 0.4);
    assert.equal(roundStop(0.3, 'long', 0.1), 0.3);
    assert.equal(floorToStep(0.3, 0.1), 0.3);
    assert.equal(trailFrom(105, 3, 0.1, 'long', 0.01), 104.7);
    assert.equal(trailFrom(0.000001234, 3, 1e-8, 'long', 1e-8), 0.00000121);
  });
});

describe('the entry plan, fast path against decimal arithmetic', () => {
  /** The rule's stop and the sized quantity as they were computed before the fast path: all decimal. */
  const stopSpec = (rule: StopRule, entry: number, atr: number | null, side: PositionSide, tick: number) =>
    stopFrom(entry, stopDistance(rule, entry, atr), side, tick);
  const qtySpec = (entry: number, stop: number, instrument: Instrument, risk: number, maxUsd: number) => {
    const contract = new Decimal(instrument.contractSize);
    const dollars = (money: Decimal, price: number) =>
      instrument.quote === 'dollars' ? money : money.div(price);
    const unitRisk = dollars(new Decimal(entry).minus(stop).abs().times(contract), stop);
    const unitValue = dollars(new Decimal(entry).times(contract), entry);
    const raw = Decimal.min(new Decimal(risk).div(unitRisk), new Decimal(maxUsd).div(unitValue));
    return raw.toNearest(instrument.qtyStep, Decimal.ROUND_DOWN).toNumber();
  };

  it('gives the same stops and quantities on 20 000 random entries', () => {
    const next = seededRandom(16);
    for (let n = 0; n < 20_000; n++) {
      const tick = TICKS[n % TICKS.length] as number;
      const [price] = pricesFor(tick, next) as [number];
      const atr = next() < 0.1 ? null : price * next() * 0.05;
      const rule: StopRule = {
        floorPct: [3, 2.5, 1][n % 3] as number,
        multiplier: [1.5, 2.5, 0][n % 3] as number,
        capPct: 6,
      };
      const side = SIDES[n % 2] as PositionSide;
      const stop = ruleStop(rule, price, atr, side, tick);
      assert.equal(
        stop,
        stopSpec(rule, price, atr, side, tick),
        `stop ${JSON.stringify({ price, atr, rule, side, tick })}`,
      );
      if (!(Math.abs(price - stop) > 0)) continue;
      const step = [1e-8, 0.001, 0.01, 1, 0.5][n % 5] as number;
      const instrument: Instrument = {
        symbol: 'X',
        priceTick: tick,
        qtyStep: step,
        minQty: 0,
        minNotional: 0,
        contractSize: n % 7 === 0 ? 100_000 : 1,
        quote: n % 11 === 0 ? 'dollar_base' : 'dollars',
      };
      const sized = sizePosition(
        { entryPrice: price, stopPrice: stop, equity: Number.NaN },
        { riskPerTradeUsd: 5, maxPositionUsd: 50, positionPct: 0 },
        instrument,
      );
      const want = qtySpec(price, stop, instrument, 5, 50);
      if (sized.ok) assert.equal(sized.qty, want, `qty ${JSON.stringify({ price, stop, instrument })}`);
      else assert.ok(want <= 0, `refused ${JSON.stringify({ price, stop, instrument })}: ${sized.message}`);
    }
  });
});

describe('no grid (tick or step 0): the float result stands', () => {
  it('places stops, trails and targets where the float arithmetic puts them, on a PEPE price too', () => {
    // On a cent grid this is 99.96 (above); with no grid the float difference is the stop.
    assert.equal(stopFrom(100, 0.04, 'long', 0), 100 - 0.04);
    assert.equal(trailFrom(0.000001234, 3, 1e-8, 'long', 0), 0.000001234 - 3 * 1e-8);
    assert.equal(roundStop(0.30000000000000004, 'long', 0), 0.30000000000000004);
    assert.equal(roundTarget(6.1e-7, 'short', 0), 6.1e-7);
    assert.equal(floorToStep(1 / 3, 0), 1 / 3);
    const rule: StopRule = { floorPct: 3, multiplier: 1.5, capPct: 6 };
    // 1.5 × ATR 2.2e-8 over 6.1e-7 is 5.4 %: inside the band, the stop 1.5 ATR under the price.
    assert.equal(ruleStop(rule, 6.1e-7, 2.2e-8, 'long', 0), 6.1e-7 - 1.5 * 2.2e-8);
  });
});
