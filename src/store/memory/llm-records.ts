// The LLM response cache (the first answer under a key stays) and the per-variant daily spend ledger
// with its reservations, as llm-rows.ts keeps them, to the same arithmetic.
import type { VariantId } from '../../domain/ids.ts';
import type { CachedLlmResponse, LlmAmount, LlmLimits, LlmSpend } from '../../domain/llm-usage.ts';
import { parsedJson } from './stored-values.ts';
import type { UndoLog } from './undo-log.ts';

export class LlmTable {
  private readonly cache = new Map<string, CachedLlmResponse>();
  private readonly spends = new Map<string, LlmSpend>();

  constructor(private readonly undo: UndoLog) {}

  cached(key: string): CachedLlmResponse | null {
    return this.cache.get(key) ?? null;
  }

  /** Keeps the first answer: a cache that changed under a replay would not reproduce it. */
  store(entry: CachedLlmResponse): void {
    const text = JSON.stringify(entry.response) as string | undefined;
    if (text === undefined) throw new Error('NOT NULL constraint failed: llm_cache.response');
    if (this.cache.has(entry.key)) return;
    const { key } = entry;
    this.cache.set(
      key,
      Object.freeze({
        key,
        model: entry.model,
        response: parsedJson(text),
        inputTokens: entry.inputTokens,
        outputTokens: entry.outputTokens,
        createdAt: entry.createdAt,
      }),
    );
    this.undo.record(() => this.cache.delete(key));
  }

  spend(variantId: VariantId, day: string): LlmSpend {
    return this.spends.get(spendKey(variantId, day)) ?? emptySpend(variantId, day);
  }

  /** Adds the worst case to the reservations if spent + reserved + it stays within every cap. */
  reserve(variantId: VariantId, day: string, amount: LlmAmount, limits: LlmLimits): boolean {
    const s = this.spend(variantId, day);
    if (limits.tokens !== null && !(s.tokens + s.reserved.tokens + amount.tokens <= limits.tokens))
      return false;
    if (limits.costUsd !== null && !(s.costUsd + s.reserved.costUsd + amount.costUsd <= limits.costUsd))
      return false;
    const reserved = {
      tokens: s.reserved.tokens + amount.tokens,
      costUsd: s.reserved.costUsd + amount.costUsd,
    };
    this.put(s, s.calls, s.tokens, s.costUsd, reserved);
    return true;
  }

  /** Releases the reservation and books what the call really cost. */
  settle(
    variantId: VariantId,
    day: string,
    reserved: LlmAmount,
    actual: LlmAmount & { calls: number },
  ): void {
    const s = this.spend(variantId, day);
    this.put(s, s.calls + actual.calls, s.tokens + actual.tokens, s.costUsd + actual.costUsd, {
      tokens: s.reserved.tokens - reserved.tokens,
      costUsd: s.reserved.costUsd - reserved.costUsd,
    });
  }

  private put(prev: LlmSpend, calls: number, tokens: number, costUsd: number, reserved: LlmAmount): void {
    const key = spendKey(prev.variantId, prev.day);
    const stored = this.spends.get(key);
    const { variantId, day } = prev;
    this.spends.set(
      key,
      Object.freeze({ variantId, day, calls, tokens, costUsd, reserved: Object.freeze(reserved) }),
    );
    this.undo.record(() => (stored ? this.spends.set(key, stored) : this.spends.delete(key)));
  }
}

function spendKey(variantId: VariantId, day: string): string {
  return `${variantId}\u0000${day}`;
}

function emptySpend(variantId: VariantId, day: string): LlmSpend {
  return { variantId, day, calls: 0, tokens: 0, costUsd: 0, reserved: { tokens: 0, costUsd: 0 } };
}
