// The accounts of the variants that trade at a real broker, built from their `broker` sections: a
// crypto exchange through ccxt, or a prop-firm account through Match-Trader. Credentials come only
// from the environment variables the section names; a missing one stops the start with the variable's
// name, never a value. Each account counts its requests in the store (the firm's request budget).
import { ConfigError } from '../config/config-error.ts';
import type { SigilConfig, Variant } from '../config/load-config.ts';
import type { BrokerSettings } from '../config/broker-schema.ts';
import type { EpochMs, VariantId } from '../domain/ids.ts';
import type { Broker } from '../domain/ports/broker.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { ApiCallCounts, Store } from '../domain/ports/store.ts';
import { CcxtBroker } from '../brokers/ccxt/ccxt-broker.ts';
import { createTradingExchange } from '../brokers/ccxt/trading-exchange.ts';
import { MatchTraderBroker } from '../brokers/match-trader/match-trader-broker.ts';
import { MatchTraderClient } from '../brokers/match-trader/match-trader-client.ts';
import { RequestBudget } from '../brokers/request-budget.ts';
import { complianceFor } from './compliance-for.ts';
import { instrumentFor } from './instrument-for.ts';
import { parseCadence } from '../engine/cadence.ts';
import { timeframeMs } from '../domain/candle.ts';

export interface RemoteAccount {
  broker: Broker;
  /** Counts the account's requests: every call of a Match-Trader account goes through it; a ccxt account's
   *  calls are paced by ccxt's rate limiter instead (exchanges limit per minute, not per day). */
  budget: RequestBudget;
  /** The Match-Trader connection, when it is one: the live feed reads its candles through it. */
  matchTrader: MatchTraderClient | null;
}

export interface RemoteAccounts {
  byVariant: ReadonlyMap<string, RemoteAccount>;
  requestsToday(variantId: VariantId, now: EpochMs): Promise<ApiCallCounts>;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The name an account's request counters are kept under; null for a paper account (nothing to count). */
export function accountKey(settings: BrokerSettings): string | null {
  if (settings.kind === 'ccxt') return `ccxt:${settings.exchange}${settings.sandbox ? ':sandbox' : ''}`;
  if (settings.kind === 'match_trader') {
    return `match_trader:${settings.account_id ?? (settings.url ? new URL(settings.url).host : 'unknown')}`;
  }
  return null;
}

/** Variants whose broker is not the paper account. */
export function remoteVariants(variants: readonly Variant[]): Variant[] {
  return variants.filter((v) => v.settings.broker.kind !== 'paper');
}

export async function remoteAccounts(
  config: SigilConfig,
  variants: readonly Variant[],
  wiring: { store: Store; clock: Clock; env?: Env },
): Promise<RemoteAccounts> {
  const env = wiring.env ?? process.env;
  const byVariant = new Map<string, RemoteAccount>();
  for (const variant of remoteVariants(variants)) {
    byVariant.set(variant.id, await remoteAccount(config, variant, { ...wiring, env }));
  }
  return {
    byVariant,
    requestsToday: async (variantId, now) =>
      (await byVariant.get(variantId)?.budget.today(now)) ?? { all: 0, modifications: 0, positions: 0 },
  };
}

async function remoteAccount(
  config: SigilConfig,
  variant: Variant,
  wiring: { store: Store; clock: Clock; env: Env },
): Promise<RemoteAccount> {
  const settings = variant.settings.broker;
  const file = config.file ?? 'built-in defaults';
  const rules = complianceFor(variant.settings, config.file, variant.id);
  const secret = (key: keyof BrokerSettings, name: string | null): string => {
    const value = name ? wiring.env[name] : undefined;
    if (!value) {
      throw new ConfigError(file, [
        `variants.${variant.id}.broker.${key}: the environment variable ${name} is not set (credentials never go in the config file)`,
      ]);
    }
    return value;
  };
  if (settings.kind === 'ccxt') {
    const exchange = await createTradingExchange({
      exchange: settings.exchange,
      apiKey: secret('api_key_env', settings.api_key_env),
      secret: secret('secret_env', settings.secret_env),
      ...(settings.password_env ? { password: secret('password_env', settings.password_env) } : {}),
      sandbox: settings.sandbox,
      ...(settings.url ? { url: settings.url } : {}),
      timeoutMs: settings.timeout_s * 1000,
    });
    const account = accountKey(settings) ?? 'ccxt';
    return {
      broker: new CcxtBroker({
        exchange,
        store: wiring.store,
        variantId: variant.id,
        account,
        quoteOf: (symbol) => instrumentFor(config.market, symbol).quote,
      }),
      budget: new RequestBudget(wiring.store, account, rules),
      matchTrader: null,
    };
  }
  if (!settings.url) {
    throw new ConfigError(file, [
      `variants.${variant.id}.broker.url: a Match-Trader account needs the broker's web origin, e.g. https://mtr.e8markets.com`,
    ]);
  }
  checkPollingBudget(config, variant, rules?.requests.allPerDay ?? 0);
  const account = accountKey(settings) ?? 'match_trader';
  const budget = new RequestBudget(wiring.store, account, rules);
  const client = new MatchTraderClient({
    baseUrl: settings.url,
    brokerId: settings.broker_id,
    email: secret('email_env', settings.email_env),
    password: secret('mt_password_env', settings.mt_password_env),
    ...(settings.account_id ? { accountId: settings.account_id } : {}),
    headers: settings.headers,
    timeoutMs: settings.timeout_s * 1000,
    now: () => wiring.clock.now(),
    onRequest: (call) => budget.spend(call.kind, wiring.clock.now()),
  });
  return {
    broker: new MatchTraderBroker({
      client,
      store: wiring.store,
      account,
      contractSizeOf: (symbol) => instrumentFor(config.market, symbol).contractSize,
      answerWithinMs: settings.timeout_s * 1000,
    }),
    budget,
    matchTrader: client,
  };
}

/** Share of the daily request budget the routine reads may take; the rest trades and closes. */
const POLLING_SHARE = 0.5;
/** Requests of one equity poll: the balance, and the open positions (broker-side closes). */
const REQUESTS_PER_POLL = 2;

/**
 * A firm counting every request (E8: 2 000 a day) is exhausted by polling once a minute (2 880 calls): the
 * start is refused with the slowest cadence that fits, instead of running out of requests mid-day. The
 * routine reads are the equity polls, and per bar the open positions (stops kept at the broker) and,
 * when the candles come through the account, one request per symbol.
 */
function checkPollingBudget(config: SigilConfig, variant: Variant, allPerDay: number): void {
  if (allPerDay <= 0) return;
  const cadence = parseCadence(config.engine.equity_every);
  if (!('everyMs' in cadence)) return;
  const barsPerDay = 86_400_000 / timeframeMs(config.market.timeframe);
  const perBar = 1 + (config.market.feed === 'match_trader' ? config.market.symbols.length : 0);
  const available = allPerDay * POLLING_SHARE - barsPerDay * perBar;
  const polls = (REQUESTS_PER_POLL * 86_400_000) / cadence.everyMs;
  if (polls <= available) return;
  const fix =
    available > 0
      ? `use ${Math.ceil((REQUESTS_PER_POLL * 86_400_000) / available / 60_000)}m or slower`
      : `the ${config.market.timeframe} bars alone take ${Math.round(barsPerDay * perBar)}: use a longer market.timeframe or fewer symbols`;
  throw new ConfigError(config.file ?? 'built-in defaults', [
    `engine.equity_every: ${config.engine.equity_every} polls variant ${variant.id}'s Match-Trader account ` +
      `${Math.round(polls)} times a day (plus ${Math.round(barsPerDay * perBar)} requests for bars), more than half ` +
      `of its ${allPerDay} daily requests; ${fix}`,
  ]);
}
