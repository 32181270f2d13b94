// Where a run's decisions came from, per variant: the rules analyst, live LLM calls, the cache, the HTTP
// service, the fallback, or the rules analyst for intents outside the LLM sample — and what the live
// calls cost. A backtest with an LLM says how much of its result the LLM actually decided.
import {
  decisionSourceOf,
  DECISION_SOURCES,
  type AgentState,
  type DecisionSource,
} from '../analyst/transcript.ts';
import type { Store } from '../domain/ports/store.ts';

export interface DecisionCounts {
  variantId: string;
  counts: Record<DecisionSource, number>;
  costUsd: number;
  /** Why the fallback decided, each reason with its count, the most frequent first. */
  fallbackReasons: { reason: string; count: number }[];
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
        fallbackReasons: [],
      };
      byVariant.set(intent.variantId, row);
    }
    row.counts[source]++;
    const cost = (intent.agentState as { totals?: { costUsd?: unknown } }).totals?.costUsd;
    if (typeof cost === 'number') row.costUsd += cost;
    if (source === 'fallback') countReason(row, (intent.agentState as AgentState).fallbackReason);
  }
  for (const row of byVariant.values()) row.fallbackReasons.sort((a, b) => b.count - a.count);
  return [...byVariant.values()];
}

function countReason(row: DecisionCounts, reason = 'no reason recorded'): void {
  const seen = row.fallbackReasons.find((r) => r.reason === reason);
  if (seen) seen.count++;
  else row.fallbackReasons.push({ reason, count: 1 });
}

/** Reasons shown in a summary line; the rest are counted as "other". */
const REASONS_SHOWN = 3;

/** One line per variant, for variants any non-rules analyst decided; none when all were rules. */
export function decisionLines(rows: readonly DecisionCounts[]): string[] {
  return rows
    .filter((r) => r.counts.rules < Object.values(r.counts).reduce((a, b) => a + b, 0))
    .map((r) => {
      const parts = DECISION_SOURCES.filter((s) => r.counts[s] > 0).map(
        (s) => `${s.replace('_', ' ')} ${r.counts[s]}`,
      );
      const line = `${r.variantId}: decisions by ${parts.join(', ')}; LLM cost $${r.costUsd.toFixed(4)}`;
      return r.counts.fallback > 0 ? `${line}\n${fallbackLine(r)}` : line;
    });
}

/** Why the fallback decided, so a count of fallbacks is never the only trace of an analyst that failed. */
function fallbackLine(row: DecisionCounts): string {
  const shown = row.fallbackReasons.slice(0, REASONS_SHOWN).map((r) => `${r.reason} (${r.count})`);
  const other = row.fallbackReasons.slice(REASONS_SHOWN).reduce((n, r) => n + r.count, 0);
  if (other > 0) shown.push(`other reasons (${other})`);
  const total = Object.values(row.counts).reduce((a, b) => a + b, 0);
  return `  ${row.counts.fallback} of ${total} decisions by the fallback, not the analyst: ${shown.join('; ')}`;
}
