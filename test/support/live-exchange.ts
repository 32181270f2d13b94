// The ccxt client a live test's bot reads candles through: the config's exchange at the fake's URL, no
// rate-limit pauses, spot markets only (binance would also load its futures lists).
import type { Exchange } from 'ccxt';
import type { SigilConfig } from '../../src/config/load-config.ts';
import { createCcxtExchange } from '../../src/marketdata/ccxt-feed.ts';

export function liveExchange(config: SigilConfig): Promise<Exchange> {
  return createCcxtExchange(config.market.exchange, {
    ...(config.market.exchange_url ? { apiUrl: config.market.exchange_url } : {}),
    rateLimit: 1,
    options: { fetchMarkets: { types: ['spot'] } },
  });
}
