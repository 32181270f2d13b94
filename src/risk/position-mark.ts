// An open position as an operator reads it: marked at the last price — the unrealised P&L after the
// entry's fees — with its stop, how far the trail has moved it, and its age. Pure, so the CLI
// (`sigil positions`), the API (GET /api/positions) and the Telegram bot show the same figures.
import type { Candle } from '../domain/candle.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { MoneyTerms } from '../domain/instrument.ts';
import type { Position } from '../domain/position.ts';
import { positionPnl } from './close-trade.ts';

/** A price and the close time of the bar it closed, or null when no price is known. */
export interface MarkPrice {
  price: number;
  at: EpochMs;
}

export interface MarkedPosition extends Position {
  /** The price marked at; null when none is known (then the P&L is too). */
  lastPrice: number | null;
  /** The close time of the bar that price closed. */
  lastPriceAt: EpochMs | null;
  unrealisedPnl: number | null;
  /** The trail has tightened the stop since entry. */
  trailing: boolean;
  /** How far the last price is from the stop, in percent of the price; null without a price. */
  stopDistancePct: number | null;
  ageMs: EpochMs;
}

export function markPosition(
  position: Position,
  mark: MarkPrice | null,
  terms: MoneyTerms,
  now: EpochMs,
): MarkedPosition {
  const price = mark?.price ?? null;
  return {
    ...position,
    lastPrice: price,
    lastPriceAt: mark?.at ?? null,
    unrealisedPnl: price === null ? null : positionPnl(position, price, terms, position.fees),
    trailing: position.currentStop !== position.initialStop,
    stopDistancePct: price === null ? null : (Math.abs(price - position.currentStop) / price) * 100,
    ageMs: Math.max(0, now - position.openedAt),
  };
}

/**
 * The close of the last bar closed by `now` among `candles` (oldest first): a bar closes one bar length
 * after it opens, the length read from the data itself (its smallest step).
 */
export function lastCloseBy(candles: readonly Candle[], now: EpochMs): MarkPrice | null {
  const barMs = barLength(candles);
  for (let i = candles.length - 1; i >= 0; i--) {
    const candle = candles[i] as Candle;
    if (candle.time + barMs <= now) return { price: candle.close, at: candle.time + barMs };
  }
  return null;
}

function barLength(candles: readonly Candle[]): number {
  let step = Number.POSITIVE_INFINITY;
  // The last few bars are enough: a gap only makes a step longer, never shorter.
  for (let i = Math.max(1, candles.length - 8); i < candles.length; i++) {
    const gap = (candles[i] as Candle).time - (candles[i - 1] as Candle).time;
    if (gap > 0 && gap < step) step = gap;
  }
  return Number.isFinite(step) ? step : 0;
}
