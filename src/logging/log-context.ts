// Scoped loggers: a record says which variant, worker, job, intent and symbol it is about in fields of
// its own, so a collector filters on them and a person reads them before the message — rather than
// each caller spelling them into its text its own way.
import type { Logger } from 'pino';

/** The context fields, in the order the pretty format shows them. */
export const CONTEXT_KEYS = ['bar', 'variant', 'worker', 'job', 'intent', 'symbol'] as const;

export function forVariant(log: Logger, variant: string): Logger {
  return log.child({ variant });
}

/** An analyst or trading worker (`analysts-4242:analyst-1`), optionally of one variant. */
export function forWorker(log: Logger, worker: string, variant?: string): Logger {
  return log.child(variant === undefined ? { worker } : { worker, variant });
}

/** A scheduled job of the bot: `market`, `janitor`, `equity`. */
export function forJob(log: Logger, job: string): Logger {
  return log.child({ job });
}

/** One intent: its id, and the variant and symbol it belongs to. */
export function forIntent(
  log: Logger,
  intent: { intentId: string; variantId: string; symbol: string },
): Logger {
  return log.child({ variant: intent.variantId, intent: intent.intentId, symbol: intent.symbol });
}
