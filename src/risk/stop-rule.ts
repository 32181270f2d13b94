// The ATR-relative hard stop (the seed's layer G). A fixed 3 % stop sat inside the hourly noise of
// coins whose ATR(14) was 2.5–4 % of price and fired on random walk alone; the stop now scales with the
// symbol's own volatility, bounded below (never inside the noise floor) and above (never a blow-out).

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
  const floor = rule.floorPct / 100;
  if (rule.multiplier === 0 || atr === null || !(atr > 0)) return floor;
  return Math.min(Math.max((rule.multiplier * atr) / entryPrice, floor), rule.capPct / 100);
}

/** Any stop, ATR-derived or suggested, is held inside the rule's band [floor, cap]. */
export function clampStopFraction(rule: StopRule, fraction: number): number {
  return Math.min(Math.max(fraction, rule.floorPct / 100), rule.capPct / 100);
}
