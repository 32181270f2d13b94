// Constant-dollar risk sizing (the seed's G3, after jesse's risk_to_qty and freqtrade's stake sizing):
// every trade risks the same dollars at its stop, so a wide ATR stop buys a smaller position instead of
// a bigger loss. Quantities are floored to the instrument's grid; an order that cannot meet the
// instrument's minimums is refused, never rounded up into more risk than the rule allows.
import type { Instrument } from '../domain/instrument.ts';
import { deny, type Verdict } from './denial.ts';
import { floorToStep } from './price-rounding.ts';

export interface SizingRule {
  /** Dollars lost when the stop is hit; 0 is the rollback sentinel: size by `positionPct` of equity. */
  riskPerTradeUsd: number;
  /** Ceiling on a position's value (qty × contract size × entry) under constant-dollar sizing. */
  maxPositionUsd: number;
  /** Legacy sizing: position value as a percentage of equity, used only when riskPerTradeUsd is 0. */
  positionPct: number;
}

export interface SizingInput {
  entryPrice: number;
  stopPrice: number;
  /** The variant's equity; read only by the legacy percentage sizing. */
  equity: number;
}

export type Sizing = Verdict<{
  qty: number;
  /** qty × contract size × entry, in the quote currency. */
  notional: number;
  /** What the stop costs at this quantity (before fees and slippage). */
  riskUsd: number;
}>;

export function sizePosition(input: SizingInput, rule: SizingRule, instrument: Instrument): Sizing {
  const unitValue = input.entryPrice * instrument.contractSize;
  const unitRisk = Math.abs(input.entryPrice - input.stopPrice) * instrument.contractSize;
  if (!(unitRisk > 0)) return deny('no_stop_distance', `the stop ${input.stopPrice} equals the entry`);

  let raw: number;
  if (rule.riskPerTradeUsd > 0) {
    raw = Math.min(rule.riskPerTradeUsd / unitRisk, rule.maxPositionUsd / unitValue);
  } else {
    if (!(Number.isFinite(input.equity) && input.equity > 0)) {
      return deny('no_equity', `percentage sizing needs a positive equity, got ${input.equity}`);
    }
    raw = (input.equity * rule.positionPct) / 100 / unitValue;
  }

  const qty = floorToStep(raw, instrument.qtyStep);
  if (!(qty > 0) || qty < instrument.minQty) {
    return deny(
      'below_min_qty',
      `${instrument.symbol}: the rule allows ${raw.toPrecision(6)}, below the minimum quantity ${instrument.minQty} (step ${instrument.qtyStep})`,
    );
  }
  const notional = qty * unitValue;
  if (notional < instrument.minNotional) {
    return deny(
      'below_min_notional',
      `${instrument.symbol}: ${qty} is worth ${notional.toFixed(2)}, below the minimum order value ${instrument.minNotional}`,
    );
  }
  return { ok: true, qty, notional, riskUsd: qty * unitRisk };
}
