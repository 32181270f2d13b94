// From a decided trade to the position to open: the stop, the target and the quantity, or the reason
// there is none. Pure: market values come in as arguments, so live execution and the backtester plan
// every entry the same way. Nothing leaves here with an undefined stop.
import type { Instrument } from '../domain/instrument.ts';
import type { PositionSide } from '../domain/position.ts';
import { deny, type Verdict } from './denial.ts';
import { sizePosition, type SizingRule } from './position-sizing.ts';
import { roundStop, roundTarget } from './price-rounding.ts';
import { clampStopFraction, stopFraction, type StopRule } from './stop-rule.ts';

export interface EntryRules {
  stop: StopRule;
  sizing: SizingRule;
  /** Target distance in percent of entry when the decision names none; 0 = no target. */
  takeProfitPct: number;
}

export interface EntryRequest {
  side: PositionSide;
  entryPrice: number;
  /** ATR(14) at signal time; null when unknown (the stop falls back to the floor). */
  atr: number | null;
  /** A stop the analyst proposed; held inside the rule's [floor, cap] band. */
  suggestedStop?: number | null;
  suggestedTakeProfit?: number | null;
  equity: number;
}

export type EntryPlan = Verdict<{
  qty: number;
  initialStop: number;
  takeProfit: number | null;
  /** The stop distance actually used, as a fraction of entry, after the band and rounding. */
  stopFraction: number;
  notional: number;
  riskUsd: number;
}>;

export function planEntry(request: EntryRequest, rules: EntryRules, instrument: Instrument): EntryPlan {
  const { side, entryPrice, atr } = request;
  if (!(Number.isFinite(entryPrice) && entryPrice > 0)) {
    return deny(
      'invalid_entry_price',
      `${instrument.symbol}: entry price ${entryPrice} is not a positive number`,
    );
  }
  if (atr !== null && !Number.isFinite(atr)) {
    return deny('invalid_atr', `${instrument.symbol}: ATR ${atr} is not a number`);
  }
  const direction = side === 'long' ? -1 : 1;

  let fraction = stopFraction(rules.stop, entryPrice, atr);
  const suggested = request.suggestedStop ?? null;
  if (suggested !== null) {
    if (!Number.isFinite(suggested) || (suggested - entryPrice) * direction <= 0) {
      return deny(
        'stop_on_wrong_side',
        `${instrument.symbol}: a ${side} entered at ${entryPrice} cannot have its stop at ${suggested}`,
      );
    }
    fraction = clampStopFraction(rules.stop, Math.abs(entryPrice - suggested) / entryPrice);
  }
  const initialStop = roundStop(entryPrice * (1 + direction * fraction), side, instrument.priceTick);
  if ((initialStop - entryPrice) * direction <= 0) {
    // Only a price tick coarser than the stop distance gets here: rounding would leave no stop at all.
    return deny(
      'stop_on_wrong_side',
      `${instrument.symbol}: a ${(fraction * 100).toFixed(2)} % stop rounds to ${initialStop} on tick ${instrument.priceTick}, not beyond the entry ${entryPrice}`,
    );
  }

  const target = targetFor(request, rules, instrument);
  if (target !== null && !target.ok) return target;

  const sizing = sizePosition(
    { entryPrice, stopPrice: initialStop, equity: request.equity },
    rules.sizing,
    instrument,
  );
  if (!sizing.ok) return sizing;
  return {
    ok: true,
    qty: sizing.qty,
    initialStop,
    takeProfit: target?.price ?? null,
    stopFraction: Math.abs(entryPrice - initialStop) / entryPrice,
    notional: sizing.notional,
    riskUsd: sizing.riskUsd,
  };
}

function targetFor(
  request: EntryRequest,
  rules: EntryRules,
  instrument: Instrument,
): Verdict<{ price: number }> | null {
  const { side, entryPrice } = request;
  const direction = side === 'long' ? 1 : -1;
  const suggested = request.suggestedTakeProfit ?? null;
  if (suggested !== null) {
    if (!Number.isFinite(suggested) || (suggested - entryPrice) * direction <= 0) {
      return deny(
        'target_on_wrong_side',
        `${instrument.symbol}: a ${side} entered at ${entryPrice} cannot take profit at ${suggested}`,
      );
    }
    return { ok: true, price: roundTarget(suggested, side, instrument.priceTick) };
  }
  if (rules.takeProfitPct <= 0) return null;
  const price = entryPrice * (1 + (direction * rules.takeProfitPct) / 100);
  return { ok: true, price: roundTarget(price, side, instrument.priceTick) };
}
