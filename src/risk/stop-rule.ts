// The ATR-relative hard stop (the seed's layer G). A fixed 3 % stop sat inside the hourly noise of
// coins whose ATR(14) was 2.5–4 % of price and fired on random walk alone; the stop now scales with the
// symbol's own volatility, bounded below (never inside the noise floor) and above (never a blow-out).
import { Decimal } from 'decimal.js';
import type { PositionSide } from '../domain/position.ts';
import { floatError, onGrid } from './decimal-grid.ts';
import { stopFrom } from './price-rounding.ts';

export interface StopRule {
  /** Narrowest stop, in percent of entry; also the stop when ATR is unknown or the multiplier is 0. */
  floorPct: number;
  /** Stop distance in ATRs; 0 is the rollback sentinel: the floor, as before the redesign. */
  multiplier: number;
  /** Widest stop, in percent of entry. */
  capPct: number;
}

/**
 * The stop distance as a fraction of entry: min(max(multiplier × ATR / entry, floor), cap).
 * `atr` is the ATR at signal time; a missing or non-positive one falls back to the floor. Callers
 * refuse a non-finite ATR or entry before asking (a NaN must never become a stop).
 */
export function stopFraction(rule: StopRule, entryPrice: number, atr: number | null): number {
  return new Decimal(stopDistance(rule, entryPrice, atr)).div(entryPrice).toNumber();
}

/**
 * The rule as a price distance, in decimal arithmetic: the stop is placed from it, and float noise
 * (1.5 × 0.0022 / 1.1 = 0.0029999999999999996) must not move a stop that sits exactly on the tick grid.
 * `suggested` is a distance proposed by the analyst, held inside the band instead of the ATR rule's.
 */
export function stopDistance(
  rule: StopRule,
  entryPrice: number,
  atr: number | null,
  suggested?: number,
): number {
  const entry = new Decimal(entryPrice);
  const floor = entry.times(rule.floorPct).div(100);
  const cap = entry.times(rule.capPct).div(100);
  let wanted: Decimal;
  if (suggested !== undefined) wanted = new Decimal(suggested);
  else if (rule.multiplier === 0 || atr === null || !(atr > 0)) return floor.toNumber();
  else wanted = new Decimal(rule.multiplier).times(atr);
  return Decimal.min(Decimal.max(wanted, floor), cap).toNumber();
}

/**
 * The rule's stop price: `stopFrom(entry, stopDistance(rule, entry, atr), side, tick)`, the same double to
 * the bit, without decimal arithmetic where floats can tell (decimal-grid.ts): the distance's float error
 * is a few ulps of itself, the subtraction's half an ulp of the entry — within floatError of their sum.
 * With no tick (0) the float stop is the answer.
 */
export function ruleStop(
  rule: StopRule,
  entryPrice: number,
  atr: number | null,
  side: PositionSide,
  tick: number,
): number {
  const floor = (entryPrice * rule.floorPct) / 100;
  const cap = (entryPrice * rule.capPct) / 100;
  const wanted = rule.multiplier === 0 || atr === null || !(atr > 0) ? floor : rule.multiplier * atr;
  const distance = Math.min(Math.max(wanted, floor), cap);
  const approx = side === 'long' ? entryPrice - distance : entryPrice + distance;
  // No tick: no grid line for the float error to cross; the float stop stands (price-rounding.ts).
  if (!(tick > 0)) return approx;
  const exact = () => stopFrom(entryPrice, stopDistance(rule, entryPrice, atr), side, tick);
  const error = floatError(Math.abs(entryPrice) + Math.abs(distance));
  return onGrid(approx, error, tick, side === 'long' ? 'up' : 'down', exact);
}
