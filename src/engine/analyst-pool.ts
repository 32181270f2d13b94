// An analyst worker: claims pending intents under a lease, asks its variant's analyst, and records the
// decision (ready_for_exec or cancelled). An analyst that throws fails only that intent.
import { describeError } from '../domain/errors.ts';
import type { EpochMs, WorkerId } from '../domain/ids.ts';
import { markFailed, markHold, markReadyForExec } from '../domain/intent-commands.ts';
import type { Store } from '../domain/ports/store.ts';
import type { VariantRuntime } from './variant-runtime.ts';

export interface AnalystDeps {
  store: Store;
  variants: ReadonlyMap<string, VariantRuntime>;
  worker: WorkerId;
}

export async function decidePending(
  deps: AnalystDeps,
  now: EpochMs,
  signal?: AbortSignal,
): Promise<{ traded: number; held: number; failed: number }> {
  const counts = { traded: 0, held: 0, failed: 0 };
  while (!signal?.aborted) {
    const claimed = await deps.store.claimPending(deps.worker, now, { limit: 50 });
    if (claimed.length === 0) break;
    for (const intent of claimed) {
      const runtime = deps.variants.get(intent.variantId);
      try {
        if (!runtime) throw new Error(`variant ${intent.variantId} is not configured in this process`);
        const decision = await runtime.analyst.decide(intent, now, signal);
        if (decision.side === 'HOLD') {
          await markHold(deps.store, intent.id, deps.worker, decision, now);
          counts.held++;
        } else {
          await markReadyForExec(deps.store, intent.id, deps.worker, decision, now);
          counts.traded++;
        }
      } catch (error) {
        await markFailed(deps.store, intent.id, deps.worker, `analyst: ${describeError(error)}`, now);
        counts.failed++;
      }
    }
  }
  return counts;
}
