// The last price of each symbol as a command outside the bot can know it, and where it comes from — said
// next to every figure computed from it. A replay's store is marked at the configured candle files' last
// close by the store's own now (its simulated clock). A live store keeps no market prices (the bot holds
// them in memory): none is known, and the operator is sent to the running bot's dashboard or API.
import type { SigilConfig } from '../config/load-config.ts';
import type { EpochMs } from '../domain/ids.ts';
import { lastCloseBy, type MarkPrice } from '../risk/position-mark.ts';
import { candleFilesSource } from './candle-files-source.ts';
import type { StoreTime } from './store-time.ts';

export interface LastPrices {
  /** Where the prices come from, in words. */
  source: string;
  of(symbol: string): MarkPrice | null;
}

export const NO_PRICES: LastPrices = {
  source:
    'no last price: a live store keeps none (the running bot shows them on its dashboard and GET /api/positions)',
  of: () => null,
};

export async function lastPrices(
  config: SigilConfig,
  time: StoreTime,
  symbols: readonly string[],
): Promise<LastPrices> {
  if (!time.replay) return NO_PRICES;
  const files = candleFilesSource(config);
  if (!files) return { ...NO_PRICES, source: `no last price: no candle files at ${config.market.data}` };
  const marks = new Map<string, MarkPrice>();
  for (const symbol of new Set(symbols)) {
    const mark = lastCloseBy(await files.candles(symbol), time.now);
    if (mark) marks.set(symbol, mark);
  }
  return {
    source: `the last close in ${config.market.data} by the replay's time ${iso(time.now)}`,
    of: (symbol) => marks.get(symbol) ?? null,
  };
}

function iso(at: EpochMs): string {
  return new Date(at).toISOString();
}
