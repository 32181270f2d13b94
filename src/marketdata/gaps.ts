// Gap detection: a jump of more than one bar between consecutive candles. Gaps are reported, never filled.
// FX markets close every weekend (Friday ≈21:00 UTC to Sunday ≈21:00 UTC); with the `fx` calendar a jump
// across that closure is not a gap.
import type { Candle, CandleGap } from '../domain/candle.ts';
import type { CandleSeries } from './candle-series.ts';

export type MarketCalendar = 'continuous' | 'fx';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function findGaps(candles: readonly Candle[], barMs: number, calendar: MarketCalendar): CandleGap[] {
  const gaps: CandleGap[] = [];
  for (let i = 1; i < candles.length; i++) {
    const current = candles[i] as Candle;
    const gap = gapBetween(current.symbol, (candles[i - 1] as Candle).time, current.time, barMs, calendar);
    if (gap) gaps.push(gap);
  }
  return gaps;
}

/** The same on a series' time column: no Candle objects are made. */
export function findSeriesGaps(series: CandleSeries, barMs: number, calendar: MarketCalendar): CandleGap[] {
  const gaps: CandleGap[] = [];
  const time = series.time;
  for (let i = 1; i < series.length; i++) {
    const gap = gapBetween(series.symbol, time[i - 1] as number, time[i] as number, barMs, calendar);
    if (gap) gaps.push(gap);
  }
  return gaps;
}

/** The bars missing between two consecutive open times, or null. */
function gapBetween(
  symbol: string,
  previous: number,
  current: number,
  barMs: number,
  calendar: MarketCalendar,
): CandleGap | null {
  const missing = Math.round((current - previous) / barMs) - 1;
  if (missing <= 0) return null;
  if (calendar === 'fx' && isWeekendClosure(previous, current)) return null;
  return { symbol, from: previous + barMs, to: current - barMs, bars: missing };
}

/** The jump starts on a Friday (or Saturday) and ends by Monday, and spans Saturday. */
function isWeekendClosure(lastBefore: number, firstAfter: number): boolean {
  const start = new Date(lastBefore).getUTCDay();
  const end = new Date(firstAfter).getUTCDay();
  const spansSaturday = firstAfter - lastBefore >= DAY && (start === 5 || start === 6);
  return spansSaturday && (end === 0 || end === 1) && firstAfter - lastBefore <= 4 * DAY;
}
