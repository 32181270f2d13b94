// One model call as the chain makes it: answered from the cache when the same prompt was asked before,
// otherwise reserved against the variant's daily budget, sent, settled to its real cost, cached and
// written into the transcript.
import { createHash } from 'node:crypto';
import type { EpochMs, VariantId } from '../../domain/ids.ts';
import { utcDay, type LlmAmount, type LlmLimits } from '../../domain/llm-usage.ts';
import type { Store } from '../../domain/ports/store.ts';
import type { TranscriptEntry } from '../transcript.ts';
import { LlmUnavailableError, type LlmAnswer, type LlmClient, type LlmRequest } from './llm-client.ts';

export interface ModelPrice {
  input_per_mtok: number;
  output_per_mtok: number;
}

export interface MeteredModelOptions {
  client: LlmClient;
  /** The cache and the spend ledger. */
  store: Pick<Store, 'cachedLlmResponse' | 'reserveLlmSpend' | 'settleLlmSpend' | 'llmSpend' | 'transaction'>;
  variantId: VariantId;
  limits: LlmLimits;
  prices: Readonly<Record<string, ModelPrice>>;
  cache: boolean;
}

/** The budget has no room for the call's worst case. */
export class BudgetExhaustedError extends LlmUnavailableError {
  constructor(message: string) {
    super(message, true);
    this.name = 'BudgetExhaustedError';
  }
}

/**
 * Tokens a prompt may count, from its length: about 4 characters a token in English, so 3 is a bound
 * that real prompts stay under. With the answer's cap it is the worst case a call is reserved at.
 */
export function worstCaseTokens(request: LlmRequest): { input: number; output: number } {
  return {
    input: Math.ceil((request.system.length + request.prompt.length) / 3),
    output: request.maxOutputTokens,
  };
}

export class MeteredModel {
  constructor(private readonly options: MeteredModelOptions) {}

  get endpoint(): string {
    return this.options.client.endpoint;
  }

  async call(
    role: string,
    request: LlmRequest,
    now: EpochMs,
    signal: AbortSignal,
    round?: number,
  ): Promise<TranscriptEntry> {
    const { store, cache } = this.options;
    const key = cacheKey(this.options.client.endpoint, request);
    const started = performance.now();
    const entry = (
      answer: Pick<LlmAnswer, 'text' | 'structured' | 'inputTokens' | 'outputTokens'>,
      cached: boolean,
    ) => ({
      role,
      ...(round === undefined ? {} : { round }),
      model: request.model,
      system: request.system,
      prompt: request.prompt,
      text: answer.text,
      structured: answer.structured,
      inputTokens: answer.inputTokens,
      outputTokens: answer.outputTokens,
      costUsd: cached ? 0 : this.cost(request.model, answer.inputTokens, answer.outputTokens),
      latencyMs: Math.round(performance.now() - started),
      cached,
    });

    if (cache) {
      const hit = await store.cachedLlmResponse(key);
      if (hit)
        return entry(
          {
            ...(hit.response as Pick<LlmAnswer, 'text' | 'structured'>),
            inputTokens: hit.inputTokens,
            outputTokens: hit.outputTokens,
          },
          true,
        );
    }

    // Without a cap there is nothing to reserve against: the call is only booked, with its cache entry,
    // in one commit — a commit costs an fsync.
    const { limits, variantId } = this.options;
    const capped = limits.tokens !== null || limits.costUsd !== null;
    const worst = worstCaseTokens(request);
    const reserved: LlmAmount = capped
      ? { tokens: worst.input + worst.output, costUsd: this.cost(request.model, worst.input, worst.output) }
      : { tokens: 0, costUsd: 0 };
    const day = utcDay(now);
    if (capped && !(await store.reserveLlmSpend(variantId, day, reserved, limits))) {
      throw new BudgetExhaustedError(await this.exhaustion(day, reserved));
    }
    let answer: LlmAnswer;
    try {
      answer = await this.options.client.complete(request, signal);
    } catch (error) {
      // A call that never answered books nothing; its reservation is released.
      if (capped) await store.settleLlmSpend(variantId, day, reserved, { tokens: 0, costUsd: 0, calls: 0 });
      throw error;
    }
    const spent = {
      tokens: answer.inputTokens + answer.outputTokens,
      costUsd: this.cost(request.model, answer.inputTokens, answer.outputTokens),
      calls: 1,
    };
    await store.transaction(async (tx) => {
      await tx.settleLlmSpend(variantId, day, reserved, spent);
      if (cache) {
        await tx.cacheLlmResponse({
          key,
          model: request.model,
          response: { text: answer.text, structured: answer.structured },
          inputTokens: answer.inputTokens,
          outputTokens: answer.outputTokens,
          createdAt: now,
        });
      }
    });
    return entry(answer, false);
  }

  /** USD of a call; 0 for a model without a configured price (a local model costs nothing per token). */
  private cost(model: string, inputTokens: number, outputTokens: number): number {
    const price = this.options.prices[model];
    if (!price) return 0;
    return (inputTokens * price.input_per_mtok + outputTokens * price.output_per_mtok) / 1e6;
  }

  private async exhaustion(day: string, needed: LlmAmount): Promise<string> {
    const spend = await this.options.store.llmSpend(this.options.variantId, day);
    const { tokens, costUsd } = this.options.limits;
    const parts = [
      tokens === null
        ? null
        : `${spend.tokens + spend.reserved.tokens} of ${tokens} tokens spent or in flight, ${needed.tokens} needed`,
      costUsd === null
        ? null
        : `$${(spend.costUsd + spend.reserved.costUsd).toFixed(4)} of $${costUsd} spent or in flight, $${needed.costUsd.toFixed(4)} needed`,
    ].filter((p) => p !== null);
    return `daily LLM budget of ${this.options.variantId} for ${day} exhausted (${parts.join('; ')})`;
  }
}

/** Everything that determines an answer: where it was asked, which model, the prompt and the parameters. */
export function cacheKey(endpoint: string, request: LlmRequest): string {
  const material = JSON.stringify([
    endpoint,
    request.model,
    request.system,
    request.prompt,
    request.temperature,
    request.maxOutputTokens,
    request.structured ?? null,
  ]);
  return createHash('sha256').update(material).digest('hex');
}
