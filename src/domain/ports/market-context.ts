// What an analyst may look at besides the intent: the recent closed candles of its symbol.
import type { Candle } from '../candle.ts';
import type { EpochMs } from '../ids.ts';

export interface MarketContext {
  /** Up to `count` candles of `symbol` closed by `now`, oldest first. */
  recentCandles(symbol: string, now: EpochMs, count: number): Promise<Candle[]>;
}
