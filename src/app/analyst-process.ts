// Analyst workers on a loop of their own: in a process of their own (`sigil run --roles analyst
// --workers N`), or beside a live bot in the same process. N loops claim pending intents one at a time
// under a lease (SKIP LOCKED on PostgreSQL, so processes on several hosts share the queue) and decide
// them. In a replay their `now` is the scanners' clock as the store shows it — the last scan's time in
// the heartbeats — so the simulated time is kept; live, it is the wall clock.
// A variant whose analyst asks to decide later rests for `retryPauseMs`; the worker goes on with the
// other variants' intents, so one variant's provider trouble never delays another variant.
// A store that goes away is ridden out with the same back-off as the scanners', and the intent a worker
// held when it went is handed back at once rather than when its lease runs out; any other error is a
// crash: it is reported (so it alerts), the other workers stop, and the process ends with the error.
import type { SigilConfig, Variant } from '../config/load-config.ts';
import { describeError, errorKindOf } from '../domain/errors.ts';
import { workerId, type EpochMs, type WorkerId } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { MarketContext } from '../domain/ports/market-context.ts';
import type { TradingEvent } from '../domain/trading-event.ts';
import { decidePending } from '../engine/analyst-pool.ts';
import { releaseIfStillHeld } from '../domain/intent-commands.ts';
import { FileMarketContext } from '../marketdata/file-market-context.ts';
import { releaseDeadClaims } from '../engine/dead-claims.ts';
import { analystWorkerName, leaseLive } from '../domain/lease.ts';
import { holderGone, parseInfo } from './process-leases.ts';
import { variantRuntimes } from './engine-for.ts';
import { loadStrategies } from './strategy-for.ts';
import type { VariantRuntime } from '../engine/variant-runtime.ts';
import type { Doorbell } from '../engine/doorbell.ts';
import type { OnAnalystFallback } from '../analyst/fallback-notice.ts';
import { withStoreRetries } from './store-retries.ts';

export interface AnalystProcessOptions {
  store: Store;
  config: SigilConfig;
  variants: readonly Variant[];
  workers: number;
  processName: string;
  /** Exit after this long without work (ms); null = until stopped. */
  idleExitMs: number | null;
  signal: AbortSignal;
  /** Resolves after ms, or at once when the signal aborts (a stopping process waits for no timer). */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Wall time, for the time of a crash report (the workers' `now` is the scanners'). */
  clock: Pick<Clock, 'now'>;
  pollMs?: number;
  /** Pause of a worker after its analyst chose to decide later (fallback: retry). */
  retryPauseMs?: number;
  /** What analysts read of the market; default the configured candle files (a replay's). */
  market?: MarketContext;
  /** The variants' runtimes to decide with (a live bot's own); default built here from the config. */
  runtimes?: readonly VariantRuntime[];
  /** The intents' time; default the scanners' (the heartbeats'), null while no scan has run. */
  now?: () => Promise<EpochMs | null>;
  /** Called after a worker decided to trade (live: execute it now); awaited before the worker goes on. */
  onTraded?: () => Promise<void>;
  /** Rings when new intents may be waiting: idle workers look at once instead of at their next poll. */
  doorbell?: Doorbell;
  /** The wall clock, where processes keep presence leases: claims of dead ones are handed back at start. */
  wallNow?: () => number;
  /** Told of each intent a worker failed, and of a worker's crash, with the worker. */
  onEvent?: (event: TradingEvent, worker: WorkerId) => void;
  /** A worker's store call failed and is made again after a pause (attempt counts from 1). */
  onRetry?: (error: unknown, attempt: number, worker: WorkerId) => void;
  /** Each decision an LLM or HTTP analyst left to its fallback (runtimes built here; given ones tell their own). */
  onAnalystFallback?: OnAnalystFallback;
}

export async function runAnalystWorkers(options: AnalystProcessOptions): Promise<{ decided: number }> {
  const { store, signal } = options;
  const { config } = options;
  const market =
    options.market ??
    new FileMarketContext(
      config.market.data,
      config.market.timeframe,
      config.market.symbols.length > 0 ? config.market.symbols : undefined,
    );
  if (!options.runtimes) await loadStrategies(config, options.variants);
  const runtimes = new Map(
    (
      options.runtimes ??
      variantRuntimes(config, options.variants, {
        store,
        market,
        ...(options.onAnalystFallback ? { onFallback: options.onAnalystFallback } : {}),
      })
    ).map((v) => [v.id as string, v]),
  );
  const mine = new Set(runtimes.keys());
  let decided = 0;
  let lastWork = performance.now();
  /** Variants resting after their analyst asked to decide later, until this performance.now(). */
  const resting = new Map<string, number>();

  const scannersNow = async (): Promise<EpochMs | null> => {
    const beats = (await store.heartbeats()).filter((b) => mine.has(b.variantId) && b.lastScanEnd !== null);
    return beats.length === 0 ? null : Math.max(...beats.map((b) => b.lastScanEnd as number));
  };
  const intentsNow = options.now ?? scannersNow;
  let nextDeadClaimsLook = 0;
  const restingNow = (): string[] => {
    const at = performance.now();
    for (const [variant, until] of resting) if (until <= at) resting.delete(variant);
    return [...resting.keys()];
  };

  // A crashed worker stops the others: the process then ends, and its supervisor starts it again.
  const stopAll = new AbortController();
  const stopped = AbortSignal.any([signal, stopAll.signal]);
  const pause = (ms: number) =>
    options.doorbell ? options.doorbell.wait(ms, stopped, options.sleep) : options.sleep(ms, stopped);

  const loop = async (worker: WorkerId): Promise<void> => {
    // Set by a failed store call: the worker may hold a claim it will never finish.
    let stranded = false;
    const retries = {
      signal: stopped,
      sleep: pause,
      onRetry: (error: unknown, attempt: number) => {
        stranded = true;
        options.onRetry?.(error, attempt, worker);
      },
    };
    while (!stopped.aborted) {
      const done = await withStoreRetries(async () => {
        const now = await intentsNow();
        // At start-up, then every few seconds: claims of analyst processes known dead go back to the
        // queue as soon as their presence lapses, not when their claim's own lease would.
        if (now !== null && options.wallNow && performance.now() >= nextDeadClaimsLook) {
          nextDeadClaimsLook = performance.now() + DEAD_CLAIMS_LOOK_MS;
          await releaseDeadClaims(store, now, options.wallNow(), holderGone);
        }
        if (stranded && now !== null) {
          await releaseStranded(store, worker, now);
          stranded = false;
        }
        // One intent at a time per worker: N workers then decide N intents at once.
        return now === null
          ? null
          : await decidePending(
              { store, variants: runtimes, worker, onEvent: (event) => options.onEvent?.(event, worker) },
              now,
              { signal: stopped, claimLimit: 1, skipVariants: restingNow() },
            );
      }, retries);
      // An intent handed back to "decide later" is not asked about again at once: its variant rests.
      for (const variant of done?.releasedVariants ?? [])
        resting.set(variant, performance.now() + (options.retryPauseMs ?? 30_000));
      if (done && done.traded > 0) await options.onTraded?.();
      const count = done ? done.traded + done.held + done.failed : 0;
      if (count > 0 || (done?.released ?? 0) > 0) {
        decided += count;
        lastWork = performance.now();
        continue;
      }
      if (options.idleExitMs !== null && performance.now() - lastWork > options.idleExitMs) return;
      await pause(options.pollMs ?? 20);
    }
  };

  let crash: { error: unknown } | null = null;
  const crashed = (error: unknown, worker: WorkerId): void => {
    // Once stopping, a store still down only cuts a worker's retries short: that is no crash of its own.
    if (stopped.aborted && (crash !== null || errorKindOf(error) === 'retryable')) return;
    crash = { error };
    options.onEvent?.(
      {
        type: 'worker_crashed',
        at: options.clock.now(),
        variantId: null,
        worker,
        error: describeError(error),
      },
      worker,
    );
    stopAll.abort();
  };
  const workers = Array.from({ length: options.workers }, (_, i) =>
    workerId(analystWorkerName(options.processName, i + 1)),
  );
  await Promise.all(workers.map((worker) => loop(worker).catch((error) => crashed(error, worker))));
  if (crash !== null) throw (crash as { error: unknown }).error;
  return { decided };
}

/** How often analysts look for claims of dead analyst processes (a query of the claimed intents). */
const DEAD_CLAIMS_LOOK_MS = 5_000;

/**
 * Hands back the intents `worker` still holds: after a lost connection it is deciding none of them (it
 * works one at a time), and their leases would keep them from everyone until they ran out. An intent the
 * janitor recycled meanwhile is no longer the worker's to release.
 */
async function releaseStranded(store: Store, worker: WorkerId, now: EpochMs): Promise<void> {
  const held = (await store.listIntents({ statuses: ['claimed'] })).filter((i) => i.claimWorkerId === worker);
  for (const intent of held) {
    const why = 'released: its worker lost the store connection while deciding';
    await releaseIfStillHeld(store, intent.id, worker, now, why);
  }
}

/**
 * For a process without analysts: waits until other processes have decided the variants' open intents.
 * With the wall clock, claims of analysts whose process died are handed back as soon as its presence
 * lapses, and the wait gives up only when no analyst process is alive: a killed analyst that is
 * restarted costs a pause, not a failed bar and a crash alert.
 */
export function awaitDecisionsIn(
  store: Store,
  timeoutMs: number,
  sleep: (ms: number) => Promise<void>,
  wallNow?: () => number,
): (variants: readonly string[], now: EpochMs) => Promise<void> {
  return async (variants, now) => {
    let deadline = performance.now() + timeoutMs;
    let lookedAt = 0;
    for (;;) {
      const open = (await store.countByStatus())
        .filter((c) => variants.includes(c.variantId) && (c.status === 'pending' || c.status === 'claimed'))
        .reduce((sum, c) => sum + c.count, 0);
      if (open === 0) return;
      if (wallNow && performance.now() - lookedAt >= LIVENESS_LOOK_MS) {
        lookedAt = performance.now();
        await releaseDeadClaims(store, now, wallNow());
        if (await analystAlive(store, variants, wallNow())) deadline = performance.now() + timeoutMs;
      }
      if (performance.now() > deadline) {
        throw new Error(
          `${open} intent(s) still undecided after ${timeoutMs / 1000} s: is an analyst process running (sigil run --roles analyst)?`,
        );
      }
      await sleep(20);
    }
  };
}

/** How often a waiting process looks for dead analysts' claims and live analyst processes. */
const LIVENESS_LOOK_MS = 500;

async function analystAlive(store: Store, variants: readonly string[], wallNow: number): Promise<boolean> {
  return (await store.leases()).some((lease) => {
    if (!lease.name.startsWith('process:') || !leaseLive(lease, wallNow)) return false;
    const info = parseInfo(lease.info);
    return (info.roles ?? []).includes('analyst') && (info.variants ?? []).some((v) => variants.includes(v));
  });
}
