// What LLM analysts spend and remember: a variant's daily budget ledger and the response cache.
import type { EpochMs, VariantId } from './ids.ts';

export interface LlmAmount {
  tokens: number;
  costUsd: number;
}

/** A variant's daily caps; null = no cap on that measure. */
export interface LlmLimits {
  tokens: number | null;
  costUsd: number | null;
}

export interface LlmSpend {
  variantId: VariantId;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  calls: number;
  tokens: number;
  costUsd: number;
  /** Worst cases of the calls in flight, not yet settled. */
  reserved: LlmAmount;
}

/** One provider answer, stored under the hash of everything that determined it. */
export interface CachedLlmResponse {
  key: string;
  model: string;
  /** The answer as the client returned it (text or a structured object). */
  response: unknown;
  inputTokens: number;
  outputTokens: number;
  createdAt: EpochMs;
}

export function utcDay(at: EpochMs): string {
  return new Date(at).toISOString().slice(0, 10);
}
