// From a decided trade to the position to open: stop, target and quantity, or the reason there is none.
// Every ok plan any test here produces is also checked against the invariant "never a position with an
// undefined stop": a finite stop strictly on the protective side, and no more than the rule's risk at it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Instrument } from '../domain/instrument.ts';
import type { PositionSide } from '../domain/position.ts';
import type { Verdict } from './denial.ts';
import { planEntry, type EntryPlan, type EntryRequest, type EntryRules } from './entry-plan.ts';
import { EURUSD, SPOT } from '../../test/support/position-fixture.ts';

/** Stops between 3 % and 6 % of entry at 1.5 ATR; 5 USD risked a trade, positions up to 1000 USD; no target. */
const RULES: EntryRules = {
  stop: { floorPct: 3, multiplier: 1.5, capPct: 6 },
  sizing: { riskPerTradeUsd: 5, maxPositionUsd: 1000, positionPct: 10 },
  takeProfitPct: 0,
};
const WITH_TARGET: EntryRules = { ...RULES, takeProfitPct: 9 };
/** The rollback sentinel for sizing: 10 % of equity per position. */
const LEGACY_SIZING: EntryRules = { ...RULES, sizing: { ...RULES.sizing, riskPerTradeUsd: 0 } };

/** FX stops are tighter: 0.2 % to 1 % at 1.5 ATR, 160 USD risked a trade, a 0.5 % target. */
const FX_RULES: EntryRules = {
  stop: { floorPct: 0.2, multiplier: 1.5, capPct: 1 },
  sizing: { riskPerTradeUsd: 160, maxPositionUsd: 1_000_000, positionPct: 0 },
  takeProfitPct: 0.5,
};

const DENIAL_CODES = [
  'invalid_entry_price',
  'invalid_atr',
  'stop_on_wrong_side',
  'target_on_wrong_side',
  'no_stop_distance',
  'no_equity',
  'below_min_qty',
  'below_min_notional',
];

/** The invariant every ok plan must hold, whatever produced it. */
function assertProtected(plan: EntryPlan, request: EntryRequest, rules: EntryRules, instrument: Instrument) {
  if (!plan.ok) return;
  const { side, entryPrice } = request;
  const at = `${side} at ${entryPrice} (ATR ${request.atr}, suggested ${request.suggestedStop})`;
  assert.ok(Number.isFinite(plan.initialStop), `${at}: stop ${plan.initialStop} is not finite`);
  if (side === 'long') assert.ok(plan.initialStop < entryPrice, `${at}: stop ${plan.initialStop} not below`);
  else assert.ok(plan.initialStop > entryPrice, `${at}: stop ${plan.initialStop} not above`);
  assert.ok(Number.isFinite(plan.qty) && plan.qty > 0, `${at}: qty ${plan.qty}`);
  assert.ok(plan.qty >= instrument.minQty, `${at}: qty ${plan.qty} under the minimum`);
  if (rules.sizing.riskPerTradeUsd > 0) {
    const risk = Math.abs(entryPrice - plan.initialStop) * plan.qty * instrument.contractSize;
    assert.ok(risk <= rules.sizing.riskPerTradeUsd + 1e-9, `${at}: risks ${risk}`);
  }
}

/** planEntry for a long at 100 with equity 1000 unless overridden, with the invariant checked. */
function plan(request: Partial<EntryRequest>, rules = RULES, instrument = SPOT): EntryPlan {
  const full: EntryRequest = { side: 'long', entryPrice: 100, atr: null, equity: 1000, ...request };
  const result = planEntry(full, rules, instrument);
  assertProtected(result, full, rules, instrument);
  return result;
}

function assertDenied<T>(verdict: Verdict<T>, code: string): void {
  assert.ok(!verdict.ok, `expected a refusal with ${code}, got ${JSON.stringify(verdict)}`);
  assert.equal(verdict.code, code);
  assert.ok(verdict.message.length > 0);
}

function near(actual: number, expected: number, epsilon = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= epsilon, `${actual} is not within ${epsilon} of ${expected}`);
}

/** The plan's stop and size, with its risk figures compared to within float noise. */
function assertPlan(
  result: EntryPlan,
  expected: { qty: number; initialStop: number; takeProfit: number | null; stopFraction: number },
  money: { notional: number; riskUsd: number },
): void {
  assert.ok(result.ok, `expected a plan, got ${JSON.stringify(result)}`);
  const { notional, riskUsd, stopFraction, ...rest } = result;
  assert.deepEqual(rest, {
    ok: true,
    qty: expected.qty,
    initialStop: expected.initialStop,
    takeProfit: expected.takeProfit,
  });
  near(stopFraction, expected.stopFraction, 1e-12);
  near(notional, money.notional, 1e-6);
  near(riskUsd, money.riskUsd, 1e-6);
}

describe('planEntry: ATR stops', () => {
  it('plans a long with the ATR stop and the percentage target', () => {
    // stop: 1.5 × 3 / 100 = 4.5 % → 95.5; qty 5 / 4.5 = 1.111; target 100 × 1.09 = 109;
    // notional 111.1; risk 1.111 × 4.5 = 4.9995
    assert.deepEqual(plan({ atr: 3 }, WITH_TARGET), {
      ok: true,
      qty: 1.111,
      initialStop: 95.5,
      takeProfit: 109,
      stopFraction: 0.045,
      notional: 111.1,
      riskUsd: 4.9995,
    });
  });

  it('plans a short with the stop above and the target below', () => {
    // stop 100 × 1.045 = 104.5; target 100 × 0.91 = 91; the same 1.111 units
    assert.deepEqual(plan({ side: 'short', atr: 3 }, WITH_TARGET), {
      ok: true,
      qty: 1.111,
      initialStop: 104.5,
      takeProfit: 91,
      stopFraction: 0.045,
      notional: 111.1,
      riskUsd: 4.9995,
    });
  });

  it('widens a quiet symbol to the floor and tightens a wild one to the cap', () => {
    // ATR 1: 1.5 % → floor 3 % → stop 97; 5 / 3 = 1.666…→ 1.666; risk 1.666 × 3 = 4.998
    assertPlan(
      plan({ atr: 1 }),
      { qty: 1.666, initialStop: 97, takeProfit: null, stopFraction: 0.03 },
      { notional: 166.6, riskUsd: 4.998 },
    );
    // ATR 10: 15 % → cap 6 % → stop 94; 5 / 6 = 0.833…→ 0.833; risk 0.833 × 6 = 4.998
    assertPlan(
      plan({ atr: 10 }),
      { qty: 0.833, initialStop: 94, takeProfit: null, stopFraction: 0.06 },
      { notional: 83.3, riskUsd: 4.998 },
    );
    // the short mirror: 103 and 106
    assertPlan(
      plan({ side: 'short', atr: 1 }),
      { qty: 1.666, initialStop: 103, takeProfit: null, stopFraction: 0.03 },
      { notional: 166.6, riskUsd: 4.998 },
    );
    assertPlan(
      plan({ side: 'short', atr: 10 }),
      { qty: 0.833, initialStop: 106, takeProfit: null, stopFraction: 0.06 },
      { notional: 83.3, riskUsd: 4.998 },
    );
  });

  it('falls back to the floor stop for an unknown, zero or negative ATR', () => {
    for (const atr of [null, 0, -1]) {
      assertPlan(
        plan({ atr }),
        { qty: 1.666, initialStop: 97, takeProfit: null, stopFraction: 0.03 },
        { notional: 166.6, riskUsd: 4.998 },
      );
    }
  });

  it('uses the floor under the multiplier rollback sentinel, however large the ATR', () => {
    const rollback: EntryRules = { ...RULES, stop: { ...RULES.stop, multiplier: 0 } };
    assertPlan(
      plan({ atr: 10 }, rollback),
      { qty: 1.666, initialStop: 97, takeProfit: null, stopFraction: 0.03 },
      { notional: 166.6, riskUsd: 4.998 },
    );
  });

  it('sizes by percentage of equity under the risk sentinel, still with a stop', () => {
    // stop 95.5 as before; qty 10 % × 1000 / 100 = 1; its stop costs 4.5
    assertPlan(
      plan({ atr: 3 }, LEGACY_SIZING),
      { qty: 1, initialStop: 95.5, takeProfit: null, stopFraction: 0.045 },
      { notional: 100, riskUsd: 4.5 },
    );
  });

  it('plans FX lots from the contract size', () => {
    // ATR 0.0022: 1.5 × 0.0022 / 1.1 = 0.3 % → stop 1.1 × 0.997 = 1.0967; 0.0033 × 100 000 = 330 USD a lot;
    // 160 / 330 = 0.4848… → 0.48 lots; risk 0.48 × 330 = 158.4; notional 0.48 × 110 000 = 52 800;
    // target 1.1 × 1.005 = 1.1055 (long), 1.1 × 0.995 = 1.0945 (short)
    assertPlan(
      plan({ entryPrice: 1.1, atr: 0.0022 }, FX_RULES, EURUSD),
      { qty: 0.48, initialStop: 1.0967, takeProfit: 1.1055, stopFraction: 0.003 },
      { notional: 52_800, riskUsd: 158.4 },
    );
    assertPlan(
      plan({ side: 'short', entryPrice: 1.1, atr: 0.0022 }, FX_RULES, EURUSD),
      { qty: 0.48, initialStop: 1.1033, takeProfit: 1.0945, stopFraction: 0.003 },
      { notional: 52_800, riskUsd: 158.4 },
    );
  });
});

describe('planEntry: targets', () => {
  it('sets no target when take_profit_pct is 0 and none is suggested', () => {
    const result = plan({ atr: 3 });
    assert.ok(result.ok);
    assert.equal(result.takeProfit, null);
  });

  it('prefers a suggested target, rounded toward the entry', () => {
    // 109.999 → 109.99 for a long (down); 90.001 → 90.01 for a short (up); the 9 % rule is not used
    const long = plan({ atr: 3, suggestedTakeProfit: 109.999 }, WITH_TARGET);
    assert.ok(long.ok);
    assert.equal(long.takeProfit, 109.99);
    const short = plan({ side: 'short', atr: 3, suggestedTakeProfit: 90.001 }, WITH_TARGET);
    assert.ok(short.ok);
    assert.equal(short.takeProfit, 90.01);
  });

  it('falls back to take_profit_pct when the suggested target is null', () => {
    const result = plan({ atr: 3, suggestedTakeProfit: null }, WITH_TARGET);
    assert.ok(result.ok);
    assert.equal(result.takeProfit, 109);
  });

  it('refuses a suggested target on the wrong side of the entry', () => {
    assertDenied(plan({ suggestedTakeProfit: 95 }), 'target_on_wrong_side');
    assertDenied(plan({ suggestedTakeProfit: 100 }), 'target_on_wrong_side');
    assertDenied(plan({ suggestedTakeProfit: Number.NaN }), 'target_on_wrong_side');
    assertDenied(plan({ side: 'short', suggestedTakeProfit: 105 }), 'target_on_wrong_side');
    assertDenied(plan({ side: 'short', suggestedTakeProfit: 100 }), 'target_on_wrong_side');
  });

  it('never leaves a target at or behind the entry after rounding', () => {
    // Suggested 100.004 for a long at 100 on a 0.01 tick rounds down to 100.00: the entry itself.
    assertDenied(plan({ suggestedTakeProfit: 100.004 }), 'target_on_wrong_side');
    // A 1 % target on a tick of 2: 101 rounds down to 100 for a long, 99 up to 100 for a short.
    const coarse: Instrument = { ...SPOT, priceTick: 2 };
    assertDenied(plan({}, { ...RULES, takeProfitPct: 1 }, coarse), 'target_on_wrong_side');
    assertDenied(plan({ side: 'short' }, { ...RULES, takeProfitPct: 1 }, coarse), 'target_on_wrong_side');
  });
});

describe('planEntry: suggested stops', () => {
  it('uses a suggested stop inside the band', () => {
    // 96 is 4 % below 100: inside [3 %, 6 %]; 5 / 4 = 1.25 units; risk exactly 5
    assertPlan(
      plan({ atr: 3, suggestedStop: 96 }),
      { qty: 1.25, initialStop: 96, takeProfit: null, stopFraction: 0.04 },
      { notional: 125, riskUsd: 5 },
    );
    assertPlan(
      plan({ side: 'short', atr: 3, suggestedStop: 104 }),
      { qty: 1.25, initialStop: 104, takeProfit: null, stopFraction: 0.04 },
      { notional: 125, riskUsd: 5 },
    );
  });

  it('widens a too-tight suggested stop to the floor', () => {
    // 99 is 1 % away → 3 % → 97 (long); 101 → 103 (short)
    assertPlan(
      plan({ atr: 3, suggestedStop: 99 }),
      { qty: 1.666, initialStop: 97, takeProfit: null, stopFraction: 0.03 },
      { notional: 166.6, riskUsd: 4.998 },
    );
    assertPlan(
      plan({ side: 'short', atr: 3, suggestedStop: 101 }),
      { qty: 1.666, initialStop: 103, takeProfit: null, stopFraction: 0.03 },
      { notional: 166.6, riskUsd: 4.998 },
    );
  });

  it('tightens a too-wide suggested stop to the cap', () => {
    // 90 is 10 % away → 6 % → 94 (long); 110 → 106 (short)
    assertPlan(
      plan({ atr: 3, suggestedStop: 90 }),
      { qty: 0.833, initialStop: 94, takeProfit: null, stopFraction: 0.06 },
      { notional: 83.3, riskUsd: 4.998 },
    );
    assertPlan(
      plan({ side: 'short', atr: 3, suggestedStop: 110 }),
      { qty: 0.833, initialStop: 106, takeProfit: null, stopFraction: 0.06 },
      { notional: 83.3, riskUsd: 4.998 },
    );
  });

  it('refuses a suggested stop on the wrong side of the entry, or at it', () => {
    assertDenied(plan({ suggestedStop: 101 }), 'stop_on_wrong_side');
    assertDenied(plan({ suggestedStop: 100 }), 'stop_on_wrong_side');
    assertDenied(plan({ suggestedStop: Number.NaN }), 'stop_on_wrong_side');
    assertDenied(plan({ side: 'short', suggestedStop: 99 }), 'stop_on_wrong_side');
    assertDenied(plan({ side: 'short', suggestedStop: 100 }), 'stop_on_wrong_side');
  });
});

describe('planEntry: refusals', () => {
  it('refuses an entry price that is not a positive number', () => {
    for (const entryPrice of [0, -100, Number.NaN, Number.POSITIVE_INFINITY]) {
      assertDenied(plan({ entryPrice, atr: 3 }), 'invalid_entry_price');
    }
  });

  it('refuses a non-finite ATR, while a null one means the floor', () => {
    for (const atr of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      assertDenied(plan({ atr }), 'invalid_atr');
    }
    const result = plan({ atr: null });
    assert.ok(result.ok);
    assert.equal(result.initialStop, 97);
  });

  it('refuses when the price tick is so coarse the rounded stop is not beyond the entry', () => {
    // tick 5: a long's 97 rounds up to 100, a short's 103 rounds down to 100: no stop left
    const coarse: Instrument = { ...SPOT, priceTick: 5 };
    assertDenied(plan({}, RULES, coarse), 'stop_on_wrong_side');
    assertDenied(plan({ side: 'short' }, RULES, coarse), 'stop_on_wrong_side');
    assertDenied(plan({ suggestedStop: 96 }, RULES, coarse), 'stop_on_wrong_side');
  });

  it('passes sizing refusals through', () => {
    // 0.004 / 3 = 0.0013… → 0.001 units, worth 0.1 < 5: the minimum value refuses
    const tiny: EntryRules = { ...RULES, sizing: { ...RULES.sizing, riskPerTradeUsd: 0.004 } };
    assertDenied(plan({}, tiny), 'below_min_notional');
    // 0.002 / 3 = 0.00067 → 0 units, under the 0.001 minimum
    const tinier: EntryRules = { ...RULES, sizing: { ...RULES.sizing, riskPerTradeUsd: 0.002 } };
    assertDenied(plan({}, tinier), 'below_min_qty');
    // 0.1 / 3 = 0.0333… → 0.033 units, worth 3.3 < 5
    const small: EntryRules = { ...RULES, sizing: { ...RULES.sizing, riskPerTradeUsd: 0.1 } };
    assertDenied(plan({}, small), 'below_min_notional');
    // percentage sizing without equity
    assertDenied(plan({ equity: 0 }, LEGACY_SIZING), 'no_equity');
  });
});

describe('planEntry: never a position with an undefined stop', () => {
  it('holds the invariant over a grid of entries, ATRs, suggested stops, instruments and rules', () => {
    const sides: PositionSide[] = ['long', 'short'];
    const entries = [0.5, 1.1, 37.37, 100, 2500.5];
    const atrFractions = [null, 0, -0.01, 0.001, 0.02, 0.03, 0.1, 1];
    // suggested stops as signed offsets from the entry, in percent: either side, inside and outside the band
    const suggestedOffsets = [null, -12, -6, -4.3, -3, -0.5, 0, 0.5, 3, 4.3, 6, 12];
    const cases: { rules: EntryRules; instrument: Instrument }[] = [
      { rules: { ...RULES, takeProfitPct: 5 }, instrument: SPOT },
      { rules: LEGACY_SIZING, instrument: SPOT },
      { rules: RULES, instrument: { ...SPOT, priceTick: 0.5, minNotional: 0 } },
      { rules: FX_RULES, instrument: EURUSD },
    ];
    let plans = 0;
    for (const { rules, instrument } of cases) {
      for (const side of sides) {
        for (const entryPrice of entries) {
          for (const atrFraction of atrFractions) {
            for (const offset of suggestedOffsets) {
              const atr = atrFraction === null ? null : atrFraction * entryPrice;
              const suggestedStop = offset === null ? null : entryPrice * (1 + offset / 100);
              const result = plan({ side, entryPrice, atr, suggestedStop, equity: 1000 }, rules, instrument);
              if (result.ok) plans++;
              else assert.ok(DENIAL_CODES.includes(result.code), `unexpected code ${result.code}`);
            }
          }
        }
      }
    }
    assert.ok(plans > 500, `only ${plans} plans: the sweep is not exercising the invariant`);
  });
});
