// The backtester: the bot's own composition — engine, scheduler jobs, paper broker — over a replay of
// candle files, on a simulated clock, with a throwaway store. It drives the scheduler itself (the
// simulated clock moves straight to the next due job), so it runs as fast as the machine allows and a
// rerun over the same data and config produces the same trades, byte for byte. (It borrows the app's
// wiring, `assembleBot`, on purpose: a backtest wired apart from the bot would drift from it.)
//
// The store is the in-memory one: the same Store port and contract suite as SQLite and PostgreSQL, no
// file, no fsync, gone when the run ends — a backtest's state is only ever read by this run.
import type { SigilConfig } from '../config/load-config.ts';
import type { CandleGap } from '../domain/candle.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { TradingStateRecord } from '../domain/trading-state.ts';
import type { Position } from '../domain/position.ts';
import { SimClock } from '../clock/sim-clock.ts';
import { MemoryStore } from '../store/memory/memory-store.ts';
import { CachedStore } from '../store/cached/cached-store.ts';
import type { Store } from '../domain/ports/store.ts';
import { claimNewReplayStore } from '../app/store-identity.ts';
import { wallNow } from '../clock/system-clock.ts';
import { assembleBot, replayData, replayDataOf, type ReplayData } from '../app/bot-assembly.ts';
import type { CandleSeries } from '../marketdata/candle-series.ts';
import { loadStrategies } from '../app/strategy-for.ts';
import { selectVariants } from '../app/engine-for.ts';
import type { MeteredModelOptions } from '../analyst/llm/metered-model.ts';
import type { OnAnalystFallback } from '../analyst/fallback-notice.ts';
import type { BarSummary } from '../engine/trading-engine.ts';
import { decisionCounts, type DecisionCounts } from './decision-counts.ts';
import { instrumentBook } from '../app/instrument-for.ts';
import { marketChange, type MarketChange } from './market-change.ts';
import { openAtEndRows, type OpenAtEndRow } from './open-at-end.ts';

export interface BacktestOptions {
  config: SigilConfig;
  from?: EpochMs;
  to?: EpochMs;
  variants?: readonly string[];
  /**
   * Where LLM analysts keep their response cache and spend ledger: the user's store, so a rerun is
   * answered from the cache (free, and the same decisions). Default: the in-memory store, gone after the run.
   */
  llmStore?: MeteredModelOptions['store'];
  /** Called after each bar with the bars done, the total, and what the bar did. */
  onProgress?: (done: number, total: number, bar: BarSummary) => void;
  /** Stops the run after the bar in progress (Ctrl-C); the result covers the bars run and says so. */
  signal?: AbortSignal;
  /**
   * `backtest --keep-store`: run on this new store instead of the in-memory one, and leave it for
   * `sigil intents`, `status` and `dashboard` to read (marked as this configuration's replay). The caller
   * opens and closes it.
   */
  keptStore?: Store;
  /** Each decision an LLM or HTTP analyst left to its fallback, as it happens. */
  onAnalystFallback?: OnAnalystFallback;
  /**
   * The candle columns, already loaded (uncut): a sweep loads the files once and every setting replays
   * the same memory. Default: the config's files, read now.
   */
  series?: readonly CandleSeries[];
}

export interface BacktestRun {
  from: EpochMs;
  to: EpochMs;
  bars: number;
  symbols: string[];
  variants: { id: string; startingBalance: number }[];
  /** Every closed position, in close order. */
  closed: Position[];
  /** Positions still open when the data ended (not counted in the report). */
  stillOpen: Position[];
  /** The same with their P&L at the last close: the report shows them apart from the trades. */
  openAtEnd: OpenAtEndRow[];
  /** Buy and hold of the replayed symbols over the bars run; null only without a bar. */
  market: MarketChange | null;
  gaps: readonly CandleGap[];
  candleSteps: number;
  /** The whole run, and of it the candles' loading (files or their binary cache). */
  seconds: number;
  loadSeconds: number;
  decisions: DecisionCounts[];
  /** Set when the run was stopped before the end of the data: the close time of the last bar run. */
  interruptedAt: EpochMs | null;
  /** Each variant's trading state at the end (a kill switch that tripped halts the rest of its run). */
  tradingStates: TradingStateRecord[];
}

export async function runBacktest(options: BacktestOptions): Promise<BacktestRun> {
  const started = performance.now();
  const { config } = options;
  const variants = selectVariants(config, options.variants);
  await loadStrategies(config, variants);
  const data = options.series
    ? replayDataOf(config, options.series, options.from, options.to)
    : replayData(config, options.from, options.to);
  const loadSeconds = (performance.now() - started) / 1000;
  if (options.keptStore) await claimNewReplayStore(options.keptStore, config, data, wallNow());
  // A kept store is read through the replay's cache, as `sigil run` reads its store.
  const store = options.keptStore ? new CachedStore(options.keptStore) : new MemoryStore();
  try {
    const clock = new SimClock(data.first);
    let done = 0;
    let lastBarEnd = data.first;
    let failure: { error: unknown } | null = null;
    const { bot, runtimes } = assembleBot({
      store,
      config,
      variants,
      clock,
      feed: data.feed,
      preload: data.series,
      owner: 'backtest',
      ...(options.llmStore ? { llmStore: options.llmStore } : {}),
      ...(options.onAnalystFallback ? { onAnalystFallback: options.onAnalystFallback } : {}),
      mode: 'replay',
      onBar: (summary) => {
        lastBarEnd = summary.at;
        done++;
        options.onProgress?.(done, data.times.length, summary);
      },
      onEvent: (event) => {
        if (event.type === 'job_failed') failure ??= { error: event.error };
      },
    });
    await bot.scheduler.start();
    let interruptedAt: EpochMs | null = null;
    for (
      let due = await bot.scheduler.nextDueAt();
      due !== null && due <= data.end;
      due = await bot.scheduler.nextDueAt()
    ) {
      if (options.signal?.aborted) {
        interruptedAt = lastBarEnd;
        break;
      }
      clock.advanceTo(due);
      // A backtest has no one to retry for: the first failing job ends it, with its error.
      try {
        await bot.runDue();
      } catch (error) {
        throw (failure as { error: unknown } | null)?.error ?? error;
      }
    }
    const to = interruptedAt ?? data.end;
    const candles = interruptedAt === null ? data.candles : candlesBefore(data, to);
    const stillOpen = await store.openPositions();
    const market = marketChange(data.series, data.times, barMsOf(data), to);
    const lastCloses = new Map(market?.symbols.map((s) => [s.symbol, s.lastClose]));
    return {
      from: data.first,
      to,
      bars: done,
      symbols: [...data.feed.symbols],
      variants: runtimes.map((r) => ({ id: r.id, startingBalance: r.rules.close.startingBalanceUsd })),
      closed: await store.closedPositions(),
      stillOpen,
      openAtEnd: openAtEndRows(stillOpen, lastCloses, instrumentBook(config.market)),
      market,
      gaps: data.feed.gaps(),
      candleSteps: candles * runtimes.length,
      seconds: (performance.now() - started) / 1000,
      loadSeconds,
      decisions: await decisionCounts(store),
      interruptedAt,
      tradingStates: await store.tradingStates(),
    };
  } finally {
    if (!options.keptStore) await store.close();
  }
}

/** Candles of the bars that closed by `closeTime`: what an interrupted run went through. */
function candlesBefore(data: ReplayData, closeTime: EpochMs): number {
  const barMs = barMsOf(data);
  let count = 0;
  for (const series of data.series) {
    for (let i = 0; i < series.length && (series.time[i] as number) + barMs <= closeTime; i++) count++;
  }
  return count;
}

function barMsOf(data: ReplayData): number {
  return data.end - (data.times.at(-1) ?? data.end);
}
