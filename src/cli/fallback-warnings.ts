// How a command makes an analyst's fallback loud: one warning on stderr at a variant's first fallback
// (the variant, the analyst's endpoint and the reason — an operator who believes the LLM is deciding
// learns otherwise at once, not from a count at the end), then a tally of the reasons for the summary.
// Later fallbacks of the same variant only count: a dead provider would otherwise repeat the line at
// every intent.
import type { AnalystFallback } from '../analyst/fallback-notice.ts';
import { forVariant } from '../logging/log-context.ts';
import type { Logger } from '../logging/logger.ts';
import { redactUrl } from '../logging/redaction.ts';

export interface FallbackWarnings {
  /** Give to the run as its `onAnalystFallback`. */
  readonly onFallback: (fallback: AnalystFallback) => void;
  /** One line per variant that fell back in this process: the count and the reasons; [] when none. */
  summaryLines(): string[];
}

/** `warn` writes one line (without its newline) where the command's warnings go. */
export function fallbackWarnings(warn: (line: string, fallback: AnalystFallback) => void): FallbackWarnings {
  const byVariant = new Map<string, Map<string, number>>();
  return {
    onFallback(fallback) {
      let reasons = byVariant.get(fallback.variantId);
      if (!reasons) {
        reasons = new Map();
        byVariant.set(fallback.variantId, reasons);
        warn(firstFallbackLine(fallback), fallback);
      }
      reasons.set(fallback.reason, (reasons.get(fallback.reason) ?? 0) + 1);
    },
    summaryLines() {
      return [...byVariant].map(([variantId, reasons]) => {
        const total = [...reasons.values()].reduce((a, b) => a + b, 0);
        const listed = [...reasons]
          .sort((a, b) => b[1] - a[1])
          .map(([reason, count]) => `${reason} (${count})`);
        return `${variantId}: ${total} decision(s) by the fallback, not the analyst: ${listed.join('; ')}`;
      });
    },
  };
}

/** `sigil run`'s: the warning is a log record of the variant, on stderr above any progress bar. */
export function loggedFallbackWarnings(log: Logger): FallbackWarnings {
  return fallbackWarnings((line, fallback) => forVariant(log, fallback.variantId).warn(line));
}

export function firstFallbackLine(fallback: AnalystFallback): string {
  const instead = fallback.policy === 'hold' ? 'it holds' : 'the rules analyst decides';
  return (
    `variant ${fallback.variantId}: the ${fallback.analyst} analyst at ${redactUrl(fallback.endpoint)} could not decide ` +
    `(${redactUrl(fallback.reason)}); ${instead} instead (analyst.fallback: ${fallback.policy}). ` +
    'Further fallbacks are counted in the summary.'
  );
}
