// The dashboard's candles of a live bot: the closed bars the bot holds in memory — the warm-up and every
// bar since — rather than the configured candle files, which are history. The dashboard starts before
// the bot it shows (a taken port must stop the run before any order), so it is given a source that
// reads nothing until the bot is attached.
import type { CandleSource } from '../api/candle-source.ts';
import type { MarketState } from '../engine/market-state.ts';

export interface LiveCandlesSource extends CandleSource {
  /** From now on the chart reads this market. */
  attach(market: Pick<MarketState, 'closedCandles'>): void;
}

export function liveCandlesSource(symbols: readonly string[]): LiveCandlesSource {
  let market: Pick<MarketState, 'closedCandles'> | null = null;
  return {
    symbols,
    async candles(symbol) {
      if (market === null || !symbols.includes(symbol)) return [];
      // A copy: the bot appends to (and trims) its history while the API reads it.
      return [...market.closedCandles(symbol)];
    },
    attach(live) {
      market = live;
    },
  };
}
