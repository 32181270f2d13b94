// Gap detection: a jump of more than one bar between consecutive candles. Gaps are reported, never filled.
// FX markets close every weekend (Friday ≈21:00 UTC to Sunday ≈21:00 UTC); with the `fx` calendar a jump
// across that closure is not a gap.
import type { Candle, CandleGap } from '../domain/candle.ts';

export type MarketCalendar = 'continuous' | 'fx';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function findGaps(candles: readonly Candle[], barMs: number, calendar: MarketCalendar): CandleGap[] {
  const gaps: CandleGap[] = [];
  for (let i = 1; i < candles.length; i++) {
    const previous = candles[i - 1] as Candle;
    const current = candles[i] as Candle;
    const missing = Math.round((current.time - previous.time) / barMs) - 1;
    if (missing <= 0) continue;
    if (calendar === 'fx' && isWeekendClosure(previous.time, current.time)) continue;
    gaps.push({
      symbol: current.symbol,
      from: previous.time + barMs,
      to: current.time - barMs,
      bars: missing,
    });
  }
  return gaps;
}

/** The jump starts on a Friday (or Saturday) and ends by Monday, and spans Saturday. */
function isWeekendClosure(lastBefore: number, firstAfter: number): boolean {
  const start = new Date(lastBefore).getUTCDay();
  const end = new Date(firstAfter).getUTCDay();
  const spansSaturday = firstAfter - lastBefore >= DAY && (start === 5 || start === 6);
  return spansSaturday && (end === 0 || end === 1) && firstAfter - lastBefore <= 4 * DAY;
}
