// Where the API reads a symbol's candles for the dashboard's chart: the replay's candle files, or
// nothing (the chart then says so) — the store keeps trades, not market data.
import type { Candle } from '../domain/candle.ts';

export interface CandleSource {
  symbols: readonly string[];
  /** Every bar of the symbol, oldest first; an unknown symbol has none. */
  candles(symbol: string): Promise<readonly Candle[]>;
}
