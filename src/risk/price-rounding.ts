// Rounding prices and quantities to an instrument's grid, in decimal arithmetic: 0.1 + 0.2 must not
// decide whether a stop sits one tick looser than the rule computed.
import { Decimal } from 'decimal.js';
import type { PositionSide } from '../domain/position.ts';

/**
 * A stop rounded to the tick on the side that never loosens it: up for a long (the stop sits below the
 * price, so up is closer), down for a short. A tick of 0 leaves the price as computed.
 */
export function roundStop(price: number, side: PositionSide, tick: number): number {
  if (!(tick > 0)) return price;
  return new Decimal(price)
    .toNearest(tick, side === 'long' ? Decimal.ROUND_UP : Decimal.ROUND_DOWN)
    .toNumber();
}

/**
 * The stop `distance` away from `price` on the protective side (below for a long), computed and rounded
 * in decimals: in floats 100 × (1 − 0.0004) is 99.96000000000001, which would round up to 99.97 — a
 * tick tighter than the rule asked for.
 */
export function stopFrom(price: number, distance: number, side: PositionSide, tick: number): number {
  const base = new Decimal(price);
  const stop = side === 'long' ? base.minus(distance) : base.plus(distance);
  if (!(tick > 0)) return stop.toNumber();
  return stop.toNearest(tick, side === 'long' ? Decimal.ROUND_UP : Decimal.ROUND_DOWN).toNumber();
}

/** A target rounded toward the entry (down for a long), so that reaching it is never harder than computed. */
export function roundTarget(price: number, side: PositionSide, tick: number): number {
  if (!(tick > 0)) return price;
  return new Decimal(price)
    .toNearest(tick, side === 'long' ? Decimal.ROUND_DOWN : Decimal.ROUND_UP)
    .toNumber();
}

/** A quantity rounded down to the step: sizing never rounds up into more risk than the rule allows. */
export function floorToStep(qty: number, step: number): number {
  if (!(step > 0)) return qty;
  return new Decimal(qty).toNearest(step, Decimal.ROUND_DOWN).toNumber();
}
