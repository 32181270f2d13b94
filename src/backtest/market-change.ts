// Buy and hold over the backtest's span — what the market did while the strategy traded: the mean of
// each replayed symbol's change from the open of its first bar to the close of its last (freqtrade's
// "market change", which takes the first close; the first open is the price at the span's start). The
// curve is the same mean at each bar: an equal-weight basket bought at the start and held.
import type { CandleSeries } from '../marketdata/candle-series.ts';

export interface SymbolChange {
  symbol: string;
  firstOpen: number;
  lastClose: number;
  /** lastClose / firstOpen − 1. */
  change: number;
}

export interface MarketPoint {
  /** The close time of the bar, ISO; the first point is the open of the first bar, at 0. */
  time: string;
  /** The basket's change since the start, as a fraction (0.05 = +5 %). */
  change: number;
}

export interface MarketChange {
  /** The mean of the symbols' changes, as a fraction. */
  change: number;
  symbols: SymbolChange[];
  /** At most MARKET_CURVE_POINTS (+1) points, evenly spaced in bars, the last at the last close. */
  curve: MarketPoint[];
}

/** Enough for a chart's width; a year of 1-minute bars would otherwise put 500 000 points in the report. */
export const MARKET_CURVE_POINTS = 500;

/**
 * Over the bars that closed by `until` (an interrupted run covers the bars it ran). `times` are the bar
 * open times of all the series, ascending, each once (the replay's merged times). A symbol without such
 * a bar, or with a non-positive first open, is left out; null when none is left.
 */
export function marketChange(
  series: readonly CandleSeries[],
  times: readonly number[],
  barMs: number,
  until: number,
  maxPoints = MARKET_CURVE_POINTS,
): MarketChange | null {
  const held = series
    .map((s) => ({ s, bars: barsClosedBy(s, barMs, until) }))
    .filter(({ s, bars }) => bars > 0 && (s.open[0] as number) > 0);
  if (held.length === 0) return null;
  const symbols = held.map(({ s, bars }): SymbolChange => {
    const firstOpen = s.open[0] as number;
    const lastClose = s.close[bars - 1] as number;
    return { symbol: s.symbol, firstOpen, lastClose, change: lastClose / firstOpen - 1 };
  });
  const change = mean(symbols.map((s) => s.change));
  const closed = times.filter((t) => t + barMs <= until);
  return { change, symbols, curve: curve(held, closed, barMs, maxPoints) };
}

function barsClosedBy(s: CandleSeries, barMs: number, until: number): number {
  let bars = 0;
  while (bars < s.length && (s.time[bars] as number) + barMs <= until) bars++;
  return bars;
}

/** The basket at each bar: a symbol not yet started counts as unchanged (its money still waits in cash). */
function curve(
  held: readonly { s: CandleSeries; bars: number }[],
  times: readonly number[],
  barMs: number,
  maxPoints: number,
): MarketPoint[] {
  const changes = held.map(() => 0);
  const next = held.map(() => 0);
  const step = Math.max(1, Math.ceil(times.length / Math.max(1, maxPoints)));
  const points: MarketPoint[] = [{ time: new Date(times[0] as number).toISOString(), change: 0 }];
  times.forEach((time, i) => {
    held.forEach(({ s, bars }, k) => {
      let at = next[k] as number;
      while (at < bars && (s.time[at] as number) <= time) {
        changes[k] = (s.close[at] as number) / (s.open[0] as number) - 1;
        at++;
      }
      next[k] = at;
    });
    if ((i + 1) % step === 0 || i === times.length - 1) {
      points.push({ time: new Date(time + barMs).toISOString(), change: mean(changes) });
    }
  });
  return points;
}

function mean(values: readonly number[]): number {
  return values.reduce((total, v) => total + v, 0) / values.length;
}
