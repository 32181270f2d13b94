// The bot: the trading engine, the janitor and the equity monitor as jobs of one persistent scheduler.
// The same composition runs live (system clock, a polling feed), as `sigil run` over a replay, and as
// the backtester (simulated clock, driven as fast as the machine goes): only the clock, the feed and
// the store differ.
import { timeframeMs, type Timeframe } from '../domain/candle.ts';
import type { InstrumentOf } from '../domain/instrument.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { CandleBatch, MarketData } from '../domain/ports/market-data.ts';
import type { Store } from '../domain/ports/store.ts';
import type { BrokerFor } from '../domain/ports/broker.ts';
import { workerId } from '../domain/ids.ts';
import { monitorEquity, type EquityReport } from './equity-monitor.ts';
import { waitingIntents } from './waiting-intents.ts';
import { releaseDeadClaims } from './dead-claims.ts';
import { AsyncLock } from '../domain/async-lock.ts';
import type { IntentsWaiting } from '../domain/trading-event.ts';
import type { TradingWorkerDeps } from './worker-deps.ts';
import { parseCadence, type Cadence } from './cadence.ts';
import type { MarketState } from './market-state.ts';
import { Scheduler, type JobSpec, type MissedRunPolicy, type SchedulerEvent } from './scheduler.ts';
import type { BarSummary, TradingEngine } from './trading-engine.ts';
import type { VariantRuntime } from './variant-runtime.ts';

export interface BotOptions {
  store: Store;
  clock: Clock;
  feed: MarketData;
  engine: TradingEngine;
  market: MarketState;
  variants: readonly VariantRuntime[];
  timeframe: Timeframe;
  instruments: InstrumentOf;
  owner: string;
  cadences: { janitor: string; equity: string };
  missed: MissedRunPolicy;
  /** The bar-close lag before the market job runs (an exchange publishes a bar a moment after it closes). */
  marketLagMs?: number;
  /**
   * Live: the first fetch brings history (the warm-up bars); all of it but the newest bar only warms the
   * indicators and scanners, so nothing trades on a stale bar.
   */
  warmUpFirstFetch?: boolean;
  /** Each variant's broker, bound to a store (the equity monitor reads and closes through it). */
  brokersFor: (store: Store) => BrokerFor;
  /** Replays: the engine runs the equity monitor at every bar's close, so there is no equity job. */
  equityEachBar?: boolean;
  /**
   * Live: the janitor deletes finished intents older than `pipeline.retention_days`, so a bot that runs
   * for years does not grow without end. A replay's days are simulated: retention would delete the audit
   * trail of the run being watched (and cost every bar its writes), so a replay keeps it.
   */
  retention?: boolean;
  /** Some variant trades at a remote broker: the equity job holds no transaction across its calls. */
  remoteBrokers?: boolean;
  requestsToday?: TradingWorkerDeps['requestsToday'];
  onBar?: (summary: BarSummary) => void;
  onEvent?: (event: SchedulerEvent) => void;
  onEquity?: (reports: EquityReport[]) => void;
  /** Intents the janitor found waiting for an analyst too long, after its commit. */
  onJanitor?: (waiting: IntentsWaiting[]) => void;
  /**
   * Replays whose every role and analyst is in this process: `runDue` runs all of a bar's jobs — scan,
   * decisions, execution, exits, equity, janitor and the scheduler's own bookkeeping — in ONE
   * transaction, one commit per bar. Off live (no transaction may span a broker's network call) and
   * where analysts in other processes must see the bar's intents before it ends.
   */
  groupCommit?: boolean;
  /**
   * Tells this process's jobs from those of processes running other variants on the same store: '' for a
   * process running every variant of its config, else the variants it runs (see jobScope).
   */
  jobScope?: string;
  /**
   * Live: how often decisions made elsewhere (analyst processes) are looked for and executed; decisions
   * of this process's own analysts are executed at once through executeDecided().
   */
  executeEvery?: string;
  /** Live: long runs renew their job lease (see SchedulerOptions.renewLeases). */
  renewJobLeases?: boolean;
  /** Throws when the process may no longer act for its variants; checked before every job's work. */
  fence?: () => void;
  /**
   * The wall clock, where analysts may run in other processes: the janitor then hands back the claims of
   * analysts whose process has stopped renewing its presence lease.
   */
  wallNow?: () => number;
  /** Live: tell the in-process analysts that a bar created intents (they need not wait for their poll). */
  onIntents?: () => void;
}

export const MARKET_JOB = 'market';

/** The jobs of a process running `selected` of the config's `all` variants: scoped unless it runs all. */
export function jobScope(selected: readonly string[], all: readonly string[]): string {
  const same = selected.length === all.length && all.every((v) => selected.includes(v));
  return same ? '' : `@${[...selected].sort().join(',')}`;
}

/** Every job a bot may run, by name in the store, for a scope: a new owner frees their leases. */
export function botJobNames(scope = ''): string[] {
  return [MARKET_JOB, 'janitor', 'equity', 'execute'].map((job) => `${job}${scope}`);
}

export function marketJobName(scope = ''): string {
  return `${MARKET_JOB}${scope}`;
}

export class Bot {
  readonly scheduler: Scheduler;
  /**
   * Bars taken from the feed and not yet applied. A bar leaves only once its step has committed, so a
   * failing store (a PostgreSQL restart) delays bars rather than losing them: the next run retries.
   */
  private readonly backlog: CandleBatch[] = [];
  /**
   * Bars applied inside a group transaction that has not committed yet, and what is to be told of them:
   * a rollback puts the bars back at the head of the backlog and forgets the reports, so a listener
   * never hears of a bar the store does not hold.
   */
  private readonly uncommitted: CandleBatch[] = [];
  private readonly untold: (() => void)[] = [];
  private grouping = false;
  private warmedUp = false;
  /** The newest bar of a warm-up fetched at start, until the first market step says what it is. */
  private readonly heldBack: CandleBatch[] = [];
  /** A bar's position work, an equity look and the execution of fresh decisions take turns. */
  private readonly lane = new AsyncLock();
  /** With `groupCommit`: a whole bar's step (one transaction), which work from outside waits out. */
  private readonly step = new AsyncLock();

  constructor(private readonly options: BotOptions) {
    const barMs = timeframeMs(options.timeframe);
    const lag = options.marketLagMs ?? 0;
    const scope = options.jobScope ?? '';
    const jobs: JobSpec[] = [
      {
        name: marketJobName(scope),
        cadence: { everyMs: barMs, offsetMs: lag },
        missed: 'run_once',
        run: (now, _signal, store) => this.lane.run(() => this.marketStep(now, store)),
      },
      {
        name: `janitor${scope}`,
        cadence: parseCadence(options.cadences.janitor),
        missed: options.missed,
        run: (now, _signal, store) => this.janitor(now, store),
      },
    ];
    if (!options.equityEachBar) {
      jobs.push({
        name: `equity${scope}`,
        cadence: parseCadence(options.cadences.equity),
        missed: options.missed,
        run: (now, _signal, store) => this.lane.run(() => this.snapshotEquity(now, store)),
      });
    }
    if (options.executeEvery) {
      jobs.push({
        name: `execute${scope}`,
        cadence: parseCadence(options.executeEvery),
        missed: 'skip',
        run: (now, _signal, store) => this.executeDecidedNow(now, store),
      });
    }
    this.scheduler = new Scheduler({
      store: options.store,
      clock: options.clock,
      owner: options.owner,
      jobs,
      ...(options.renewJobLeases ? { renewLeases: true } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
  }

  /**
   * Executes the intents decided since the last look, now, taking turns with the bar's position work;
   * what it did is told like a bar's. Live, the in-process analysts call it after each decision to trade.
   */
  executeDecided(): Promise<void> {
    return this.executeDecidedNow(this.options.clock.now(), this.options.store);
  }

  /**
   * `sigil run --once`: one whole cycle now, outside the schedule — the newest closed bar (scan, exits,
   * stops), the decisions (`decide`), their execution, an equity look and the janitor's sweep.
   */
  async runCycle(decide: () => Promise<void>): Promise<void> {
    const { clock, store } = this.options;
    await this.lane.run(() => this.marketStep(clock.now(), store));
    await decide();
    await this.executeDecidedNow(clock.now(), store);
    if (!this.options.equityEachBar) await this.lane.run(() => this.snapshotEquity(clock.now(), store));
    await this.janitor(clock.now(), store);
  }

  private async executeDecidedNow(now: EpochMs, store: Store): Promise<void> {
    const summary = await this.lane.run(() => this.options.engine.executeDecided(now, store));
    if (summary.opened + summary.rejected + summary.failed + summary.unresolved > 0)
      this.tell(() => this.options.onBar?.(summary));
  }

  /**
   * Live, at start: the warm-up history fetched now rather than at the first bar's close, so an exchange
   * that cannot be read stops the start within seconds and the indicators are warm before that bar. Its
   * newest bar is held back for the first market step to judge, as its own first fetch would have: history
   * when a newer bar came meanwhile, else the bar to trade (a missed run, run at once). Returns the bar
   * times fetched.
   */
  async fetchWarmUp(now: EpochMs): Promise<number> {
    const fetched = await this.options.feed.closedSince(now);
    this.warmUp(fetched.slice(0, -1));
    this.heldBack.push(...fetched.slice(-1));
    return fetched.length;
  }

  private async marketStep(now: EpochMs, store: Store): Promise<void> {
    const fetched = await this.options.feed.closedSince(now);
    if (this.options.warmUpFirstFetch && !this.warmedUp) {
      fetched.unshift(...this.heldBack.splice(0));
      this.warmUp(fetched.slice(0, -1));
      fetched.splice(0, fetched.length - 1);
    }
    this.warmedUp = true;
    for (const batch of fetched) this.backlog.push(batch);
    while (this.backlog.length > 0) {
      const batch = this.backlog[0] as CandleBatch;
      await this.onBatch(batch, store);
      this.backlog.shift();
      if (this.grouping) this.uncommitted.push(batch);
    }
  }

  /** Feeds bars that were already processed before a restart to the indicators and scanners only. */
  warmUp(batches: readonly CandleBatch[]): void {
    const blockAll = new Map(this.options.feed.symbols.map((s) => [s, 'warm-up']));
    for (const batch of batches) {
      for (const candle of batch.candles) {
        this.options.market.openBar(candle);
        this.options.market.closeBar(candle);
        for (const variant of this.options.variants) variant.onCandle(candle);
      }
      for (const variant of this.options.variants) variant.scanner.scanCycle([batch], blockAll);
    }
  }

  /**
   * Work from outside the schedule on the bot's positions — an operator's exit by hand — taking its turn
   * with a bar's position work; where a bar is one transaction (`groupCommit`), with the whole bar, so
   * it never writes into (or is rolled back with) a bar's transaction.
   */
  inLane<T>(fn: () => Promise<T>): Promise<T> {
    return this.options.groupCommit ? this.step.run(fn) : this.lane.run(fn);
  }

  /**
   * Runs the jobs due now. With `groupCommit`, in one transaction: a bar's work commits at once or not
   * at all, and what it did is told only after the commit.
   */
  async runDue(): Promise<number> {
    if (!this.options.groupCommit) return this.scheduler.runDue();
    return this.step.run(() => this.runDueGrouped());
  }

  private async runDueGrouped(): Promise<number> {
    this.grouping = true;
    try {
      const ran = await this.options.store.transaction((tx) =>
        this.scheduler.runDue({ store: tx, failFast: true }),
      );
      this.grouping = false;
      this.uncommitted.length = 0;
      for (const tell of this.untold.splice(0)) tell();
      return ran;
    } catch (error) {
      this.grouping = false;
      this.backlog.unshift(...this.uncommitted.splice(0));
      this.untold.length = 0;
      throw error;
    }
  }

  private async onBatch(batch: CandleBatch, store: Store): Promise<void> {
    const summary = await this.options.engine.onBatch(batch, store);
    this.tell(() => {
      if (this.options.equityEachBar) this.options.onEquity?.(summary.equity);
      this.options.onBar?.(summary);
      if (summary.signals > 0) this.options.onIntents?.();
    });
  }

  /** Reports wait for the group's commit; outside a group the step has committed already. */
  private tell(report: () => void): void {
    if (this.grouping) this.untold.push(report);
    else report();
  }

  /**
   * One transaction (one commit) per run: the janitor and the snapshots run every few minutes. Then,
   * where someone listens (the live bot; a replay's clock stands still while intents wait), what still
   * waits for an analyst after the sweep.
   */
  private async janitor(now: EpochMs, store: Store): Promise<void> {
    await store.transaction((tx) => this.sweep(tx, now));
    const { wallNow } = this.options;
    if (wallNow) await releaseDeadClaims(store, now, wallNow());
    const { onJanitor } = this.options;
    if (!onJanitor) return;
    const waiting = await waitingIntents(store, this.options.variants, now);
    if (waiting.length > 0) this.tell(() => onJanitor(waiting));
  }

  private async sweep(store: Store, now: EpochMs): Promise<void> {
    const { variants } = this.options;
    const maxAttempts = Math.min(...variants.map((v) => v.settings.pipeline.max_claim_attempts));
    const retention = Math.max(...variants.map((v) => v.settings.pipeline.retention_days));
    await store.recycleExpiredClaims(now, { maxAttempts });
    await store.expireStaleIntents(now);
    if (this.options.retention) await store.cleanupOldIntents(retention, now);
  }

  /**
   * Paper accounts snapshot in one transaction (one commit per run); an account at a remote broker is
   * read outside any transaction, so no database lock is held across a network call. Listeners hear of
   * the look once it committed: an alert never announces a pause that was rolled back.
   */
  private async snapshotEquity(now: EpochMs, store: Store): Promise<void> {
    this.options.fence?.();
    const { brokersFor, remoteBrokers } = this.options;
    const run = (tx: Store) =>
      monitorEquity(
        {
          store: tx,
          brokers: brokersFor(tx),
          variants: this.options.variants,
          market: this.options.market,
          instruments: this.options.instruments,
          worker: workerId(`${this.options.owner}:equity`),
          ...(this.options.requestsToday ? { requestsToday: this.options.requestsToday } : {}),
        },
        now,
      );
    const reports = await (remoteBrokers ? run(store) : store.transaction(run));
    this.tell(() => this.options.onEquity?.(reports));
  }
}

/**
 * In a replay, a job that runs more often than bars arrive only repeats the same answer: such interval
 * cadences are stretched to one bar (cron cadences are kept as written).
 */
export function atLeastOneBar(cadence: string, barMs: number): string {
  const parsed: Cadence = parseCadence(cadence);
  return 'everyMs' in parsed && parsed.everyMs < barMs ? `${barMs}ms` : cadence;
}
