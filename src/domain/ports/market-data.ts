// Where candles come from: a replay of files, or an exchange polled live. Only closed candles are
// delivered, in time order across symbols.
import type { Candle, CandleGap, Timeframe } from '../candle.ts';
import type { EpochMs } from '../ids.ts';

export interface CandleBatch {
  /** Open time shared by every candle of the batch. */
  time: EpochMs;
  candles: Candle[];
}

export interface MarketData {
  readonly timeframe: Timeframe;
  readonly symbols: readonly string[];
  /**
   * Candles closed by `now` and not delivered before, grouped by open time, oldest first.
   * Live feeds fetch; replays read ahead in their files.
   */
  closedSince(now: EpochMs): Promise<CandleBatch[]>;
  /** Gaps found so far (never filled). */
  gaps(): readonly CandleGap[];
}
