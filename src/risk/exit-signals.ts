// Streaming signal-exit detectors, one per symbol, fed closed candles in time order. They only say
// whether a signal exit fired at the last close; exit-precedence.ts decides whether it wins over a stop,
// a target or the time stop, so live and backtest share the ordering.
import type { Candle } from '../domain/candle.ts';
import type { PositionSide } from '../domain/position.ts';
import { highest, lowest, type RollingExtreme } from '../indicators/rolling-extreme.ts';

export const SIGNAL_EXITS = ['none', 'momentum_decel', 'channel_exit'] as const;
export type SignalExitMode = (typeof SIGNAL_EXITS)[number];

export interface ExitSignalDetector {
  /** Feeds one closed candle, in time order. */
  update(candle: Candle): void;
  /** Whether a position on this side should exit at the last close fed. */
  fires(side: PositionSide): boolean;
}

function assertWhole(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a whole number ≥ 1, got ${value}`);
  }
}

/**
 * Momentum m_t = close_t − close_{t−period}. A long exits once momentum has fallen on each of the last
 * `bars` closes (the move is still up but running out of push); a short once it has risen on each.
 * The first momentum needs period + 1 closes and each change one more, so it fires at the earliest after
 * period + bars + 1 closes. O(1) per update: live runs feed every symbol on every bar.
 */
export class MomentumDeceleration implements ExitSignalDetector {
  private readonly closes: Float64Array;
  private next = 0;
  private seen = 0;
  private previous = Number.NaN;
  private falls = 0;
  private rises = 0;

  constructor(
    readonly period: number,
    readonly bars: number,
  ) {
    assertWhole('momentum period', period);
    assertWhole('momentum deceleration bars', bars);
    this.closes = new Float64Array(period);
  }

  update(candle: Candle): void {
    const close = candle.close;
    if (this.seen >= this.period) {
      // The slot about to be overwritten holds close_{t−period}.
      const momentum = close - (this.closes[this.next] as number);
      // Only strict changes count: a flat momentum is not deceleration, and a NaN resets both runs.
      this.falls = momentum < this.previous ? this.falls + 1 : 0;
      this.rises = momentum > this.previous ? this.rises + 1 : 0;
      this.previous = momentum;
    }
    this.closes[this.next] = close;
    if (++this.next === this.period) this.next = 0;
    this.seen++;
  }

  fires(side: PositionSide): boolean {
    return (side === 'long' ? this.falls : this.rises) >= this.bars;
  }
}

/**
 * The micro-scanner's breakout rule mirrored: it enters long on a close above the highest high of the
 * previous N bars, so a long exits on a close below the lowest low of the previous `lookback` bars, and a
 * short on a close above their highest high. Without `lookback` earlier bars it does not fire.
 */
export class ChannelExit implements ExitSignalDetector {
  private readonly highs: RollingExtreme;
  private readonly lows: RollingExtreme;
  private belowChannel = false;
  private aboveChannel = false;

  constructor(readonly lookback: number) {
    assertWhole('channel exit lookback', lookback);
    this.highs = highest(lookback);
    this.lows = lowest(lookback);
  }

  update(candle: Candle): void {
    // The levels cover the previous bars only: read them before this bar joins the window, or the bar's
    // own low would sit below its close and a long could never exit.
    const floor = this.lows.value;
    const ceiling = this.highs.value;
    this.lows.update(candle.low);
    this.highs.update(candle.high);
    // NaN (not enough history) compares false, so a cold detector stays quiet.
    this.belowChannel = candle.close < floor;
    this.aboveChannel = candle.close > ceiling;
  }

  fires(side: PositionSide): boolean {
    return side === 'long' ? this.belowChannel : this.aboveChannel;
  }
}

export interface SignalExitParams {
  mode: SignalExitMode;
  momentumPeriod: number;
  momentumDecelBars: number;
  channelExitLookback: number;
}

/** A fresh detector for one symbol; null for mode 'none'. */
export function signalExitDetector(params: SignalExitParams): ExitSignalDetector | null {
  const mode = params.mode;
  switch (mode) {
    case 'none':
      return null;
    case 'momentum_decel':
      return new MomentumDeceleration(params.momentumPeriod, params.momentumDecelBars);
    case 'channel_exit':
      return new ChannelExit(params.channelExitLookback);
    default: {
      // Config is parsed at run time: an unknown mode must not silently mean "no signal exit".
      const unknown: never = mode;
      throw new RangeError(`unknown signal exit mode "${String(unknown)}"`);
    }
  }
}
