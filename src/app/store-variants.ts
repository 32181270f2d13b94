// The variants a store has seen — intents, scanner heartbeats, a trading state set (a halt by hand) —
// for commands given no config: a store that a four-variant config ran knows all four, where the
// built-in configuration knows only "baseline".
import type { Store } from '../domain/ports/store.ts';

export async function variantsInStore(store: Store): Promise<string[]> {
  const found = new Set<string>();
  for (const count of await store.countByStatus()) found.add(count.variantId);
  for (const heartbeat of await store.heartbeats()) found.add(heartbeat.variantId);
  for (const state of await store.tradingStates()) found.add(state.variantId);
  return [...found].sort();
}
