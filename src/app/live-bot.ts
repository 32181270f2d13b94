// `sigil run --live`: paper trading on real market data. Closed candles are polled from an exchange
// through ccxt (public data, no keys), the scheduler runs on the given clock (the system clock in
// production), orders fill on the paper broker at the last price, and the store is the configured one.
// The first fetch brings `market.warmup_bars` of history that only warms the indicators.
import type { Exchange } from 'ccxt';
import type { SigilConfig, Variant } from '../config/load-config.ts';
import { ConfigError } from '../config/config-error.ts';
import { timeframeMs } from '../domain/candle.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { Store } from '../domain/ports/store.ts';
import { CcxtCandleFeed, createCcxtExchange } from '../marketdata/ccxt-feed.ts';
import type { SchedulerEvent } from '../engine/scheduler.ts';
import type { BarSummary } from '../engine/trading-engine.ts';
import { assembleBot } from './bot-assembly.ts';

export interface LiveRunOptions {
  store: Store;
  config: SigilConfig;
  variants: readonly Variant[];
  /** Default: a public ccxt client of `market.exchange`, at `market.exchange_url` if set. */
  exchange?: Exchange;
  clock: Clock;
  onBar?: (summary: BarSummary) => void;
  onEvent?: (event: SchedulerEvent) => void;
}

export interface LiveBot {
  /** Resolves when the bot has stopped. */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function startLive(options: LiveRunOptions): Promise<LiveBot> {
  const { store, config, variants, clock } = options;
  if (config.market.symbols.length === 0) {
    throw new ConfigError(config.file ?? 'built-in defaults', [
      'market.symbols: sigil run --live needs the exchange symbols to trade, e.g. [BTC/USDT, ETH/USDT]',
    ]);
  }
  const barMs = timeframeMs(config.market.timeframe);
  const exchange =
    options.exchange ??
    (await createCcxtExchange(config.market.exchange, {
      ...(config.market.exchange_url ? { apiUrl: config.market.exchange_url } : {}),
    }));
  const feed = new CcxtCandleFeed({
    exchange,
    symbols: config.market.symbols,
    timeframe: config.market.timeframe,
    clock,
    since: Math.floor(clock.now() / barMs) * barMs - config.market.warmup_bars * barMs,
  });
  const { bot } = assembleBot({
    store,
    config,
    variants,
    clock,
    feed,
    owner: 'live',
    mode: 'live',
    ...(options.onBar ? { onBar: options.onBar } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  await bot.scheduler.start();
  const done = bot.scheduler.run();
  return { done, stop: () => bot.scheduler.stop() };
}
