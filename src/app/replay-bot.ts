// `sigil run` on a replay: the bot over the configured candle files, on a simulated clock that the run
// drives as fast as it goes (or at --speed bars a second), with the real store. The market job's row in
// the store says how far the replay got, so a second run resumes there: the bars before it only warm
// the indicators and scanners.
import { wallNow } from '../clock/system-clock.ts';
import type { SigilConfig, Variant } from '../config/load-config.ts';
import { timeframeMs } from '../domain/candle.ts';
import type { Store } from '../domain/ports/store.ts';
import { SimClock } from '../clock/sim-clock.ts';
import { marketJobName } from '../engine/bot.ts';
import type { EngineRole } from '../domain/engine-role.ts';
import type { ForceExitPort } from '../domain/manual-exit.ts';
import type { BarSummary } from '../engine/trading-engine.ts';
import type { SchedulerEvent } from '../engine/scheduler.ts';
import type { OnAnalystFallback } from '../analyst/fallback-notice.ts';
import { awaitDecisionsIn } from './analyst-process.ts';
import { assembleBot, replayData } from './bot-assembly.ts';
import { claimReplayStore } from './store-identity.ts';
import { loadStrategies } from './strategy-for.ts';
import { withStoreRetries } from './store-retries.ts';
import { CachedStore } from '../store/cached/cached-store.ts';

/** How long a replay waits for analysts in other processes before it reports them missing. */
const DECISION_TIMEOUT_MS = 60_000;

export interface ReplayRunOptions {
  store: Store;
  config: SigilConfig;
  variants: readonly Variant[];
  /** Bars per second; 0 = as fast as the machine goes. */
  speed: number;
  /** Stop after this bar time (exclusive); default: the end of the data. */
  until?: number;
  signal: AbortSignal;
  sleep: (ms: number) => Promise<void>;
  /** Roles of this process (default all); without `analyst`, other processes decide the intents. */
  roles?: ReadonlySet<EngineRole>;
  onBar?: (summary: BarSummary, progress: { done: number; total: number }) => void;
  onEvent?: (event: SchedulerEvent) => void;
  /** The store failed with a retryable error; the run backs off and tries again. */
  onRetry?: (error: unknown, attempt: number) => void;
  /** See BotOptions.jobScope. */
  jobScope?: string;
  /** Throws once this process no longer owns its variants: checked at every bar. */
  fence?: () => void;
  /** Each decision an LLM or HTTP analyst left to its fallback, as it happens. */
  onAnalystFallback?: OnAnalystFallback;
  /** The bot is assembled: its exits by hand, for the dashboard's API (taken between bars). */
  onReady?: (bot: { forceExit: ForceExitPort }) => void;
}

export interface ReplayRunResult {
  from: number;
  to: number;
  resumedAt: number | null;
  barsRun: number;
  finished: boolean;
}

export async function runReplay(options: ReplayRunOptions): Promise<ReplayRunResult> {
  const { store, config, variants } = options;
  await loadStrategies(config, variants);
  const data = replayData(config, undefined, options.until);
  const barMs = timeframeMs(config.market.timeframe);

  const retrying = <T>(fn: () => Promise<T>) => withStoreRetries(fn, options);
  // Before anything is written: another configuration's replay (or a live bot's store) is refused.
  await retrying(() => claimReplayStore(store, config, { from: data.first, to: data.end }, wallNow()));
  const [job] = await retrying(() => store.jobs([marketJobName(options.jobScope)]));
  const resumedAt = job?.lastRunAt ?? null;
  const clock = new SimClock(Math.max(data.first, resumedAt ?? data.first));
  let done = data.times.filter((t) => t + barMs <= (resumedAt ?? data.first)).length;
  let barsRun = 0;
  const { bot, forceExit } = assembleBot({
    // What each bar reads of positions, locks and trading states is kept in memory between bars.
    store: new CachedStore(store),
    config,
    variants,
    clock,
    feed: data.feed,
    preload: data.series,
    owner: 'replay',
    mode: 'replay',
    ...(options.roles ? { roles: options.roles } : {}),
    ...(options.roles && !options.roles.has('analyst')
      ? { awaitDecisions: awaitDecisionsIn(store, DECISION_TIMEOUT_MS, options.sleep, wallNow) }
      : {}),
    ...(options.jobScope ? { jobScope: options.jobScope } : {}),
    ...(options.fence ? { fence: options.fence } : {}),
    ...(options.onAnalystFallback ? { onAnalystFallback: options.onAnalystFallback } : {}),
    onBar: (summary) => {
      barsRun++;
      options.onBar?.(summary, { done: ++done, total: data.times.length });
    },
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  options.onReady?.({ forceExit });
  if (resumedAt !== null) bot.warmUp(data.feed.takeUntil(resumedAt));
  await retrying(() => bot.scheduler.start());
  // A store that goes away (a PostgreSQL restart) stops nothing: the loop backs off and tries again,
  // and the bars taken meanwhile wait in the bot's backlog. Anything but a retryable error ends the run.
  while (!options.signal.aborted) {
    const due = await retrying(() => bot.scheduler.nextDueAt());
    if (due === null || due > data.end) break;
    clock.advanceTo(due);
    await retrying(() => bot.runDue());
    if (options.speed > 0) await options.sleep(1000 / options.speed);
    // Flat out, the store's calls resolve without the loop ever reaching the event loop's I/O phase, so
    // background work (alert delivery) would wait for the replay's end; one turn per step costs microseconds.
    else await new Promise((resolve) => setImmediate(resolve));
  }
  await bot.scheduler.stop();
  const [after] = await retrying(() => store.jobs([marketJobName(options.jobScope)]));
  return {
    from: data.first,
    to: data.end,
    resumedAt,
    barsRun,
    finished: (after?.lastRunAt ?? 0) >= data.end,
  };
}
