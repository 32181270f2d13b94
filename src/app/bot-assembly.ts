// How the bot is put together, once for every mode: a replay (`sigil run`), the backtester and live
// paper trading differ only in the clock, the feed, where paper entries fill and a few switches — so
// they are wired here, in one place, and cannot drift apart.
import type { SigilConfig, Variant } from '../config/load-config.ts';
import { timeframeMs } from '../domain/candle.ts';
import { ENGINE_ROLES, type EngineRole } from '../domain/engine-role.ts';
import type { EpochMs, VariantId } from '../domain/ids.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { MarketData } from '../domain/ports/market-data.ts';
import type { Store } from '../domain/ports/store.ts';
import { loadCandleSeries } from '../marketdata/candle-directory.ts';
import { seriesBetween, type CandleSeries } from '../marketdata/candle-series.ts';
import { mergedTimes } from '../marketdata/series-merge.ts';
import { ReplayFeed } from '../marketdata/replay-feed.ts';
import { atLeastOneBar, Bot } from '../engine/bot.ts';
import { MarketState } from '../engine/market-state.ts';
import type { SchedulerEvent } from '../engine/scheduler.ts';
import type { IntentsWaiting } from '../domain/trading-event.ts';
import type { EquityReport } from '../engine/equity-monitor.ts';
import { TradingEngine, type BarSummary } from '../engine/trading-engine.ts';
import type { VariantRuntime } from '../engine/variant-runtime.ts';
import type { MeteredModelOptions } from '../analyst/llm/metered-model.ts';
import type { OnAnalystFallback } from '../analyst/fallback-notice.ts';
import { paperBrokers, variantRuntimes } from './engine-for.ts';
import { remoteVariants, type RemoteAccounts } from './broker-for.ts';
import { realAccountsInReplay } from './config-readiness.ts';
import { checkQuoteCurrencies, instrumentBook } from './instrument-for.ts';
import type { BrokerGrids } from './broker-instruments.ts';
import { ConfigError } from '../config/config-error.ts';
import { describeError, FatalError } from '../domain/errors.ts';
import type { InstrumentOf } from '../domain/instrument.ts';
import type { ForceExitPort } from '../domain/manual-exit.ts';
import { forceExit } from './force-exit.ts';
import type { Preload } from './scanner-for.ts';
import type { BrokerFor } from '../domain/ports/broker.ts';

export interface ReplayData {
  feed: ReplayFeed;
  /** Every bar open time in the data, ascending. */
  times: EpochMs[];
  first: EpochMs;
  /** Close time of the last bar. */
  end: EpochMs;
  /** Candles × symbols, for throughput figures. */
  candles: number;
  /** The columns the feed replays, cut to the range. */
  series: CandleSeries[];
}

/** The configured candle files, cut to [from, to), as a replay feed. */
export function replayData(config: SigilConfig, from?: EpochMs, to?: EpochMs): ReplayData {
  const symbols = config.market.symbols.length > 0 ? config.market.symbols : undefined;
  return replayDataOf(
    config,
    loadCandleSeries(config.market.data, symbols, config.market.timeframe),
    from,
    to,
  );
}

/**
 * The same over columns already loaded (a sweep loads the files once for every setting): the configured
 * symbols among them, or all of them when the config names none.
 */
export function replayDataOf(
  config: SigilConfig,
  all: readonly CandleSeries[],
  from?: EpochMs,
  to?: EpochMs,
): ReplayData {
  const wanted = new Set(config.market.symbols);
  const loaded = wanted.size > 0 ? all.filter((s) => wanted.has(s.symbol)) : all;
  // Cut by binary search on each time column: views on the loaded columns, nothing copied.
  const series = loaded.map((s) => seriesBetween(s, from, to)).filter((s) => s.length > 0);
  const times = mergedTimes(series);
  const first = times[0];
  const last = times.at(-1);
  if (first === undefined || last === undefined) throw emptyRange(config, loaded, from, to);
  return {
    feed: new ReplayFeed(series, config.market.timeframe, config.market.calendar),
    times,
    first,
    end: last + timeframeMs(config.market.timeframe),
    candles: series.reduce((n, s) => n + s.length, 0),
    series,
  };
}

/**
 * Every file holds bars (loadCandleSeries refuses an empty one), so only the range asked for can be
 * empty: `--from`/`--to`/`--until` outside the data. Code 'config': the command was not run (exit 2).
 */
function emptyRange(
  config: SigilConfig,
  loaded: readonly CandleSeries[],
  from: EpochMs | undefined,
  to: EpochMs | undefined,
): FatalError {
  const iso = (ms: number) => new Date(ms).toISOString();
  const start = Math.min(...loaded.map((s) => s.time[0] as number));
  const end = Math.max(...loaded.map((s) => s.time[s.length - 1] as number));
  const asked = `${from === undefined ? 'the start' : iso(from)} → ${to === undefined ? 'the end' : iso(to)}`;
  return new FatalError(
    'config',
    `no candles in ${config.market.data} from ${asked}: its bars open from ${iso(start)} to ${iso(end)}`,
  );
}

export interface BotAssembly {
  store: Store;
  config: SigilConfig;
  variants: readonly Variant[];
  clock: Clock;
  feed: MarketData;
  /** Names the process's workers in leases and records, and owns its scheduler runs. */
  owner: string;
  /**
   * replay: bars come as fast as the clock is moved — entries fill at the next bar's open, each bar is
   * one transaction, jobs faster than a bar run once per bar. live: entries fill at the last price as
   * soon as they are decided, the bar job runs a few seconds after each close, history only warms up.
   */
  mode: 'replay' | 'live';
  roles?: ReadonlySet<EngineRole>;
  awaitDecisions?: (variants: readonly VariantId[], now: EpochMs) => Promise<void>;
  /** The variants' accounts at real brokers (live only); the others trade their paper account. */
  remote?: RemoteAccounts;
  /** Each real broker's own grid for the symbols (live only): what those variants' orders are rounded to. */
  brokerGrids?: BrokerGrids;
  /** Where LLM analysts keep their cache and spend ledger; default `store`. */
  llmStore?: MeteredModelOptions['store'];
  onBar?: (summary: BarSummary) => void;
  /** Each look of the equity monitor (live: its own job; replays: every bar, also in `onBar`). */
  onEquity?: (reports: EquityReport[]) => void;
  /** Intents the janitor found waiting too long for an analyst (live: a replay's time stands still while it waits). */
  onJanitor?: (waiting: IntentsWaiting[]) => void;
  onEvent?: (event: SchedulerEvent) => void;
  /** See BotOptions.jobScope: set when the process runs only some of the config's variants. */
  jobScope?: string;
  /** Throws once the process no longer owns its variants (ProcessLeases.assertHeld). */
  fence?: () => void;
  /** The wall clock, where analysts of other processes may hold claims (see BotOptions.wallNow). */
  wallNow?: () => number;
  /** False for --monitor-only: manage what is open, open nothing new. */
  entries?: boolean;
  /** Live: a bar created intents (the in-process analysts are woken). */
  onIntents?: () => void;
  /** The series a replay or backtest will play, for strategies' `prepare` (scanner-for.ts). */
  preload?: Preload;
  /** Each decision an LLM or HTTP analyst left to its fallback, as it happens. */
  onAnalystFallback?: OnAnalystFallback;
}

/** Exchanges publish a closed bar a moment after its close; asking at once often gets the old bar. */
const PUBLISH_LAG_MS = 5_000;

function withoutAnalysts(roles: ReadonlySet<EngineRole> | undefined): ReadonlySet<EngineRole> {
  return new Set((roles ? [...roles] : [...ENGINE_ROLES]).filter((role) => role !== 'analyst'));
}

export function assembleBot(a: BotAssembly): {
  bot: Bot;
  runtimes: VariantRuntime[];
  market: MarketState;
  /** Closes the bot's positions by hand (app/force-exit.ts), in its lane. */
  forceExit: ForceExitPort;
} {
  const { config } = a;
  const barMs = timeframeMs(config.market.timeframe);
  const replay = a.mode === 'replay';
  // Before anything trades: a symbol whose money cannot be booked in dollars stops the start.
  checkQuoteCurrencies(config, a.feed.symbols);
  const market = new MarketState(barMs);
  const instruments = instrumentBook(config.market, a.brokerGrids);
  const runtimes = variantRuntimes(config, a.variants, {
    store: a.llmStore ?? a.store,
    market,
    ...(a.preload ? { preload: a.preload } : {}),
    ...(a.onAnalystFallback ? { onFallback: a.onAnalystFallback } : {}),
  });
  const live = remoteVariants(a.variants);
  if (replay && live.length > 0)
    throw new ConfigError(config.file ?? 'built-in defaults', realAccountsInReplay(live));
  const remote = a.remote;
  // The paper accounts write through the store they are bound to (a bar's transaction): bound once per
  // store, as the engine asks for them several times a bar.
  const bound = new WeakMap<Store, BrokerFor>();
  const brokersFor = (store: Store): BrokerFor => {
    let brokers = bound.get(store);
    if (!brokers) {
      const paper = paperBrokers(store, market, config, a.variants, replay ? 'bar_open' : 'last_price');
      brokers = (variantId) => remote?.byVariant.get(variantId)?.broker ?? paper(variantId);
      bound.set(store, brokers);
    }
    return brokers;
  };
  const requestsToday = remote ? { requestsToday: remote.requestsToday } : {};
  const engine = new TradingEngine({
    store: a.store,
    brokersFor,
    ...requestsToday,
    // Live: the compliance rules' random delay before an entry is really waited, on the bot's clock.
    ...(replay ? {} : { pause: (ms: number) => a.clock.sleep(ms) }),
    barTransaction: replay,
    equityEachBar: replay,
    market,
    variants: runtimes,
    instruments,
    symbols: a.feed.symbols,
    timeframe: config.market.timeframe,
    processName: a.owner,
    analystWorkers: config.engine.analyst_workers,
    // Live, analysts never decide inside a bar's step: they run on their own loop (liveAnalysts), and
    // what they decide is executed at once, so a slow LLM holds up no exit and no equity look.
    ...(replay ? (a.roles ? { roles: a.roles } : {}) : { roles: withoutAnalysts(a.roles) }),
    ...(a.awaitDecisions ? { awaitDecisions: a.awaitDecisions } : {}),
    ...(a.entries === false ? { entries: false } : {}),
    ...(a.fence ? { fence: a.fence } : {}),
  });
  const cadence = (text: string) => (replay ? atLeastOneBar(text, barMs) : text);
  // One commit per bar where nothing outside this process must see a bar before it ends: analysts that
  // wait on a provider decide outside the bar (their answers commit one by one), and analysts in other
  // processes must see the bar's intents while it waits for their decisions.
  const everyRoleHere = a.roles === undefined || ENGINE_ROLES.every((role) => a.roles?.has(role));
  const groupCommit = replay && everyRoleHere && runtimes.every((runtime) => runtime.analyst.instant);
  const bot = new Bot({
    store: a.store,
    clock: a.clock,
    feed: a.feed,
    engine,
    market,
    variants: runtimes,
    timeframe: config.market.timeframe,
    instruments,
    owner: a.owner,
    cadences: { janitor: cadence(config.engine.janitor_every), equity: cadence(config.engine.equity_every) },
    missed: replay ? 'skip' : config.engine.missed_runs,
    brokersFor,
    ...requestsToday,
    remoteBrokers: live.length > 0,
    equityEachBar: replay,
    retention: !replay,
    groupCommit,
    ...(replay
      ? {}
      : {
          marketLagMs: PUBLISH_LAG_MS,
          warmUpFirstFetch: true,
          renewJobLeases: true,
          ...(a.entries === false ? {} : { executeEvery: config.engine.execute_every }),
        }),
    ...(a.jobScope ? { jobScope: a.jobScope } : {}),
    ...(a.fence ? { fence: a.fence } : {}),
    ...(a.wallNow ? { wallNow: a.wallNow } : {}),
    ...(a.onIntents ? { onIntents: a.onIntents } : {}),
    ...(a.onBar ? { onBar: a.onBar } : {}),
    ...(a.onEquity ? { onEquity: a.onEquity } : {}),
    ...(a.onJanitor ? { onJanitor: a.onJanitor } : {}),
    ...(a.onEvent ? { onEvent: a.onEvent } : {}),
  });
  return {
    bot,
    runtimes,
    market,
    forceExit: botForceExit(a, bot, runtimes, market, instruments, brokersFor),
  };
}

/**
 * The bot's exits by hand (the API's and the Telegram bot's): through the bot's own store and brokers,
 * paper filling at the last close, in the bot's lane and behind its ownership fence. A variant this
 * process does not run, or no longer owns, is refused as `unavailable`.
 */
function botForceExit(
  a: BotAssembly,
  bot: Bot,
  runtimes: readonly VariantRuntime[],
  market: MarketState,
  instruments: InstrumentOf,
  brokersFor: (store: Store) => BrokerFor,
): ForceExitPort {
  const rules = new Map(runtimes.map((r) => [r.id as string, r.rules.close]));
  return async (request, onEvent) => {
    const unavailable = (why: string) => ({
      closed: [],
      closedMeanwhile: [],
      failed: [],
      refusal: 'unavailable' as const,
      refused: why,
    });
    if (!rules.has(request.variantId)) return unavailable(`this process does not run ${request.variantId}`);
    try {
      a.fence?.();
    } catch (error) {
      return unavailable(describeError(error));
    }
    return forceExit(
      {
        store: a.store,
        broker: (id) => brokersFor(a.store)(id),
        lastPrice: (symbol) => market.lastClose(symbol),
        instruments,
        closeRules: (id) => {
          const close = rules.get(id);
          if (!close) throw new Error(`this process does not run ${id}`);
          return close;
        },
        now: () => a.clock.now(),
        lane: (fn) => bot.inLane(fn),
        ...(onEvent ? { onEvent } : {}),
      },
      request,
    );
  };
}
