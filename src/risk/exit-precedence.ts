// The one exit evaluation shared by the live engine and the backtest: both feed it the same closed
// candle and get the same answer, so a backtest cannot quietly assume better fills than live trading.
//
// The backtest's fill model. A closed candle only tells us open, high, low and close, not the order in
// which prices were traded, so each candle is judged with these assumptions (long described; a short is
// the mirror: its stop sits above the price and is tested against the high, its target against the low):
//
// 1. Stop first (`hard_stop` while the stop is the initial one, `atr_trail` once the trail has moved it).
//    An open at or below the stop fills at the open (a gap: the stop price was never tradable); otherwise
//    a low at or below the stop fills at the stop.
// 2. Take profit next (`take_profit`, when the trade has one). An open at or above the target fills at the
//    open (a gap, in our favour); otherwise a high at or above it fills at the target. Checking the stop
//    first means a candle that spans both counts as a loss: we cannot know which came first, and the
//    pessimistic guess keeps the backtest from flattering a strategy.
// 3. Time stop (`time_stop`): at the close of the trade's Nth bar of data (the entry bar the first; a gap
//    in the data is not a bar), the trade exits at the close.
// 4. Signal exit (`signal_exit`): a signal that fired at this close exits at the close.
//    Every exit is stamped with the candle's close time, when the candle is known to be complete.
// 5. No exit: the best price and the ATR trail are updated at the close. A stop raised at a close applies
//    from the next candle only: testing it against the candle that raised it would use this candle's
//    high to set a stop and its low (possibly traded earlier) to hit it.
import type { Candle } from '../domain/candle.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { ExitReason, PositionSide } from '../domain/position.ts';
import { trailFrom } from './price-rounding.ts';

export interface ExitRules {
  /** k: the trail sits k × current ATR below the best price (long). 0 = no trailing. */
  trailAtrMultiplier: number;
  /** Profit, in percent of entry, the best price must reach before the trail may move the stop; 0 = at once. */
  trailActivationPct: number;
  /**
   * Longest hold in bars of data, the entry bar the first: the trade exits at the close of this bar. A
   * missing bar (a gap in the data) is not a bar held. 0 = none.
   */
  timeStopBars: number;
  /** Price tick used to round a trailed stop conservatively (roundStop from price-rounding.ts); 0 = none. */
  priceTick: number;
}

export interface OpenTrade {
  side: PositionSide;
  entryPrice: number;
  initialStop: number;
  currentStop: number;
  takeProfit: number | null;
  openedAt: EpochMs;
  /** Highest high since entry (long) / lowest low (short). */
  peakPrice: number;
  /** Bars applied before this one (0 at the entry bar). */
  barsHeld: number;
}

export interface BarInput {
  /** A closed candle; candle.time is its open time. */
  candle: Candle;
  /** candle.time + bar length. */
  closeTime: EpochMs;
  /** ATR at this candle's close; null, NaN or ≤ 0 means unknown, and the trail does not move. */
  atr: number | null;
  /** A signal exit fired at this close (computed by the caller). */
  exitSignal: boolean;
  /** Set when the signal exit is a user strategy's request: its reason, kept on the closed position. */
  exitTag?: string;
}

export type BarOutcome =
  | { kind: 'exit'; reason: ExitReason; price: number; at: EpochMs; gap: boolean }
  | { kind: 'hold'; currentStop: number; peakPrice: number; stopRaised: boolean };

/** Judges one closed candle against an open trade: the first exit in precedence order, or the new stop. */
export function evaluateBar(trade: OpenTrade, bar: BarInput, rules: ExitRules): BarOutcome {
  const { candle, closeTime } = bar;
  assertValidCandle(candle);
  const long = trade.side === 'long';
  const exit = (reason: ExitReason, price: number, gap: boolean): BarOutcome => ({
    kind: 'exit',
    reason,
    price,
    at: closeTime,
    gap,
  });

  // The worst price of the candle for this side is tested against the stop, the best against the target.
  const adverse = long ? candle.low : candle.high;
  const favourable = long ? candle.high : candle.low;
  const throughStop = (price: number, stop: number) => (long ? price <= stop : price >= stop);
  const throughTarget = (price: number, target: number) => (long ? price >= target : price <= target);

  const stop = trade.currentStop;
  const stopReason: ExitReason = stop === trade.initialStop ? 'hard_stop' : 'atr_trail';
  if (throughStop(candle.open, stop)) return exit(stopReason, candle.open, true);
  if (throughStop(adverse, stop)) return exit(stopReason, stop, false);

  const target = trade.takeProfit;
  if (target !== null) {
    if (throughTarget(candle.open, target)) return exit('take_profit', candle.open, true);
    if (throughTarget(favourable, target)) return exit('take_profit', target, false);
  }

  if (rules.timeStopBars > 0 && trade.barsHeld + 1 >= rules.timeStopBars) {
    return exit('time_stop', candle.close, false);
  }
  if (bar.exitSignal) return exit('signal_exit', candle.close, false);

  const peak = long ? Math.max(trade.peakPrice, candle.high) : Math.min(trade.peakPrice, candle.low);
  let currentStop = stop;
  if (trailActive(trade, peak, bar.atr, rules)) {
    const trail = trailFrom(peak, rules.trailAtrMultiplier, bar.atr as number, trade.side, rules.priceTick);
    // The trail only ratchets: a wider ATR must never hand back protection already taken.
    if (long ? trail > stop : trail < stop) currentStop = trail;
  }
  return { kind: 'hold', currentStop, peakPrice: peak, stopRaised: currentStop !== stop };
}

function trailActive(trade: OpenTrade, peak: number, atr: number | null, rules: ExitRules): boolean {
  if (!(rules.trailAtrMultiplier > 0)) return false;
  if (atr === null || !Number.isFinite(atr) || atr <= 0) return false;
  const gain = trade.side === 'long' ? peak - trade.entryPrice : trade.entryPrice - peak;
  // gain / entry × 100 ≥ pct, multiplied out: one rounding fewer, so a peak exactly at the threshold
  // (105 on an entry of 100 at 5 %) activates instead of missing by an ulp.
  return gain * 100 >= rules.trailActivationPct * trade.entryPrice;
}

/**
 * A broken bar (a NaN from a feed, a high below the close) would compare false everywhere and read as
 * "no exit" while the price may have gone through the stop: refuse it loudly instead.
 */
function assertValidCandle(candle: Candle): void {
  const { open, high, low, close } = candle;
  const positive = [open, high, low, close].every((p) => Number.isFinite(p) && p > 0);
  if (!positive || high < Math.max(open, close) || low > Math.min(open, close)) {
    throw new RangeError(
      `invalid candle for ${candle.symbol} at ${candle.time}: open ${open}, high ${high}, low ${low}, close ${close}`,
    );
  }
}
