// What analysts in a process of their own read of the market when trading live: the exchange's recent
// candles (the process holds no bars of its own).
import type { SigilConfig } from '../../config/load-config.ts';
import { ConfigError } from '../../config/config-error.ts';
import type { MarketContext } from '../../domain/ports/market-context.ts';
import { createCcxtExchange } from '../../marketdata/ccxt-feed.ts';
import { CcxtMarketContext } from '../../marketdata/ccxt-market-context.ts';

export async function liveAnalystMarket(config: SigilConfig): Promise<MarketContext> {
  if (config.market.feed === 'match_trader') {
    throw new ConfigError(config.file ?? 'built-in defaults', [
      'market.feed: match_trader — analyst processes apart from the bot read candles through ccxt; run the analysts in the bot process (engine.analyst_workers) for a Match-Trader feed',
    ]);
  }
  const exchange = await createCcxtExchange(config.market.exchange, {
    ...(config.market.exchange_url ? { apiUrl: config.market.exchange_url } : {}),
  });
  return new CcxtMarketContext(exchange, config.market.timeframe);
}
