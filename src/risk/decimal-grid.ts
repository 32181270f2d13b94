// Rounding onto a price or quantity grid as decimal arithmetic rounds — the same double, to the bit —
// without paying for decimal arithmetic when floats already know the answer.
//
// decimal.js made the trail the most expensive thing in a backtest (~2.5 µs per open position per bar,
// a quarter of the CPU). Yet a float computation is wrong only where the exact value lies within a few
// ulps of a grid line; everywhere else ceil or floor of the float quotient is the decimal answer. So:
// compute in floats with a bound on their error, and hand the rare near-line case to the decimal path.
// The grid value itself comes out exact too: a step that is an integer over a power of ten (0.01,
// 1e-8, 0.25) gives k × step = (k × units) / 10^places, and IEEE division of two exactly represented
// integers is correctly rounded — the double nearest the decimal k × step, which is what decimal.js's
// toNumber() returns.
import { Decimal } from 'decimal.js';

/** Up = away from zero (a long's stop, toward the price), down = toward zero. Decimal's ROUND_UP/DOWN. */
export type GridDirection = 'up' | 'down';

interface Grid {
  /** The step as units / 10^places, both exact in a double; null when it is not that simple. */
  units: number;
  scale: number;
}

/**
 * A float result's error bound, relative to the magnitude of its operands: a subtraction's rounding
 * (½ ulp) plus the gap between each operand's double and the shortest decimal decimal.js reads it as
 * (½ ulp each), plus decimal.js's 20-digit rounding — about 1.5 × 2⁻⁵² — with a safety factor of ten.
 */
const RELATIVE_ERROR = 2e-15;
const MAX_EXACT = Number.MAX_SAFE_INTEGER;

/** Written out: each literal is the exact power, with no pow() rounding in between. */
const POWERS_OF_TEN = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
] as const;

const grids = new Map<number, Grid | null>();

/** The error bound of a sum or difference of a few floats whose magnitudes add up to `magnitude`. */
export function floatError(magnitude: number): number {
  return RELATIVE_ERROR * magnitude;
}

/**
 * `approx` rounded to a multiple of `step` in `direction`, equal to what decimal arithmetic gives for
 * the exact value `approx` stands for, provided `approx` is within `error` of it (floatError for a sum
 * of a few floats); `exact()` computes the decimal answer for the rare case the float cannot decide.
 */
export function onGrid(
  approx: number,
  error: number,
  step: number,
  direction: GridDirection,
  exact: () => number,
): number {
  const grid = gridOf(step);
  if (grid === null || !(approx > 0) || !Number.isFinite(approx)) return exact();
  const quotient = approx / step;
  const line = Math.round(quotient);
  if (!(Math.abs(quotient - line) > error / step + 1e-9)) return exact();
  const k = direction === 'up' ? Math.ceil(quotient) : Math.floor(quotient);
  const units = k * grid.units;
  if (units > MAX_EXACT) return exact();
  return units / grid.scale;
}

/** The decimal path: what the fast path must always equal. */
export function decimalOnGrid(value: Decimal, step: number, direction: GridDirection): number {
  return value.toNearest(step, direction === 'up' ? Decimal.ROUND_UP : Decimal.ROUND_DOWN).toNumber();
}

function gridOf(step: number): Grid | null {
  let grid = grids.get(step);
  if (grid === undefined) {
    grid = parseGrid(step);
    grids.set(step, grid);
  }
  return grid;
}

/** 0.00001 → 1 / 10^5, 1e-8 → 1 / 10^8, 0.25 → 25 / 10^2, 5 → 5 / 1; anything else → null. */
function parseGrid(step: number): Grid | null {
  if (!(step > 0) || !Number.isFinite(step)) return null;
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(step));
  if (!match) return null;
  const digits = Number(`${match[1]}${match[2] ?? ''}`);
  const places = (match[2]?.length ?? 0) - Number(match[3] ?? 0);
  const power = POWERS_OF_TEN[Math.abs(places)];
  if (power === undefined) return null; // beyond 10^22 a power of ten is no longer exact in a double
  const units = places >= 0 ? digits : digits * power;
  if (!Number.isSafeInteger(units)) return null;
  return { units, scale: places >= 0 ? power : 1 };
}
