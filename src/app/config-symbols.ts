// The symbols a configuration trades: market.symbols, or — left empty — every candle file in market.data.
import type { SigilConfig } from '../config/load-config.ts';
import { candleFiles } from '../marketdata/candle-directory.ts';
import { CandlePathError } from '../marketdata/candle-data-error.ts';

export interface ConfiguredSymbols {
  symbols: string[];
  /** Where they were read, for a message: the key, or the folder. */
  source: string;
}

export function configuredSymbols(config: Pick<SigilConfig, 'market'>): ConfiguredSymbols {
  const { symbols, data } = config.market;
  if (symbols.length > 0) return { symbols, source: 'market.symbols' };
  try {
    return { symbols: [...candleFiles(data).keys()], source: `the candle files of ${data}` };
  } catch (error) {
    // No folder, no symbols: a command checking a name against them refuses every one, naming why.
    if (error instanceof CandlePathError) return { symbols: [], source: `market.data (${error.message})` };
    throw error;
  }
}
