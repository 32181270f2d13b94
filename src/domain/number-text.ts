// How prices, scores and durations read to a person: the CLI tables and the backtest HTML report share
// these, so a price looks the same in both. Formatted by hand, not toLocaleString: output must not
// depend on the host's locale or ICU data.

/** Significant digits a price keeps: a forex quote (1.08345) in full, a PEPE price (0.0000012) not as 0.00. */
const PRICE_DIGITS = 6;
/** Beyond this a price is float noise; a price below 1e-10 shows as 0.00. */
const MAX_DECIMALS = 12;

/**
 * A price (or a price distance: an ATR, a stop) to six significant digits, at least two decimals, no
 * trailing zeros beyond those two: 43251.27, 1.08345, 0.0000012, 100.00.
 */
export function priceText(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0.00';
  const decimals = Math.min(MAX_DECIMALS, Math.max(2, PRICE_DIGITS - 1 - magnitude(value)));
  return withoutTrailingZeros(value.toFixed(decimals), 2);
}

/**
 * A score, a confidence or a ratio: three decimals, more for a small value so it keeps three
 * significant digits (0.19567726290251433 → 0.196, 0.00123456 → 0.00123).
 */
export function scoreText(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0.000';
  const decimals = Math.min(MAX_DECIMALS, Math.max(3, 2 - magnitude(value)));
  return value.toFixed(decimals);
}

/** A duration to the minute, in its two largest units: 2d 3h, 5h 20m, 45m; '—' when there is none. */
export function durationText(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  const minutes = Math.round(Math.max(0, ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return rest > 0 ? `${hours}h ${rest}m` : `${hours}h`;
  return `${rest}m`;
}

/** The power of ten of the leading digit: 2 for 431.5, −7 for 0.00000012. */
function magnitude(value: number): number {
  return Math.floor(Math.log10(Math.abs(value)));
}

function withoutTrailingZeros(text: string, minDecimals: number): string {
  const point = text.indexOf('.');
  if (point < 0) return text;
  let end = text.length;
  while (end > point + 1 + minDecimals && text[end - 1] === '0') end--;
  return text.slice(0, end);
}
