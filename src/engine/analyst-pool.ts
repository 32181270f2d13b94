// An analyst worker: claims pending intents under a lease, asks its variant's analyst, and records the
// decision. Every claimed intent ends in a defined state with a reason: ready_for_exec, cancelled (HOLD),
// failed (the analyst broke, or gave up retrying), or back to pending (shutdown, or "decide later").
//
// A decision may take minutes (an LLM debate): while it runs, the worker extends the intent's lease, so
// the janitor never recycles an intent that is still being worked on. If the extension is refused the
// lease was lost — the decision is abandoned, since the transition it would make is fenced anyway.
import { describeError } from '../domain/errors.ts';
import type { EpochMs, WorkerId } from '../domain/ids.ts';
import type { TradeIntent } from '../domain/intent.ts';
import { markFailed, markHold, markReadyForExec, releaseClaim } from '../domain/intent-commands.ts';
import { FencedOutError } from '../domain/intent-lifecycle.ts';
import { DecideLaterError } from '../domain/ports/analyst.ts';
import type { Store } from '../domain/ports/store.ts';
import type { ReportEvent } from '../domain/trading-event.ts';
import type { VariantRuntime } from './variant-runtime.ts';

export interface AnalystDeps {
  store: Store;
  variants: ReadonlyMap<string, VariantRuntime>;
  worker: WorkerId;
  /** Told of each intent the analyst failed; absent = nobody listens. */
  onEvent?: ReportEvent;
}

export interface DecideOptions {
  signal?: AbortSignal;
  /** Intents claimed at a time (default 50): workers sharing a queue take 1 each, so none hoards. */
  claimLimit?: number;
  /** Decisions run at once from a claimed batch (default 1). */
  concurrency?: number;
  /** How often a running decision extends its lease; default a third of the intent's lease. */
  leaseHeartbeatMs?: number;
  /** Variants not to claim for in this pass (their analyst asked to decide later, and rests). */
  skipVariants?: Iterable<string>;
}

/** What became of one claimed intent. */
export type DecideOutcome = 'traded' | 'held' | 'failed' | 'released' | 'lost';

export interface DecideCounts {
  traded: number;
  held: number;
  failed: number;
  /** Handed back to the queue (shutdown, or the analyst will decide later). */
  released: number;
  /** The lease was lost while deciding; the janitor owns the intent now. */
  lost: number;
  /** The variants whose intents were handed back, once per intent. */
  releasedVariants: string[];
}

export async function decidePending(
  deps: AnalystDeps,
  now: EpochMs,
  options: DecideOptions = {},
): Promise<DecideCounts> {
  const counts: DecideCounts = { traded: 0, held: 0, failed: 0, released: 0, lost: 0, releasedVariants: [] };
  const { signal } = options;
  // Variants that handed an intent back in this pass (or are resting after doing so): an intent handed
  // back would be claimed again at once, so its variant waits for the next pass — and only its variant.
  // The others go on being decided: one variant's analyst trouble never delays another's decisions.
  const resting = new Set<string>(options.skipVariants ?? []);
  const limit = options.claimLimit ?? 50;
  while (!signal?.aborted) {
    const claimed = await claimNext(deps, now, limit, resting);
    if (claimed.length === 0) break;
    const queue = [...claimed];
    const lane = async () => {
      for (let intent = queue.shift(); intent; intent = queue.shift()) {
        const outcome = await decideOne(deps, intent, now, options);
        counts[outcome]++;
        if (outcome === 'released') {
          resting.add(intent.variantId);
          counts.releasedVariants.push(intent.variantId);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, lane));
  }
  return counts;
}

/** The oldest pending intents; once a variant rests, of the other variants only, one variant at a time. */
async function claimNext(
  deps: AnalystDeps,
  now: EpochMs,
  limit: number,
  resting: ReadonlySet<string>,
): Promise<TradeIntent[]> {
  if (resting.size === 0) return deps.store.claimPending(deps.worker, now, { limit });
  for (const variant of deps.variants.values()) {
    if (resting.has(variant.id)) continue;
    const claimed = await deps.store.claimPending(deps.worker, now, { limit, variantId: variant.id });
    if (claimed.length > 0) return claimed;
  }
  return [];
}

async function decideOne(
  deps: AnalystDeps,
  intent: TradeIntent,
  now: EpochMs,
  options: DecideOptions,
): Promise<DecideOutcome> {
  const { store, worker } = deps;
  const runtime = deps.variants.get(intent.variantId);
  // An instant analyst answers before any lease could run out: no heartbeat keeps it, and nothing can
  // take it away mid-decision (a backtest decides hundreds of thousands of intents; a timer and two
  // abort signals each are not free).
  const lost = runtime?.analyst.instant ? null : new AbortController();
  const heartbeat = lost ? keepLease(deps, intent, now, options, lost) : null;
  const signal =
    lost && options.signal
      ? AbortSignal.any([options.signal, lost.signal])
      : (lost?.signal ?? options.signal);
  try {
    if (!runtime) throw new Error(`variant ${intent.variantId} is not configured in this process`);
    const decision = await runtime.analyst.decide(intent, now, signal);
    if (lost?.signal.aborted) return 'lost';
    if (decision.side === 'HOLD') {
      await markHold(store, intent.id, worker, decision, now);
      return 'held';
    }
    await markReadyForExec(store, intent.id, worker, decision, now);
    return 'traded';
  } catch (error) {
    if (lost?.signal.aborted || error instanceof FencedOutError) return 'lost';
    if (options.signal?.aborted) {
      await releaseClaim(store, intent.id, worker, now);
      return 'released';
    }
    if (error instanceof DecideLaterError) {
      const limit = runtime?.settings.pipeline.max_claim_attempts ?? 1;
      if (intent.attempts < limit) {
        await releaseClaim(
          store,
          intent.id,
          worker,
          now,
          `${error.reason} (attempt ${intent.attempts} of ${limit})`,
        );
        return 'released';
      }
      return failed(deps, intent, `${error.reason}; gave up after ${intent.attempts} attempts`, now);
    }
    return failed(deps, intent, `analyst: ${describeError(error)}`, now);
  } finally {
    if (heartbeat) clearInterval(heartbeat);
  }
}

/** Extends the intent's lease while a slow decision runs; a refused extension means the lease was lost. */
function keepLease(
  deps: AnalystDeps,
  intent: TradeIntent,
  now: EpochMs,
  options: DecideOptions,
  lost: AbortController,
): ReturnType<typeof setInterval> {
  const started = performance.now();
  const heartbeatMs = options.leaseHeartbeatMs ?? (intent.claimTtlMinutes * 60_000) / 3;
  const heartbeat = setInterval(() => {
    // The lease runs from the decision's `now` plus the time spent on it: simulated time in a replay,
    // the wall clock live.
    deps.store
      .extendLease(intent.id, deps.worker, now + Math.round(performance.now() - started))
      .catch((error) => {
        if (error instanceof FencedOutError) lost.abort(error);
      });
  }, heartbeatMs);
  heartbeat.unref();
  return heartbeat;
}

async function failed(
  deps: AnalystDeps,
  intent: TradeIntent,
  reason: string,
  now: EpochMs,
): Promise<'failed'> {
  await markFailed(deps.store, intent.id, deps.worker, reason, now);
  deps.onEvent?.({
    type: 'intent_failed',
    at: now,
    variantId: intent.variantId,
    intentId: intent.id,
    symbol: intent.symbol,
    reason,
  });
  return 'failed';
}
