// Signals nobody decides. When every analyst worker is stuck (a provider that hangs) or busy (long LLM
// debates, more signals than `engine.analyst_workers` get through), the scanners keep scanning — their
// heartbeat is fresh and the probe content — while each signal waits until it expires: a bot that trades
// nothing without a word. The janitor looks at each variant's oldest pending intent and tells when it has
// waited longer than `pipeline.waiting_alert_minutes`.
import type { EpochMs } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import type { IntentsWaiting } from '../domain/trading-event.ts';
import type { VariantRuntime } from './variant-runtime.ts';

export async function waitingIntents(
  store: Pick<Store, 'countByStatus' | 'listIntents'>,
  variants: readonly Pick<VariantRuntime, 'id' | 'settings'>[],
  now: EpochMs,
): Promise<IntentsWaiting[]> {
  const pending = new Map(
    (await store.countByStatus()).filter((c) => c.status === 'pending').map((c) => [c.variantId, c.count]),
  );
  const events: IntentsWaiting[] = [];
  for (const variant of variants) {
    const alertAfterMinutes = variant.settings.pipeline.waiting_alert_minutes;
    const count = pending.get(variant.id) ?? 0;
    if (!(alertAfterMinutes > 0) || count === 0) continue;
    const [oldest] = await store.listIntents({ statuses: ['pending'], variantId: variant.id, limit: 1 });
    if (!oldest) continue;
    const oldestWaitMinutes = (now - oldest.createdAt) / 60_000;
    if (oldestWaitMinutes < alertAfterMinutes) continue;
    events.push({
      type: 'intents_waiting',
      at: now,
      variantId: variant.id,
      pending: count,
      oldestWaitMinutes,
      alertAfterMinutes,
    });
  }
  return events;
}
