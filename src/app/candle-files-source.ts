// The dashboard's candles from the configured market.data files, read on first use and kept: a year of
// hourly bars for a few symbols is a few megabytes.
import { existsSync } from 'node:fs';
import type { SigilConfig } from '../config/load-config.ts';
import type { CandleSource } from '../api/candle-source.ts';
import type { Candle } from '../domain/candle.ts';
import { candleFiles, loadCandlesBySymbol } from '../marketdata/candle-directory.ts';

/** Null when the configured data path does not exist (a live bot polls an exchange instead). */
export function candleFilesSource(config: SigilConfig): CandleSource | null {
  if (!existsSync(config.market.data)) return null;
  const files = candleFiles(config.market.data);
  const configured = config.market.symbols;
  const symbols = [...files.keys()].filter((s) => configured.length === 0 || configured.includes(s));
  const loaded = new Map<string, Candle[]>();
  return {
    symbols,
    async candles(symbol) {
      if (!symbols.includes(symbol)) return [];
      let candles = loaded.get(symbol);
      if (!candles) {
        candles = loadCandlesBySymbol(config.market.data, [symbol], config.market.timeframe)[symbol] ?? [];
        loaded.set(symbol, candles);
      }
      return candles;
    },
  };
}
