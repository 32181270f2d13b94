// Plain decimals ("57908.13", "0.00001234", "350") read straight from the bytes of a CSV cell. Exact by
// construction, not by luck: with at most 15 significant digits the digits make an integer below 2^53,
// exact in a float64; with at most 22 digits after the point the power of ten is exact too; and one IEEE
// division of two exact values is correctly rounded — the very double Number() returns for the text
// (Clinger's fast path). Anything else — more digits, a sign, an exponent, spaces, "0x…" — is not read
// here: the caller gives the cell to Number(). The bundled and shared data never need more than 14
// significant digits, so the fallback stays cold.

const ZERO = 0x30;
const DOT = 0x2e;
const MAX_SIGNIFICANT = 15;
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Reads the decimal `digits[.digits]` starting at byte `i` (no further than `limit`) into `out[k]` and
 * returns the index of the first byte after it — a byte that is neither a digit nor the point; the caller
 * checks that the cell ends there. Returns -1 when the bytes are not a decimal this fast path reads
 * exactly.
 */
export function scanDecimal(b: Uint8Array, i: number, limit: number, out: Float64Array, k: number): number {
  let p = i;
  let mantissa = 0;
  let significant = 0;
  for (; p < limit; p++) {
    const digit = (b[p] as number) - ZERO;
    if (!(digit >= 0 && digit <= 9)) break;
    mantissa = mantissa * 10 + digit;
    if (mantissa !== 0) significant++;
  }
  let digits = p - i;
  let fractionDigits = 0;
  if (p < limit && b[p] === DOT) {
    const first = ++p;
    for (; p < limit; p++) {
      const digit = (b[p] as number) - ZERO;
      if (!(digit >= 0 && digit <= 9)) break;
      mantissa = mantissa * 10 + digit;
      if (mantissa !== 0) significant++;
    }
    fractionDigits = p - first;
    digits += fractionDigits;
  }
  if (digits === 0 || significant > MAX_SIGNIFICANT || fractionDigits >= POW10.length) return -1;
  out[k] = mantissa / (POW10[fractionDigits] as number);
  return p;
}

const scratch = new Float64Array(1);

/** The same for a whole cell, bytes [start, end): NaN unless the number fills it exactly. */
export function decimalFromBytes(b: Uint8Array, start: number, end: number): number {
  return scanDecimal(b, start, end, scratch, 0) === end ? (scratch[0] as number) : NaN;
}
