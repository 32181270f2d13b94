// `sigil run --live`: trading on real market data. Closed candles are polled from an exchange through
// ccxt (public data, no keys) or from the Match-Trader account the variants trade; the scheduler runs on
// the given clock (the system clock in production); each variant's orders go to its broker — its paper
// account at the last price, or the exchange or prop-firm account of its `broker` section — and the
// store is the configured one. The first fetch brings `market.warmup_bars` of history that only warms
// the indicators.
import type { Exchange } from 'ccxt';
import type { SigilConfig, Variant } from '../config/load-config.ts';
import { ConfigError } from '../config/config-error.ts';
import { timeframeMs } from '../domain/candle.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { Store } from '../domain/ports/store.ts';
import { CcxtCandleFeed, createCcxtExchange } from '../marketdata/ccxt-feed.ts';
import type { SchedulerEvent } from '../engine/scheduler.ts';
import type { BarSummary } from '../engine/trading-engine.ts';
import type { IntentsWaiting } from '../domain/trading-event.ts';
import type { MarketState } from '../engine/market-state.ts';
import { assembleBot } from './bot-assembly.ts';
import type { EquityReport } from '../engine/equity-monitor.ts';
import { remoteAccounts, type RemoteAccounts } from './broker-for.ts';
import { brokerGrids } from './broker-instruments.ts';
import { checkAccountSizes } from './account-sizes.ts';
import { MatchTraderCandleFeed } from '../marketdata/match-trader-feed.ts';
import type { MarketData } from '../domain/ports/market-data.ts';

export interface LiveRunOptions {
  store: Store;
  config: SigilConfig;
  variants: readonly Variant[];
  /** Default: a public ccxt client of `market.exchange`, at `market.exchange_url` if set. */
  exchange?: Exchange;
  clock: Clock;
  /** Where broker credentials are read from; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  onBar?: (summary: BarSummary) => void;
  onEquity?: (reports: EquityReport[]) => void;
  /** Intents waiting too long for an analyst, found by the janitor. */
  onJanitor?: (waiting: IntentsWaiting[]) => void;
  onEvent?: (event: SchedulerEvent) => void;
}

export interface LiveBot {
  /** Resolves when the bot has stopped. */
  done: Promise<void>;
  stop(): Promise<void>;
  /** The closed candles the bot holds (for the dashboard's chart). */
  market: Pick<MarketState, 'closedCandles'>;
}

export async function startLive(options: LiveRunOptions): Promise<LiveBot> {
  const { store, config, variants, clock } = options;
  if (config.market.symbols.length === 0) {
    throw new ConfigError(config.file ?? 'built-in defaults', [
      'market.symbols: sigil run --live needs the symbols to trade, e.g. [BTC/USDT, ETH/USDT] or [EURUSD]',
    ]);
  }
  const remote = await remoteAccounts(config, variants, {
    store,
    clock,
    ...(options.env ? { env: options.env } : {}),
  });
  const grids = await brokerGrids(config, remote, clock.now());
  await checkAccountSizes(config, variants, remote, store, clock.now());
  const feed = await liveFeed(options, remote);
  const { bot, market } = assembleBot({
    store,
    config,
    variants,
    clock,
    feed,
    owner: 'live',
    mode: 'live',
    remote,
    brokerGrids: grids,
    ...(options.onBar ? { onBar: options.onBar } : {}),
    ...(options.onEquity ? { onEquity: options.onEquity } : {}),
    ...(options.onJanitor ? { onJanitor: options.onJanitor } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  await bot.scheduler.start();
  const done = bot.scheduler.run();
  return { done, stop: () => bot.scheduler.stop(), market };
}

/** Closed candles from the exchange's public API, or from the Match-Trader account the variants trade. */
async function liveFeed(options: LiveRunOptions, remote: RemoteAccounts): Promise<MarketData> {
  const { config, clock } = options;
  const barMs = timeframeMs(config.market.timeframe);
  const since = Math.floor(clock.now() / barMs) * barMs - config.market.warmup_bars * barMs;
  if (config.market.feed === 'match_trader') {
    const client = [...remote.byVariant.values()].find((account) => account.matchTrader)?.matchTrader;
    if (!client) {
      throw new ConfigError(config.file ?? 'built-in defaults', [
        'market.feed: match_trader reads candles through a Match-Trader account; no variant has broker.kind: match_trader',
      ]);
    }
    return new MatchTraderCandleFeed({
      client,
      symbols: config.market.symbols,
      timeframe: config.market.timeframe,
      clock,
      since,
      calendar: config.market.calendar,
    });
  }
  const exchange =
    options.exchange ??
    (await createCcxtExchange(config.market.exchange, {
      ...(config.market.exchange_url ? { apiUrl: config.market.exchange_url } : {}),
    }));
  return new CcxtCandleFeed({
    exchange,
    symbols: config.market.symbols,
    timeframe: config.market.timeframe,
    clock,
    since,
  });
}
