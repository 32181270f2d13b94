// Where stops rest at the broker (Match-Trader), the broker's stop follows Sigil's: after each bar, a
// position whose trail moved — or whose last edit was refused or lost — has its broker stop-loss moved to
// the stop Sigil holds. The position manager keeps watching the stop itself either way, so a refused
// edit (the modification budget, a freeze level) leaves the position protected, just not at the broker.
import { describeError } from '../domain/errors.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { VariantRuntime } from './variant-runtime.ts';
import type { TradingWorkerDeps } from './worker-deps.ts';

export interface StopSync {
  moved: number;
  /** Edits the broker refused or that failed, with why; retried after the next bar. */
  failed: string[];
}

export async function syncNativeStops(
  deps: Pick<TradingWorkerDeps, 'store' | 'brokers' | 'instruments'>,
  variants: readonly VariantRuntime[],
  now: EpochMs,
): Promise<StopSync> {
  const result: StopSync = { moved: 0, failed: [] };
  for (const runtime of variants) {
    const broker = deps.brokers(runtime.id);
    if (!broker.capabilities.nativeStops) continue;
    const held = (await deps.store.openPositions(runtime.id)).filter((p) => p.brokerRef);
    if (held.length === 0) continue;
    const atBroker = new Map((await broker.openPositions(now)).map((p) => [p.brokerRef, p]));
    for (const position of held) {
      const listed = atBroker.get(position.brokerRef ?? '');
      // Gone from the broker: the equity monitor's sync closes it.
      if (!listed) continue;
      // Half a tick apart is the same stop; with no tick, the same up to float noise (an edit a bar
      // would spend the firm's modification budget for nothing).
      const tick = deps.instruments(position.variantId, position.symbol).priceTick;
      const same = Math.max(tick / 2, Math.abs(position.currentStop) * 1e-12);
      if (listed.stopLoss !== null && Math.abs(listed.stopLoss - position.currentStop) < same) continue;
      try {
        await broker.modifyStops(
          listed,
          { stopLoss: position.currentStop, takeProfit: position.takeProfit },
          now,
        );
        result.moved++;
      } catch (error) {
        result.failed.push(`${position.id}: ${describeError(error)}`);
      }
    }
  }
  return result;
}
