// Before a live start on an exchange's candles: its market list is loaded once, and every configured
// symbol must be listed. An operator starting `sigil run --live` is watching: an exchange that cannot be
// reached (a wrong `market.exchange_url`, a firewall, an outage) or a symbol it does not list is said
// within seconds, with the reason — not found out at the first bar's close, up to a whole bar later.
// One try, no backoff: the warm-up fetched right after retries its own requests, and a supervisor
// restarts a process whose start failed.
import type { Exchange } from 'ccxt';
import { ConfigError } from '../config/config-error.ts';
import type { SigilConfig } from '../config/load-config.ts';
import { describeError, FatalError } from '../domain/errors.ts';
import { redactUrl } from '../logging/redaction.ts';

export async function checkExchange(
  exchange: Exchange,
  config: Pick<SigilConfig, 'file' | 'market'>,
): Promise<void> {
  const { market } = config;
  const where = market.exchange_url ? ` at ${redactUrl(market.exchange_url)}` : '';
  try {
    await exchange.loadMarkets();
  } catch (error) {
    throw new FatalError(
      'exchange_unreachable',
      `market.exchange ${market.exchange}${where} cannot be read at start: ${redactUrl(describeError(error))}`,
      { cause: error },
    );
  }
  const unlisted = market.symbols.filter((symbol) => !listed(exchange, symbol));
  if (unlisted.length > 0) {
    throw new ConfigError(config.file ?? 'built-in defaults', [
      `market.symbols: ${unlisted.join(', ')} ${unlisted.length === 1 ? 'is' : 'are'} not listed on ${market.exchange}${where}`,
    ]);
  }
}

/** ccxt's own look-up, which also knows a market by its exchange id (`BTCUSDT` for `BTC/USDT`). */
function listed(exchange: Exchange, symbol: string): boolean {
  try {
    exchange.market(symbol);
    return true;
  } catch {
    return false;
  }
}
