// Constant-dollar risk sizing (the seed's G3, after jesse's risk_to_qty and freqtrade's stake sizing):
// every trade risks the same dollars at its stop, so a wide ATR stop buys a smaller position instead of
// a bigger loss. Quantities are floored to the instrument's grid; an order that cannot meet the
// instrument's minimums is refused, never rounded up into more risk than the rule allows. Risk and
// position value are dollars: a USDJPY stop distance in yen is worth 1/price dollars a yen (at the stop,
// where the loss would be taken).
import { Decimal } from 'decimal.js';
import type { Instrument } from '../domain/instrument.ts';
import { deny, type Verdict } from './denial.ts';
import { floatError, onGrid } from './decimal-grid.ts';

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
  /** qty × contract size × entry, in dollars. */
  notional: number;
  /** What the stop costs at this quantity (before fees and slippage). */
  riskUsd: number;
}>;

export function sizePosition(input: SizingInput, rule: SizingRule, instrument: Instrument): Sizing {
  // Decimal arithmetic: in floats 1.1 − 1.097 is 0.0030000000000001137, and a risk that divides the stop
  // distance exactly (150 / 300 = 0.5 lots) floors to 0.49.
  const contract = new Decimal(instrument.contractSize);
  // Quote money to dollars at a price; dollar-quoted instruments stay exact.
  const dollars = (quoteMoney: Decimal, price: number) =>
    instrument.quote === 'dollars' ? quoteMoney : quoteMoney.div(price);
  const unitQuoteValue = new Decimal(input.entryPrice).times(contract);
  const unitValue = dollars(unitQuoteValue, input.entryPrice);
  const unitRisk = dollars(
    new Decimal(input.entryPrice).minus(input.stopPrice).abs().times(contract),
    input.stopPrice,
  );
  if (!unitRisk.isFinite() || unitRisk.lte(0)) {
    return deny('no_stop_distance', `the stop ${input.stopPrice} equals the entry`);
  }
  if (!(rule.riskPerTradeUsd > 0) && !(Number.isFinite(input.equity) && input.equity > 0)) {
    return deny('no_equity', `percentage sizing needs a positive equity, got ${input.equity}`);
  }
  // The quantity the rule allows, before the grid: decimal divisions, which cost a backtest more than
  // anything else of an entry; floats decide the grid step wherever they can (quantityOnGrid).
  const raw = (): Decimal =>
    rule.riskPerTradeUsd > 0
      ? Decimal.min(
          new Decimal(rule.riskPerTradeUsd).div(unitRisk),
          new Decimal(rule.maxPositionUsd).div(unitValue),
        )
      : new Decimal(input.equity).times(rule.positionPct).div(100).div(unitValue);
  const qty = new Decimal(quantityOnGrid(input, rule, instrument, raw));
  if (qty.lte(0) || qty.lt(instrument.minQty)) {
    return deny(
      'below_min_qty',
      `${instrument.symbol}: the rule allows ${raw().toSignificantDigits(6).toString()}, below the minimum quantity ${instrument.minQty} (step ${instrument.qtyStep})`,
    );
  }
  // The exchange's minimum order value is in the quote currency.
  const quoteNotional = qty.times(unitQuoteValue);
  if (quoteNotional.lt(instrument.minNotional)) {
    return deny(
      'below_min_notional',
      `${instrument.symbol}: ${qty.toString()} is worth ${quoteNotional.toFixed(2)}, below the minimum order value ${instrument.minNotional}`,
    );
  }
  const notional = qty.times(unitValue);
  return {
    ok: true,
    qty: qty.toNumber(),
    notional: notional.toNumber(),
    riskUsd: qty.times(unitRisk).toNumber(),
  };
}

/**
 * The rule's quantity floored to the instrument's step: `raw().toNearest(step, ROUND_DOWN)` to the bit.
 * With no step (0) the float quantity stands: nothing to floor it onto, and its error is far under any
 * exchange's grid.
 * The float quotient's error is a few ulps of itself plus what the decimal reading of the two prices adds
 * to their difference (half an ulp of the entry over the stop distance, relatively); near a step the
 * decimal path decides (decimal-grid.ts).
 */
function quantityOnGrid(
  input: SizingInput,
  rule: SizingRule,
  instrument: Instrument,
  raw: () => Decimal,
): number {
  const exact = () => raw().toNearest(instrument.qtyStep, Decimal.ROUND_DOWN).toNumber();
  const { entryPrice: entry, stopPrice: stop } = input;
  const distance = Math.abs(entry - stop);
  const inDollars = (quoteMoney: number, price: number) =>
    instrument.quote === 'dollars' ? quoteMoney : quoteMoney / price;
  const unitRisk = inDollars(distance * instrument.contractSize, stop);
  const unitValue = inDollars(entry * instrument.contractSize, entry);
  const approx =
    rule.riskPerTradeUsd > 0
      ? Math.min(rule.riskPerTradeUsd / unitRisk, rule.maxPositionUsd / unitValue)
      : (input.equity * rule.positionPct) / 100 / unitValue;
  if (!(instrument.qtyStep > 0)) return approx;
  const relative = floatError(1 + (Math.abs(entry) + Math.abs(stop)) / distance);
  return onGrid(approx, Math.abs(approx) * relative, instrument.qtyStep, 'down', exact);
}
