// The pure arithmetic under every entry: the ATR stop band, rounding to an instrument's grid, and
// constant-dollar sizing. Expected numbers are worked by hand in the comments beside each case.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Instrument } from '../domain/instrument.ts';
import type { Verdict } from './denial.ts';
import { sizePosition, type SizingInput, type SizingRule } from './position-sizing.ts';
import { floorToStep, roundStop, roundTarget } from './price-rounding.ts';
import { stopDistance, stopFraction, type StopRule } from './stop-rule.ts';
import { EURUSD, SPOT } from '../../test/support/position-fixture.ts';

/** Floor 3 %, 1.5 ATR, cap 6 %: at entry 100 the ATR stop is inside the band for 2 ≤ ATR ≤ 4. */
const RULE: StopRule = { floorPct: 3, multiplier: 1.5, capPct: 6 };
const RULE_FX: StopRule = { floorPct: 0.1, multiplier: 1.5, capPct: 1 };

/** Risk 5 USD a trade, positions worth at most 1000 USD; the 10 % of equity is unused while risk > 0. */
const RISK_5: SizingRule = { riskPerTradeUsd: 5, maxPositionUsd: 1000, positionPct: 10 };
/** The rollback sentinel: risk 0 sizes every position at 10 % of equity. */
const LEGACY_10PCT: SizingRule = { riskPerTradeUsd: 0, maxPositionUsd: 1000, positionPct: 10 };

const size = (input: Partial<SizingInput>, rule: SizingRule = RISK_5, instrument: Instrument = SPOT) =>
  sizePosition({ entryPrice: 100, stopPrice: 95, equity: 1000, ...input }, rule, instrument);

function assertDenied<T>(verdict: Verdict<T>, code: string): void {
  assert.ok(!verdict.ok, `expected a refusal with ${code}, got ${JSON.stringify(verdict)}`);
  assert.equal(verdict.code, code);
  assert.ok(verdict.message.length > 0);
}

function near(actual: number, expected: number, epsilon = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= epsilon, `${actual} is not within ${epsilon} of ${expected}`);
}

describe('stopFraction', () => {
  it('is multiplier × ATR / entry between the floor and the cap', () => {
    // 1.5 × 3 / 100 = 0.045 (4.5 %), inside [3 %, 6 %]
    assert.equal(stopFraction(RULE, 100, 3), 0.045);
    // 1.5 × 2 / 50 = 0.06: exactly the cap, still the formula
    assert.equal(stopFraction(RULE, 50, 2), 0.06);
  });

  it('is clamped up to the floor for a quiet symbol', () => {
    // 1.5 × 1 / 100 = 0.015 < 0.03 → 0.03
    assert.equal(stopFraction(RULE, 100, 1), 0.03);
  });

  it('is clamped down to the cap for a wild symbol', () => {
    // 1.5 × 10 / 100 = 0.15 > 0.06 → 0.06
    assert.equal(stopFraction(RULE, 100, 10), 0.06);
  });

  it('is the floor when the multiplier is the rollback sentinel 0, whatever the ATR', () => {
    const rollback: StopRule = { ...RULE, multiplier: 0 };
    assert.equal(stopFraction(rollback, 100, 10), 0.03);
    assert.equal(stopFraction(rollback, 100, 3), 0.03);
    assert.equal(stopFraction(rollback, 100, null), 0.03);
  });

  it('is the floor when the ATR is unknown, zero or negative', () => {
    assert.equal(stopFraction(RULE, 100, null), 0.03);
    assert.equal(stopFraction(RULE, 100, 0), 0.03);
    assert.equal(stopFraction(RULE, 100, -2), 0.03);
  });

  it('holds a suggested distance inside [floor, cap] of the entry', () => {
    assert.equal(stopDistance(RULE, 100, 3, 1), 3);
    assert.equal(stopDistance(RULE, 100, 3, 4), 4);
    assert.equal(stopDistance(RULE, 100, 3, 20), 6);
  });

  it('computes the distance in decimals, so a grid-exact stop is not moved by float noise', () => {
    // In floats 1.5 × 0.0022 / 1.1 is 0.0029999999999999996; the distance must be exactly 0.0033.
    assert.equal(stopDistance(RULE_FX, 1.1, 0.0022), 0.0033);
    assert.equal(stopFraction(RULE_FX, 1.1, 0.0022), 0.003);
  });
});

describe('price and quantity rounding', () => {
  it('rounds a long stop up and a short stop down: closer to the price, never looser', () => {
    // long: 97.123 sits between 97.12 and 97.13; up is the tighter side
    assert.equal(roundStop(97.123, 'long', 0.01), 97.13);
    // short: 102.127 sits between 102.12 and 102.13; down is the tighter side
    assert.equal(roundStop(102.127, 'short', 0.01), 102.12);
    assert.ok(roundStop(97.123, 'long', 0.01) >= 97.123);
    assert.ok(roundStop(102.127, 'short', 0.01) <= 102.127);
  });

  it('leaves a stop already on the grid unchanged, on either side', () => {
    assert.equal(roundStop(97.12, 'long', 0.01), 97.12);
    assert.equal(roundStop(97.12, 'short', 0.01), 97.12);
    assert.equal(roundStop(1.09701, 'long', 0.00001), 1.09701);
  });

  it('rounds a target toward the entry: down for a long, up for a short', () => {
    assert.equal(roundTarget(105.127, 'long', 0.01), 105.12);
    assert.equal(roundTarget(94.123, 'short', 0.01), 94.13);
    assert.equal(roundTarget(105.12, 'long', 0.01), 105.12);
    assert.equal(roundTarget(94.13, 'short', 0.01), 94.13);
  });

  it('leaves prices unrounded on a tick of 0', () => {
    assert.equal(roundStop(97.123, 'long', 0), 97.123);
    assert.equal(roundTarget(105.127, 'short', 0), 105.127);
  });

  it('floors a quantity to the step in decimal arithmetic', () => {
    // 0.1 + 0.2 is 0.30000000000000004 in binary: the floor on the 0.1 grid is 0.3, not 0.2
    assert.equal(floorToStep(0.1 + 0.2, 0.1), 0.3);
    // 5 / 4.5 = 1.1111… → 1.111 on the 0.001 grid
    assert.equal(floorToStep(5 / 4.5, 0.001), 1.111);
    assert.equal(floorToStep(0.019, 0.01), 0.01);
    assert.equal(floorToStep(0.5, 0.01), 0.5);
    assert.equal(floorToStep(1.2345, 0), 1.2345);
  });
});

describe('sizePosition: constant-dollar risk', () => {
  it('risks the configured dollars at the stop, floored to the quantity step', () => {
    // unit risk 100 − 95.5 = 4.5; 5 / 4.5 = 1.1111… → 1.111; notional 1.111 × 100 = 111.1;
    // risk 1.111 × 4.5 = 4.9995 ≤ 5
    assert.deepEqual(size({ stopPrice: 95.5 }), { ok: true, qty: 1.111, notional: 111.1, riskUsd: 4.9995 });
  });

  it('sizes a short from the distance above the entry the same way', () => {
    // |100 − 104.5| = 4.5 → the same 1.111
    assert.deepEqual(size({ stopPrice: 104.5 }), { ok: true, qty: 1.111, notional: 111.1, riskUsd: 4.9995 });
  });

  it('ignores the equity while risk per trade is set', () => {
    // 5 / (100 − 95) = 1 exactly, whatever the equity says
    assert.deepEqual(size({ equity: Number.NaN }), { ok: true, qty: 1, notional: 100, riskUsd: 5 });
  });

  it('caps the position value at max_position_usd when the stop is tight', () => {
    // risk alone: 5 / (100 − 99.5) = 10 units (1000 USD); the cap: 50 / 100 = 0.5 units;
    // min(10, 0.5) = 0.5; notional 50; risk 0.5 × 0.5 = 0.25
    const rule: SizingRule = { ...RISK_5, maxPositionUsd: 50 };
    assert.deepEqual(size({ stopPrice: 99.5 }, rule), { ok: true, qty: 0.5, notional: 50, riskUsd: 0.25 });
  });

  it('never risks more than the rule allows, over a sweep of stops on both sides', () => {
    // Stops from 0.01 to 15 away on the cent grid, both sides: every allowed size costs at most 5 at its stop,
    // sits on the quantity grid and stays within the 1000 USD cap.
    for (let cents = 1; cents <= 1500; cents++) {
      for (const stopPrice of [(10_000 - cents) / 100, (10_000 + cents) / 100]) {
        const sized = size({ stopPrice });
        if (!sized.ok) continue;
        const distance = cents / 100;
        assert.ok(sized.qty * distance <= 5 + 1e-9, `stop ${stopPrice}: ${sized.qty} risks too much`);
        assert.ok(sized.riskUsd <= 5 + 1e-9, `stop ${stopPrice}: riskUsd ${sized.riskUsd}`);
        assert.ok(sized.notional <= 1000 + 1e-9, `stop ${stopPrice}: notional ${sized.notional}`);
        assert.equal(floorToStep(sized.qty, SPOT.qtyStep), sized.qty);
      }
    }
  });
});

describe('sizePosition: FX lots', () => {
  it('multiplies the price distance by the contract size', () => {
    // EURUSD 1.1 → 1.097: 0.003 × 100 000 = 300 USD a lot; 160 / 300 = 0.5333… → 0.53 lots;
    // notional 0.53 × 100 000 × 1.1 = 58 300; risk 0.53 × 300 = 159
    const rule: SizingRule = { riskPerTradeUsd: 160, maxPositionUsd: 1_000_000, positionPct: 0 };
    const sized = size({ entryPrice: 1.1, stopPrice: 1.097 }, rule, EURUSD);
    assert.ok(sized.ok);
    assert.equal(sized.qty, 0.53);
    near(sized.notional, 58_300, 1e-6);
    near(sized.riskUsd, 159, 1e-6);
    assert.ok(sized.riskUsd <= 160);
  });

  it('sizes an exact lot when the risk divides the stop exactly', () => {
    // EURUSD 1.1 → 1.097: 300 USD a lot; 150 / 300 = 0.5 lots exactly (step 0.01, minimum 0.01)
    const rule: SizingRule = { riskPerTradeUsd: 150, maxPositionUsd: 1_000_000, positionPct: 0 };
    const sized = size({ entryPrice: 1.1, stopPrice: 1.097 }, rule, EURUSD);
    assert.ok(sized.ok);
    assert.equal(sized.qty, 0.5);
    near(sized.notional, 55_000, 1e-6);
    near(sized.riskUsd, 150, 1e-6);
    // on a spot pair, 100 − 99.6 is 0.4000000000000057 in floats; in decimals 5 / 0.4 = 12.5 exactly
    const spot = size({ stopPrice: 99.6 }, { ...RISK_5, maxPositionUsd: 1_000_000 });
    assert.ok(spot.ok);
    assert.equal(spot.qty, 12.5);
  });

  it('refuses below the minimum lot instead of rounding up', () => {
    // 2 / 300 = 0.00667 lots → floors to 0 on the 0.01 grid, under the 0.01 minimum
    const rule: SizingRule = { riskPerTradeUsd: 2, maxPositionUsd: 1_000_000, positionPct: 0 };
    assertDenied(size({ entryPrice: 1.1, stopPrice: 1.097 }, rule, EURUSD), 'below_min_qty');
  });
});

describe('sizePosition: a pair on a dollar base (USDJPY)', () => {
  const USDJPY: Instrument = { ...EURUSD, symbol: 'USDJPY', priceTick: 0.001, quote: 'dollar_base' };

  it('prices the stop distance in dollars at the stop', () => {
    // 150.00 → 149.50: 0.5 yen × 100 000 = 50 000 yen a lot = 50 000 / 149.5 = 334.448… USD;
    // 100 / 334.448 = 0.299 → 0.29 lots; risk 0.29 × 334.448 = 96.99 USD; value 0.29 × 100 000 USD
    const rule: SizingRule = { riskPerTradeUsd: 100, maxPositionUsd: 1_000_000, positionPct: 0 };
    const sized = size({ entryPrice: 150, stopPrice: 149.5 }, rule, USDJPY);
    assert.ok(sized.ok);
    assert.equal(sized.qty, 0.29);
    near(sized.riskUsd, (0.29 * 50_000) / 149.5, 1e-9);
    near(sized.notional, 29_000, 1e-6);
    // Booked in yen as dollars, the same rule would have bought 0.002 lots: 150 times too little.
  });

  it('caps the position value in dollars: a lot of USDJPY is worth 100 000 dollars', () => {
    const rule: SizingRule = { riskPerTradeUsd: 10_000, maxPositionUsd: 50_000, positionPct: 0 };
    const sized = size({ entryPrice: 150, stopPrice: 149.5 }, rule, USDJPY);
    assert.ok(sized.ok);
    assert.equal(sized.qty, 0.5);
  });

  it('checks the exchange minimum order value in the quote currency', () => {
    const rule: SizingRule = { riskPerTradeUsd: 100, maxPositionUsd: 1_000_000, positionPct: 0 };
    // 0.29 lots × 100 000 × 150 = 4 350 000 yen
    const below = size({ entryPrice: 150, stopPrice: 149.5 }, rule, { ...USDJPY, minNotional: 4_400_000 });
    assertDenied(below, 'below_min_notional');
  });
});

describe('sizePosition: the percentage-of-equity sentinel', () => {
  it('sizes by position_pct of equity when risk per trade is 0', () => {
    // 10 % of 1000 = 100 USD; 100 / 100 = 1 unit; its stop 5 away costs 5
    assert.deepEqual(size({}, LEGACY_10PCT), { ok: true, qty: 1, notional: 100, riskUsd: 5 });
  });

  it('refuses without a positive, finite equity', () => {
    for (const equity of [0, -1000, Number.NaN, Number.POSITIVE_INFINITY]) {
      assertDenied(size({ equity }, LEGACY_10PCT), 'no_equity');
    }
  });
});

describe('sizePosition: refusals', () => {
  it('refuses below the minimum quantity rather than rounding up', () => {
    // 0.004 / 5 = 0.0008 → floors to 0 on the 0.001 grid
    assertDenied(size({}, { ...RISK_5, riskPerTradeUsd: 0.004 }), 'below_min_qty');
    // 0.045 / 5 = 0.009: on the 0.001 grid but under a 0.01 minimum, never rounded up to 0.01
    const coarseMin: Instrument = { ...SPOT, minQty: 0.01, minNotional: 0 };
    assertDenied(size({}, { ...RISK_5, riskPerTradeUsd: 0.045 }, coarseMin), 'below_min_qty');
  });

  it('refuses below the minimum order value', () => {
    // 0.2 / 5 = 0.04 units, worth 4 < 5
    assertDenied(size({}, { ...RISK_5, riskPerTradeUsd: 0.2 }), 'below_min_notional');
  });

  it('accepts an order worth exactly the minimum', () => {
    // 0.25 / 5 = 0.05 units, worth 5 = the minimum
    assert.deepEqual(size({}, { ...RISK_5, riskPerTradeUsd: 0.25 }), {
      ok: true,
      qty: 0.05,
      notional: 5,
      riskUsd: 0.25,
    });
  });

  it('refuses a stop equal to the entry, under either sizing', () => {
    assertDenied(size({ stopPrice: 100 }), 'no_stop_distance');
    assertDenied(size({ stopPrice: 100 }, LEGACY_10PCT), 'no_stop_distance');
    assertDenied(size({ stopPrice: Number.NaN }), 'no_stop_distance');
  });
});
