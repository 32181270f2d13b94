// A backtest or replay in which an LLM or HTTP analyst decided nothing — every one of its decisions fell
// back to the rules analyst (or to HOLD) — measured the fallback, not the analyst the config names. Its
// report is still printed, but the command fails, so neither a user nor a script mistakes it for a test
// of the analyst. `analyst.fallback_ok: true` accepts such a run (say, a rules baseline kept on purpose).
import type { Variant } from '../config/load-config.ts';
import { FatalError } from '../domain/errors.ts';
import type { DecisionCounts } from './decision-counts.ts';

/** Variants whose analyst is remote and whose every decision (the sample's) fell back; [] when none. */
export function fallbackOnlyVariants(
  decisions: readonly DecisionCounts[],
  variants: readonly Variant[],
): { variant: Variant; row: DecisionCounts }[] {
  const rows = new Map(decisions.map((row) => [row.variantId, row]));
  return variants.flatMap((variant) => {
    const analyst = variant.settings.analyst;
    const row = rows.get(variant.id);
    if (analyst.kind === 'rules' || analyst.fallback_ok || !row) return [];
    const { llm, cache, http, fallback } = row.counts;
    return fallback > 0 && llm + cache + http === 0 ? [{ variant, row }] : [];
  });
}

/** Throws (exit 1) when some variant's analyst decided nothing; see fallbackOnlyVariants. */
export function refuseFallbackOnly(decisions: readonly DecisionCounts[], variants: readonly Variant[]): void {
  const failed = fallbackOnlyVariants(decisions, variants);
  if (failed.length === 0) return;
  const lines = failed.map(({ variant, row }) => {
    const analyst = variant.settings.analyst;
    const instead = analyst.fallback === 'hold' ? 'HOLD' : 'the rules analyst';
    const reason = row.fallbackReasons[0]?.reason ?? 'no reason recorded';
    return `variant ${variant.id}: all ${row.counts.fallback} decisions of its ${analyst.kind} analyst fell back to ${instead} (${reason})`;
  });
  throw new FatalError(
    'analyst_fallback_only',
    `${lines.join('; ')}. The result is the fallback's, not the analyst's: fix the analyst (its reasons are above), or set analyst.fallback_ok: true to accept a run decided by the fallback.`,
  );
}
