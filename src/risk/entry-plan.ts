// From a decided trade to the position to open: the stop, the target and the quantity, or the reason
// there is none. Pure: market values come in as arguments, so live execution and the backtester plan
// every entry the same way. Nothing leaves here with an undefined stop.
import type { Instrument } from '../domain/instrument.ts';
import type { PositionSide } from '../domain/position.ts';
import { deny, type Verdict } from './denial.ts';
import { sizePosition, type SizingRule } from './position-sizing.ts';
import { Decimal } from 'decimal.js';
import { roundStop, roundTarget, stopFrom } from './price-rounding.ts';
import { ruleStop, stopDistance, type StopRule } from './stop-rule.ts';

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
  const stops = planStops(request, rules, instrument);
  if (!stops.ok) return stops;
  const { entryPrice } = request;
  const sizing = sizePosition(
    { entryPrice, stopPrice: stops.initialStop, equity: request.equity },
    rules.sizing,
    instrument,
  );
  if (!sizing.ok) return sizing;
  return { ...stops, qty: sizing.qty, notional: sizing.notional, riskUsd: sizing.riskUsd };
}

export type StopPlan = Verdict<Pick<EntryPlan & { ok: true }, 'initialStop' | 'takeProfit' | 'stopFraction'>>;

/**
 * The stop and the target alone, from `request.entryPrice`: what an entry anchored to its fill sets
 * once it has filled (its quantity was sized before, from the price expected).
 */
export function planStops(request: EntryRequest, rules: EntryRules, instrument: Instrument): StopPlan {
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

  const suggested = request.suggestedStop ?? null;
  let initialStop: number;
  if (suggested === null) {
    initialStop = ruleStop(rules.stop, entryPrice, atr, side, instrument.priceTick);
  } else {
    if (!Number.isFinite(suggested) || (suggested - entryPrice) * direction <= 0) {
      return deny(
        'stop_on_wrong_side',
        `${instrument.symbol}: a ${side} entered at ${entryPrice} cannot have its stop at ${suggested}`,
      );
    }
    const proposed = new Decimal(entryPrice).minus(suggested).abs().toNumber();
    const distance = stopDistance(rules.stop, entryPrice, atr, proposed);
    // Inside the band the analyst's price is kept exactly as given.
    initialStop =
      distance === proposed
        ? roundStop(suggested, side, instrument.priceTick)
        : stopFrom(entryPrice, distance, side, instrument.priceTick);
  }
  if ((initialStop - entryPrice) * direction <= 0) {
    // Only a price tick coarser than the stop distance gets here: rounding would leave no stop at all.
    return deny(
      'stop_on_wrong_side',
      `${instrument.symbol}: the stop rounds to ${initialStop} on tick ${instrument.priceTick}, not beyond the entry ${entryPrice}`,
    );
  }

  const target = targetFor(request, rules, instrument);
  if (target !== null && !target.ok) return target;
  return {
    ok: true,
    initialStop,
    takeProfit: target?.price ?? null,
    stopFraction: Math.abs(entryPrice - initialStop) / entryPrice,
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
  if (suggested === null && rules.takeProfitPct <= 0) return null;
  const wanted = suggested ?? entryPrice * (1 + (direction * rules.takeProfitPct) / 100);
  const price = Number.isFinite(wanted) ? roundTarget(wanted, side, instrument.priceTick) : wanted;
  // Checked after rounding: rounding toward the entry on a coarse tick can land on it, or behind it.
  if (!Number.isFinite(price) || (price - entryPrice) * direction <= 0) {
    return deny(
      'target_on_wrong_side',
      `${instrument.symbol}: a ${side} entered at ${entryPrice} cannot take profit at ${wanted}${price !== wanted ? ` (${price} on tick ${instrument.priceTick})` : ''}`,
    );
  }
  return { ok: true, price };
}
