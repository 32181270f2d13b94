// Where a run's decisions came from, per variant: the rules analyst, live LLM calls, the cache, the HTTP
// service, the fallback, or the rules analyst for intents outside the LLM sample — and what the live
// calls cost. A backtest with an LLM says how much of its result the LLM actually decided.
import { decisionSourceOf, DECISION_SOURCES, type DecisionSource } from '../analyst/transcript.ts';
import type { Store } from '../domain/ports/store.ts';

export interface DecisionCounts {
  variantId: string;
  counts: Record<DecisionSource, number>;
  costUsd: number;
}

export async function decisionCounts(store: Pick<Store, 'listIntents'>): Promise<DecisionCounts[]> {
  const byVariant = new Map<string, DecisionCounts>();
  for (const intent of await store.listIntents()) {
    const source = decisionSourceOf(intent.agentState);
    if (source === null) continue;
    let row = byVariant.get(intent.variantId);
    if (!row) {
      row = {
        variantId: intent.variantId,
        counts: Object.fromEntries(DECISION_SOURCES.map((s) => [s, 0])) as Record<DecisionSource, number>,
        costUsd: 0,
      };
      byVariant.set(intent.variantId, row);
    }
    row.counts[source]++;
    const cost = (intent.agentState as { totals?: { costUsd?: unknown } }).totals?.costUsd;
    if (typeof cost === 'number') row.costUsd += cost;
  }
  return [...byVariant.values()];
}

/** One line per variant, for variants any non-rules analyst decided; none when all were rules. */
export function decisionLines(rows: readonly DecisionCounts[]): string[] {
  return rows
    .filter((r) => r.counts.rules < Object.values(r.counts).reduce((a, b) => a + b, 0))
    .map((r) => {
      const parts = DECISION_SOURCES.filter((s) => r.counts[s] > 0).map(
        (s) => `${s.replace('_', ' ')} ${r.counts[s]}`,
      );
      return `${r.variantId}: decisions by ${parts.join(', ')}; LLM cost $${r.costUsd.toFixed(4)}`;
    });
}
