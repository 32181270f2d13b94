// What makes one bar consistent, and the order of bars across symbols: shared by every feed, so a bar
// refused from a file is refused from an exchange for the same reason and in the same words.
import type { Candle } from '../domain/candle.ts';

/** Why the bar is inconsistent in itself, or null when it is fine. */
export function barProblem({ open, high, low, close, volume }: Candle): string | null {
  return pricesProblem(open, high, low, close, volume);
}

/** The same on bare numbers: the column parser checks every row without making a Candle for it. */
export function pricesProblem(
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
): string | null {
  if (!(open > 0 && high > 0 && low > 0 && close > 0)) return 'prices must be above 0';
  if (volume < 0) return `volume ${volume} is negative`;
  if (high < low) return `high ${high} is below low ${low}`;
  if (high < Math.max(open, close) || low > Math.min(open, close)) {
    return `open ${open} or close ${close} lies outside the bar's range ${low}–${high}`;
  }
  return null;
}

/** Open time first, then symbol: the order every feed delivers a batch in. */
export function byTimeThenSymbol(a: Candle, b: Candle): number {
  return a.time - b.time || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0);
}
