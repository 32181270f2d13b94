// A closed OHLCV bar. Times are the bar's open time in epoch milliseconds, UTC.
import type { EpochMs } from './ids.ts';

export interface Candle {
  symbol: string;
  /** Open time of the bar. */
  time: EpochMs;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export const TIMEFRAMES = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '4h': 14_400_000,
  '1d': 86_400_000,
} as const;
export type Timeframe = keyof typeof TIMEFRAMES;

export function timeframeMs(timeframe: Timeframe): number {
  return TIMEFRAMES[timeframe];
}

/** A stretch of missing bars: `from` is the first missing open time, `bars` how many are missing. */
export interface CandleGap {
  symbol: string;
  from: EpochMs;
  to: EpochMs;
  bars: number;
}
