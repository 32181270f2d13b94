// The pre-signal entry guard: which symbols of a variant may not signal now — every symbol of a variant
// that is halted or reducing, a symbol with an open position, or an active cooldown or lock (including
// variant-wide ones). Asked once per scan cycle, before any rule runs.
import type { EpochMs, VariantId } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import { ALL_SYMBOLS } from '../domain/protection.ts';

export async function blockedSymbols(
  store: Pick<Store, 'openPositions' | 'protectionsInForce' | 'tradingState'>,
  variantId: VariantId,
  symbols: readonly string[],
  now: EpochMs,
): Promise<Map<string, string>> {
  const blocked = new Map<string, string>();
  const trading = await store.tradingState(variantId);
  if (trading.state !== 'active') {
    for (const symbol of symbols) blocked.set(symbol, `variant ${trading.state}: ${trading.reason}`);
    return blocked;
  }
  for (const position of await store.openPositions(variantId))
    blocked.set(position.symbol, `open position ${position.id}`);
  // One query for every lock of the variant, not one per symbol: this runs every cycle of every variant.
  const locks = await store.protectionsInForce(now, variantId);
  const variantLock = locks.find((lock) => lock.symbol === ALL_SYMBOLS);
  for (const symbol of symbols) {
    if (blocked.has(symbol)) continue;
    const lock = locks.find((l) => l.symbol === symbol) ?? variantLock;
    if (lock) blocked.set(symbol, `${lock.kind} until ${new Date(lock.until).toISOString()}: ${lock.reason}`);
  }
  return blocked;
}
