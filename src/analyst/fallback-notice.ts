// What a remote analyst tells its process when it could not decide and its fallback did instead: the
// operator must hear of it at once (a backtest "of the LLM" decided by the rules analyst is not one),
// not only in a count at the end. Intents outside the sample are not fallbacks and are not told.
import type { Fallback } from '../config/analyst-schema.ts';
import type { EpochMs } from '../domain/ids.ts';

export interface AnalystFallback {
  variantId: string;
  analyst: 'llm' | 'http';
  /** The provider and URL, e.g. `openai:http://127.0.0.1:11434/v1`. */
  endpoint: string;
  /** Why no verdict came: the outage, the timeout, the budget, the unreadable answer. */
  reason: string;
  /** What decided instead (a `retry` fallback decides nothing, so it is never told). */
  policy: Exclude<Fallback, 'retry'>;
  at: EpochMs;
}

export type OnAnalystFallback = (fallback: AnalystFallback) => void;
