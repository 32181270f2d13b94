// The authenticated ccxt instance one exchange account trades through: keys set, spot by default, ccxt's
// rate limiter on (it is per instance, so one instance per account), the sandbox switched on first when
// asked. Configuration mistakes are FatalErrors that name the problem and never quote a credential.
import type * as Ccxt from 'ccxt';
import type { Exchange } from 'ccxt';
import { FatalError } from '../../domain/errors.ts';
import { pointExchangeAt } from '../../marketdata/ccxt-feed.ts';
import { redactor } from './ccxt-errors.ts';

export interface TradingExchangeOptions {
  /** ccxt's exchange id, e.g. `binance`. */
  exchange: string;
  apiKey: string;
  secret: string;
  /** The passphrase some exchanges add (OKX, KuCoin, Bitget). */
  password?: string;
  /** The exchange's test network, with its own keys. */
  sandbox: boolean;
  /** Replaces the origin of every API URL (a proxy, a local fake in tests). */
  url?: string;
  /** Milliseconds before ccxt gives up on a request (ccxt's default: 10 000). */
  timeoutMs?: number;
}

const WELL_KNOWN = ['binance', 'bybit', 'okx', 'kraken', 'coinbase', 'kucoin', 'bitget', 'gate'];

export async function createTradingExchange(o: TradingExchangeOptions): Promise<Exchange> {
  // Loaded here, on first use: see createCcxtExchange.
  const ccxt = await import('ccxt');
  const redact = redactor([o.apiKey, o.secret, o.password]);
  if (!Object.hasOwn(ccxt.exchanges, o.exchange)) {
    const known = WELL_KNOWN.filter((id) => Object.hasOwn(ccxt.exchanges, id));
    throw new FatalError(
      'unknown_exchange',
      `ccxt has no exchange "${redact.text(o.exchange)}" (ids are lower case, e.g. ${known.join(', ')}; ` +
        `${Object.keys(ccxt.exchanges).length} in all)`,
    );
  }
  const ExchangeClass = ccxt.exchanges[o.exchange as keyof typeof ccxt.exchanges];
  const config: Ccxt.ConstructorArgs = {
    apiKey: o.apiKey,
    secret: o.secret,
    enableRateLimit: true,
    options: { defaultType: 'spot' },
  };
  if (o.password !== undefined) config.password = o.password;
  if (o.timeoutMs !== undefined) config.timeout = o.timeoutMs;
  let exchange: Exchange;
  try {
    exchange = new ExchangeClass(config);
    // ccxt wants the sandbox switched on before anything else touches the instance.
    if (o.sandbox) enableSandbox(exchange, ccxt.NotSupported);
  } catch (error) {
    if (error instanceof FatalError) throw error;
    throw new FatalError('exchange_setup_failed', `ccxt:${o.exchange}: ${redact.message(error)}`, {
      cause: redact.error(error),
    });
  }
  if (o.url !== undefined) pointExchangeAt(exchange, o.url);
  return exchange;
}

function enableSandbox(exchange: Exchange, NotSupported: typeof Ccxt.NotSupported): void {
  const noSandbox = () =>
    new FatalError(
      'no_sandbox',
      `ccxt:${exchange.id} has no sandbox (test network); set sandbox: false and use real keys, ` +
        'or pick an exchange with a test network',
    );
  // ccxt 4.5's base class declares `urls.test` on every exchange, so its own "no sandbox URL" check
  // never fires and the API URLs silently become empty: look for a test URL first.
  const test: unknown = exchange.urls.test;
  if (test === undefined || test === null || (typeof test === 'object' && Object.keys(test).length === 0)) {
    throw noSandbox();
  }
  try {
    exchange.setSandboxMode(true);
  } catch (error) {
    if (error instanceof NotSupported) throw noSandbox();
    throw error;
  }
}
