// One closed bar through the whole pipeline, in the order a trader would act:
//   1. execution — intents decided at the previous close fill at this bar's open;
//   2. the bar closes — indicators and signal-exit detectors take it;
//   3. position manager — stops, trail, target, time and signal exits on this bar;
//   4. scanners — each variant scans this bar (its entry guard reads the positions and locks of 3);
//   5. analysts — the new intents are decided, ready to fill at the next bar's open.
// Live trading, `sigil run` on a replay and the backtester all call this same step; only the clock,
// the feed and the store differ.
import { timeframeMs, type Timeframe } from '../domain/candle.ts';
import type { InstrumentOf } from '../domain/instrument.ts';
import { ENGINE_ROLES, type EngineRole } from '../domain/engine-role.ts';
import { workerId, type EpochMs, type VariantId } from '../domain/ids.ts';
import type { BrokerFor } from '../domain/ports/broker.ts';
import type { CandleBatch } from '../domain/ports/market-data.ts';
import type { Store } from '../domain/ports/store.ts';
import type { Position } from '../domain/position.ts';
import type { IntentCreated, KillSwitchTripped, TradingEvent } from '../domain/trading-event.ts';
import { tripKillSwitch } from '../risk/kill-switch.ts';
import { decidePending } from './analyst-pool.ts';
import { adoptAbandoned, executeReady, type ExecutionOutcome } from './execution.ts';
import type { TradingWorkerDeps } from './worker-deps.ts';
import type { MarketState } from './market-state.ts';
import { manageOpenPositions } from './position-manager.ts';
import { runScanCycle, type ScanCycleResult } from './scan-cycle.ts';
import { syncNativeStops } from './stop-sync.ts';
import { equityEvents, monitorEquity, type EquityReport } from './equity-monitor.ts';
import type { VariantRuntime } from './variant-runtime.ts';

export interface EngineOptions {
  store: Store;
  /** Each variant's broker, bound to the store the step writes through (a transaction's, when the bar is one). */
  brokersFor: (store: Store) => BrokerFor;
  requestsToday?: TradingWorkerDeps['requestsToday'];
  pause?: TradingWorkerDeps['pause'];
  /**
   * Replays: the equity monitor runs at the end of each bar's step, inside its transaction — a breach is
   * acted on at the close of the bar that caused it, and the bar costs no extra commit.
   */
  equityEachBar?: boolean;
  /**
   * Runs each bar in one transaction: one commit (one fsync) per bar instead of one per write. For
   * replays and backtests, where the broker is the paper one; live trading with a remote broker keeps
   * it off, so no transaction is held open across a network call.
   */
  barTransaction?: boolean;
  market: MarketState;
  variants: readonly VariantRuntime[];
  instruments: InstrumentOf;
  symbols: readonly string[];
  timeframe: Timeframe;
  /** Names this process's workers in leases and audit records. */
  processName: string;
  /** Which roles this process plays; a multi-process deployment splits them. Default: all. */
  roles?: ReadonlySet<EngineRole>;
  /** Decisions made at once in the bar step (an LLM chain waits seconds on each). Default 1. */
  analystWorkers?: number;
  /** Without the analyst role: waits until other processes have decided the bar's intents. */
  awaitDecisions?: (variants: readonly VariantId[], now: EpochMs) => Promise<void>;
  /**
   * False for `sigil run --monitor-only`: open positions are still managed (stops, trail, exits) and
   * entries whose broker answer was lost still reconciled, but nothing new is opened.
   */
  entries?: boolean;
  /**
   * Throws when this process may no longer act for its variants (its ownership lease could not be
   * renewed): called before a bar's step and before decided intents are executed.
   */
  fence?: () => void;
}

const ADOPTION_EVERY_MS = 10 * 60_000;

export interface BarSummary {
  at: EpochMs;
  opened: number;
  rejected: number;
  failed: number;
  /** Entries whose broker answer was lost and not found on read-back: reconciled after their lease. */
  unresolved: number;
  closed: Position[];
  signals: number;
  decided: number;
  /** Stops moved at the broker (native stops only), and the edits it refused. */
  stopsMoved: number;
  stopEditsFailed: string[];
  /** The equity monitor's look at the bar's close (replays only). */
  equity: EquityReport[];
  /**
   * What happened in the step, in order. Handed out only with the summary, after the bar committed: a
   * listener never hears of an entry that a rolled-back transaction undid.
   */
  events: TradingEvent[];
}

export class TradingEngine {
  private readonly barMs: number;
  private readonly variants: Map<string, VariantRuntime>;
  private readonly roles: ReadonlySet<EngineRole>;
  /** When abandoned `executing` intents were last looked for: at the first bar, then every 10 minutes. */
  private lastAdoption: EpochMs | null = null;

  constructor(private readonly options: EngineOptions) {
    this.barMs = timeframeMs(options.timeframe);
    this.variants = new Map(options.variants.map((v) => [v.id, v]));
    this.roles = options.roles ?? new Set(ENGINE_ROLES);
  }

  /** `store`: where the step writes — default the engine's; a replay's bar transaction when it groups. */
  async onBatch(batch: CandleBatch, store: Store = this.options.store): Promise<BarSummary> {
    this.options.fence?.();
    const summary = await this.inBarTransaction(store, (tx) => this.process(tx, batch));
    const closeTime = batch.time + this.barMs;
    if (this.roles.has('analyst')) {
      // Analysts that wait on a provider decide outside the bar's transaction: each decision commits
      // on its own instead of holding the writer lock for minutes.
      const instant = this.options.variants.every((v) => v.analyst.instant);
      const workers = this.options.analystWorkers ?? 1;
      const decide = (store: Store) =>
        decidePending(
          {
            store,
            variants: this.variants,
            worker: workerId(`${this.options.processName}:analyst`),
            onEvent: (event) => summary.events.push(event),
          },
          closeTime,
          // Slow analysts claim only what they decide at once: an intent waiting its turn would not
          // have its lease extended. Instant ones decide inside the bar's transaction, one at a time:
          // a transaction is one connection, and concurrent queries on it would interleave.
          { concurrency: instant ? 1 : workers, claimLimit: instant ? 50 : workers },
        );
      const decided = instant ? await this.inBarTransaction(store, decide) : await decide(store);
      summary.decided = decided.traded + decided.held;
    } else if (this.roles.has('scanner') && this.options.awaitDecisions) {
      // Analysts run in other processes: they see this bar's intents once the bar above has committed,
      // and the next bar executes what they decided, as in a single process.
      await this.options.awaitDecisions(
        this.options.variants.map((v) => v.id),
        closeTime,
      );
    }
    return summary;
  }

  /**
   * Executes what the analysts decided, now, at the last price (live: an intent decided between bars
   * fills as soon as it is decided, not at the next bar). The summary carries only what the execution did.
   */
  async executeDecided(now: EpochMs, store: Store = this.options.store): Promise<BarSummary> {
    this.options.fence?.();
    const summary = emptySummary(now);
    if (!this.roles.has('execution') || this.options.entries === false) return summary;
    const executed = await this.inBarTransaction(store, (tx) =>
      executeReady(this.workerDeps(tx, 'execution', summary.events), now),
    );
    addOutcomes(summary, executed);
    return summary;
  }

  /**
   * A strategy that keeps failing is not left trading on what it gets right: after
   * `scanner.max_error_bars` failed scans in a row, the variant's kill switch trips (open positions keep
   * their stops; `sigil reset` after the fix).
   */
  private async countFailedScan(
    store: Store,
    variant: VariantRuntime,
    skipped: readonly string[],
    now: EpochMs,
  ): Promise<KillSwitchTripped | null> {
    variant.failedScans = skipped.length > 0 ? variant.failedScans + 1 : 0;
    if (variant.failedScans < variant.settings.scanner.max_error_bars) return null;
    if ((await store.tradingState(variant.id)).state === 'halted') return null;
    const why = `its strategy failed on ${variant.failedScans} bars in a row; the last: ${skipped.at(-1) ?? ''}`;
    const actor = `${this.options.processName}:scanner`;
    await tripKillSwitch(store, { variantId: variant.id, why, actor }, now);
    return { type: 'kill_switch_tripped', at: now, variantId: variant.id, actor, why };
  }

  private workerDeps(
    store: Store,
    worker: 'execution' | 'positions' | 'equity',
    events?: TradingEvent[],
  ): TradingWorkerDeps {
    return {
      store,
      brokers: this.options.brokersFor(store),
      variants: this.variants,
      market: this.options.market,
      instruments: this.options.instruments,
      worker: workerId(`${this.options.processName}:${worker}`),
      ...(this.options.requestsToday ? { requestsToday: this.options.requestsToday } : {}),
      ...(this.options.pause ? { pause: this.options.pause } : {}),
      ...(events ? { onEvent: (event: TradingEvent) => events.push(event) } : {}),
    };
  }

  private inBarTransaction<T>(store: Store, fn: (store: Store) => Promise<T>): Promise<T> {
    if (!this.options.barTransaction) return fn(store);
    return store.transaction(fn);
  }

  private async process(store: Store, batch: CandleBatch): Promise<BarSummary> {
    const { market } = this.options;
    const closeTime = batch.time + this.barMs;
    const summary = emptySummary(closeTime);
    const entries = this.options.entries !== false;

    for (const candle of batch.candles) market.openBar(candle);
    if (this.roles.has('execution')) {
      const executionDeps = this.workerDeps(store, 'execution', summary.events);
      if (this.lastAdoption === null || batch.time - this.lastAdoption >= ADOPTION_EVERY_MS) {
        this.lastAdoption = batch.time;
        addOutcomes(summary, await adoptAbandoned(executionDeps, batch.time));
      }
      if (entries) addOutcomes(summary, await executeReady(executionDeps, batch.time));
    }

    for (const candle of batch.candles) {
      market.closeBar(candle);
      for (const variant of this.options.variants) variant.onCandle(candle);
    }
    if (this.roles.has('execution')) {
      const positions = this.workerDeps(store, 'positions', summary.events);
      const managed = await manageOpenPositions(positions, batch, closeTime);
      summary.closed = managed.closed;
      const stops = await syncNativeStops(positions, this.options.variants, closeTime);
      summary.stopsMoved = stops.moved;
      summary.stopEditsFailed = stops.failed;
    }

    if (this.roles.has('scanner') && entries) {
      for (const variant of this.options.variants) {
        const scan = await runScanCycle({
          store,
          scanner: variant.scanner,
          variantId: variant.id,
          symbols: this.options.symbols,
          candles: async () => [batch],
          now: closeTime,
          intentExpiryHours: variant.settings.pipeline.intent_expiry_hours,
          claimTtlMinutes: variant.settings.pipeline.claim_ttl_minutes,
          maxOpenTrades: variant.rules.maxOpenTrades,
        });
        summary.signals += scan.signals.length;
        summary.events.push(...createdEvents(scan, closeTime));
        const tripped = await this.countFailedScan(store, variant, scan.skipped, closeTime);
        if (tripped) summary.events.push(tripped);
      }
    }
    if (this.options.equityEachBar) {
      summary.equity = await monitorEquity(
        { ...this.workerDeps(store, 'equity'), variants: this.options.variants },
        closeTime,
      );
      summary.events.push(...equityEvents(summary.equity, closeTime));
    }
    return summary;
  }
}

function emptySummary(at: EpochMs): BarSummary {
  return {
    at,
    opened: 0,
    rejected: 0,
    failed: 0,
    unresolved: 0,
    closed: [],
    signals: 0,
    decided: 0,
    stopsMoved: 0,
    stopEditsFailed: [],
    equity: [],
    events: [],
  };
}

function addOutcomes(summary: BarSummary, outcomes: Record<ExecutionOutcome, number>): void {
  summary.opened += outcomes.opened;
  summary.rejected += outcomes.rejected;
  summary.failed += outcomes.failed;
  summary.unresolved += outcomes.unresolved;
}

/** The intents a scan created; one already there (a re-run of the same cycle) is not news. */
function createdEvents(scan: ScanCycleResult, at: EpochMs): IntentCreated[] {
  // insertIntents answers one result per signal, in the signals' order.
  return scan.intents.flatMap(({ intent, inserted }, i) => {
    const side = scan.signals[i]?.side;
    if (!inserted || side === undefined) return [];
    return [
      {
        type: 'intent_created',
        at,
        variantId: intent.variantId,
        intentId: intent.id,
        symbol: intent.symbol,
        side,
      },
    ];
  });
}
