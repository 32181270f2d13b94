// `sigil run --live`: trading on real market data. Closed candles are polled from an exchange through
// ccxt (public data, no keys) or from the Match-Trader account the variants trade; the scheduler runs on
// the given clock (the system clock in production); each variant's orders go to its broker — its paper
// account at the last price, or the exchange or prop-firm account of its `broker` section — and the
// store is the configured one. At start, before anything is scheduled, the exchange's markets are
// checked (exchange-check.ts) and `market.warmup_bars` of history fetched, which only warm the
// indicators: an unreachable exchange stops the start within seconds, not at the first bar's close.
//
// The stages are apart: the bar job scans, manages exits and stops; analysts (this process's, and those
// of `--roles analyst` processes elsewhere) decide on their own loop as soon as intents appear; what
// they decide is executed at once (this process's) or within `engine.execute_every` (others'). The
// equity look and the janitor run on their own cadences. A slow LLM therefore holds up only its own
// decision: no exit, stop, equity look or other variant waits for it.
import { wallNow } from '../clock/system-clock.ts';
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
import { assembleBot, type BotAssembly } from './bot-assembly.ts';
import { loadStrategies, strategyOf } from './strategy-for.ts';
import type { EquityReport } from '../engine/equity-monitor.ts';
import { remoteAccounts, type RemoteAccounts } from './broker-for.ts';
import { brokerGrids } from './broker-instruments.ts';
import { checkExchange } from './exchange-check.ts';
import { checkAccountSizes } from './account-sizes.ts';
import { MatchTraderCandleFeed } from '../marketdata/match-trader-feed.ts';
import type { MarketData } from '../domain/ports/market-data.ts';
import { setTimeout as delay } from 'node:timers/promises';
import { ENGINE_ROLES, type EngineRole } from '../domain/engine-role.ts';
import type { TradingEvent } from '../domain/trading-event.ts';
import type { ForceExitPort } from '../domain/manual-exit.ts';
import { Doorbell } from '../engine/doorbell.ts';
import { runAnalystWorkers } from './analyst-process.ts';
import type { ProcessLeases } from './process-leases.ts';
import { decidePending } from '../engine/analyst-pool.ts';
import { workerId } from '../domain/ids.ts';
import { analystWorkerName } from '../domain/lease.ts';
import type { OnAnalystFallback } from '../analyst/fallback-notice.ts';

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
  /** What this process does (default all): without `analyst`, analyst processes elsewhere decide. */
  roles?: ReadonlySet<EngineRole>;
  /** Analyst workers of this process (engine.analyst_workers by default). */
  workers?: number;
  /** `--monitor-only`: manage what is open — exits, stops, equity, broker sync — and open nothing. */
  monitorOnly?: boolean;
  /** This process's leases: its identity (workers' names) and the fence its work checks. */
  leases?: ProcessLeases;
  /** See BotOptions.jobScope. */
  jobScope?: string;
  /** Told of what the in-process analysts did (failed intents, a crash). */
  onAnalystEvent?: (event: TradingEvent) => void;
  /** Each decision an LLM or HTTP analyst left to its fallback, as it happens. */
  onAnalystFallback?: OnAnalystFallback;
}

export interface LiveBot {
  /** Resolves when the bot has stopped. */
  done: Promise<void>;
  stop(): Promise<void>;
  /** The closed candles the bot holds (for the dashboard's chart). */
  market: Pick<MarketState, 'closedCandles'>;
  /** Bar times of history fetched at start (the warm-up, and the newest closed bar). */
  warmUpBars: number;
  /** Closes positions by hand (the API's and the Telegram bot's /exit), in the bot's lane. */
  forceExit: ForceExitPort;
}

export async function startLive(options: LiveRunOptions): Promise<LiveBot> {
  const { store, config, variants, clock } = options;
  const roles = options.roles ?? new Set(ENGINE_ROLES);
  const doorbell = new Doorbell();
  const { bot, market, runtimes, forceExit } = await assembleLive(options, {
    roles,
    ...(options.monitorOnly ? { entries: false } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    onIntents: () => doorbell.ring(),
  });
  // Before the schedule: a feed that cannot be read stops the start now, with its reason.
  const warmUpBars = await bot.fetchWarmUp(clock.now());
  await bot.scheduler.start();
  const stopping = new AbortController();
  const scheduled = bot.scheduler.run();
  const analysts =
    roles.has('analyst') && !options.monitorOnly
      ? runAnalystWorkers({
          store,
          config,
          variants,
          runtimes,
          workers: options.workers ?? config.engine.analyst_workers,
          processName: options.leases?.holder.holder ?? 'live',
          idleExitMs: null,
          signal: stopping.signal,
          sleep: (ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined),
          clock,
          now: async () => clock.now(),
          pollMs: LIVE_ANALYST_POLL_MS,
          doorbell,
          onTraded: () => bot.executeDecided(),
          ...(options.onAnalystEvent ? { onEvent: options.onAnalystEvent } : {}),
        })
      : Promise.resolve({ decided: 0 });
  const stop = async () => {
    stopping.abort();
    await bot.scheduler.stop();
    await analysts.catch(() => undefined);
  };
  // Either side failing stops both: a supervisor restarts the whole process, with its schedule and
  // queue where the store has them.
  const done = Promise.all([
    scheduled.catch(async (error: unknown) => {
      await stop();
      throw error;
    }),
    analysts.catch(async (error: unknown) => {
      await stop();
      throw error;
    }),
  ]).then(() => undefined);
  return { done, stop, market, warmUpBars, forceExit };
}

/**
 * `sigil run --once`, for cron: one complete cycle on the newest closed bar — history warms up, the bar
 * is scanned and its exits and stops managed, the new intents decided and executed, equity looked at,
 * the janitor run — then it returns. Intents an analyst asked to decide later wait for the next run.
 */
export async function runLiveOnce(options: LiveRunOptions): Promise<void> {
  const { store, config, clock } = options;
  const { bot, runtimes } = await assembleLive(options, {});
  const byId = new Map(runtimes.map((runtime) => [runtime.id as string, runtime]));
  await bot.runCycle(async () => {
    await decidePending(
      {
        store,
        variants: byId,
        worker: workerId(analystWorkerName(options.leases?.holder.holder ?? 'once', 1)),
        ...(options.onAnalystEvent ? { onEvent: options.onAnalystEvent } : {}),
      },
      clock.now(),
      { concurrency: options.workers ?? config.engine.analyst_workers },
    );
  });
}

/** Idle live analysts look at the queue this often (sooner when a bar of this process rings). */
const LIVE_ANALYST_POLL_MS = 1_000;

/** The live bot of either mode: the accounts checked, the feed opened, the parts wired (bot-assembly). */
async function assembleLive(
  options: LiveRunOptions,
  extra: Pick<BotAssembly, 'roles' | 'entries' | 'onEvent' | 'onIntents'>,
): Promise<ReturnType<typeof assembleBot>> {
  const { store, config, variants, clock } = options;
  await loadStrategies(config, variants);
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
  refuseShortsWithoutShorting(config, variants, remote);
  const grids = await brokerGrids(config, remote, clock.now());
  await checkAccountSizes(config, variants, remote, store, clock.now());
  const feed = await liveFeed(options, remote);
  return assembleBot({
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
    ...(options.jobScope ? { jobScope: options.jobScope } : {}),
    ...(options.onAnalystFallback ? { onAnalystFallback: options.onAnalystFallback } : {}),
    ...(options.leases ? { fence: () => options.leases?.assertHeld(), wallNow } : {}),
    ...extra,
  });
}

/**
 * A variant whose strategy declares shorts, on an account that cannot sell short (a spot exchange): its
 * shorts would all be refused one by one at execution; the start is refused instead.
 */
function refuseShortsWithoutShorting(
  config: SigilConfig,
  variants: readonly Variant[],
  remote: RemoteAccounts,
): void {
  for (const variant of variants) {
    const account = remote.byVariant.get(variant.id);
    const strategy = strategyOf(config, variant)?.strategy;
    if (!account || account.broker.capabilities.shorts || !strategy?.shorts) continue;
    throw new ConfigError(config.file ?? 'built-in defaults', [
      `variants.${variant.id}.broker: the strategy ${strategy.name} enters short, and ${account.broker.name} cannot sell short (a spot account): use a margin or derivatives account, paper, or a long-only strategy`,
    ]);
  }
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
  await checkExchange(exchange, config);
  return new CcxtCandleFeed({
    exchange,
    symbols: config.market.symbols,
    timeframe: config.market.timeframe,
    clock,
    since,
  });
}
