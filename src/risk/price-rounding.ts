// Rounding prices and quantities to an instrument's grid, in decimal arithmetic: 0.1 + 0.2 must not
// decide whether a stop sits one tick looser than the rule computed. The answers are decimal.js's; the
// float fast path of decimal-grid.ts gives them without its cost wherever floats can be sure. A tick
// or step of 0 means no grid (an instrument the config gives none for): the float result stands, as
// there is no grid line for a float error to put it on the wrong side of.
import { Decimal } from 'decimal.js';
import type { PositionSide } from '../domain/position.ts';
import { decimalOnGrid, floatError, onGrid } from './decimal-grid.ts';

/**
 * A stop rounded to the tick on the side that never loosens it: up for a long (the stop sits below the
 * price, so up is closer), down for a short. A tick of 0 leaves the price as computed.
 */
export function roundStop(price: number, side: PositionSide, tick: number): number {
  if (!(tick > 0)) return price;
  const direction = side === 'long' ? 'up' : 'down';
  return onGrid(price, floatError(price), tick, direction, () =>
    decimalOnGrid(new Decimal(price), tick, direction),
  );
}

/**
 * The stop `distance` away from `price` on the protective side (below for a long), computed and rounded
 * in decimals: in floats 100 × (1 − 0.0004) is 99.96000000000001, which would round up to 99.97 — a
 * tick tighter than the rule asked for.
 */
export function stopFrom(price: number, distance: number, side: PositionSide, tick: number): number {
  const approx = side === 'long' ? price - distance : price + distance;
  if (!(tick > 0)) return approx;
  const exact = () => {
    const base = new Decimal(price);
    const stop = side === 'long' ? base.minus(distance) : base.plus(distance);
    return decimalOnGrid(stop, tick, side === 'long' ? 'up' : 'down');
  };
  const error = floatError(Math.abs(price) + Math.abs(distance));
  return onGrid(approx, error, tick, side === 'long' ? 'up' : 'down', exact);
}

/**
 * The trail: `multiple` ATRs from the best price, on the protective side, rounded as stopFrom rounds —
 * the distance itself a decimal product, as decimal arithmetic would compute it.
 */
export function trailFrom(
  peak: number,
  multiple: number,
  atr: number,
  side: PositionSide,
  tick: number,
): number {
  const distance = multiple * atr;
  const approx = side === 'long' ? peak - distance : peak + distance;
  if (!(tick > 0)) return approx;
  const exact = () => stopFrom(peak, new Decimal(multiple).times(atr).toNumber(), side, tick);
  const error = floatError(Math.abs(peak) + Math.abs(distance));
  return onGrid(approx, error, tick, side === 'long' ? 'up' : 'down', exact);
}

/** A target rounded toward the entry (down for a long), so that reaching it is never harder than computed. */
export function roundTarget(price: number, side: PositionSide, tick: number): number {
  if (!(tick > 0)) return price;
  const direction = side === 'long' ? 'down' : 'up';
  return onGrid(price, floatError(price), tick, direction, () =>
    decimalOnGrid(new Decimal(price), tick, direction),
  );
}

/** A quantity rounded down to the step: sizing never rounds up into more risk than the rule allows. */
export function floorToStep(qty: number, step: number): number {
  if (!(step > 0)) return qty;
  return onGrid(qty, floatError(qty), step, 'down', () => decimalOnGrid(new Decimal(qty), step, 'down'));
}
