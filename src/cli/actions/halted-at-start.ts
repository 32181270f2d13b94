// What a run says before its first bar about variants that will not trade: a variant halted by an
// earlier run (a kill switch, the probe, an operator) stays halted across restarts, and a run that
// quietly opens nothing for it looks like a broken bot.
import type { Variant } from '../../config/load-config.ts';
import type { Store } from '../../domain/ports/store.ts';

/** One line per variant of this run that is not active, with why and how to resume it. */
export async function haltedAtStart(store: Store, variants: readonly Variant[]): Promise<string[]> {
  const ids = new Set<string>(variants.map((v) => v.id));
  return (await store.tradingStates())
    .filter((t) => ids.has(t.variantId) && t.state !== 'active')
    .map(
      (t) =>
        `${t.variantId} is ${t.state}${t.changedAt === null ? '' : ` since ${new Date(t.changedAt).toISOString()}`} by ${t.actor}: ${t.reason} — it opens nothing until \`sigil reset ${t.variantId}\``,
    );
}
