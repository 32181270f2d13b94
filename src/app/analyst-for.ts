// A variant's analyst from its settings: the rules analyst, the LLM chain on the configured provider,
// or the HTTP decision service — the remote ones with the rules analyst as their fallback and sample.
import type { SigilConfig, Variant } from '../config/load-config.ts';
import { RulesAnalyst } from '../analyst/rules-analyst.ts';
import { HttpAnalyst } from '../analyst/http-analyst.ts';
import { AnthropicClient } from '../analyst/llm/anthropic-client.ts';
import type { LlmClient } from '../analyst/llm/llm-client.ts';
import { LlmAnalyst } from '../analyst/llm/llm-analyst.ts';
import { MeteredModel, type MeteredModelOptions } from '../analyst/llm/metered-model.ts';
import { OpenAiClient } from '../analyst/llm/openai-client.ts';
import type { AnalystSettings } from '../config/analyst-schema.ts';
import { FatalError } from '../domain/errors.ts';
import type { Analyst } from '../domain/ports/analyst.ts';
import type { MarketContext } from '../domain/ports/market-context.ts';
import { pipSizeFor } from './instrument-for.ts';

export interface AnalystWiring {
  /** Holds the LLM cache and the spend ledger. */
  store: MeteredModelOptions['store'];
  market: MarketContext;
  env?: Readonly<Record<string, string | undefined>>;
}

export function analystFor(config: SigilConfig, variant: Variant, wiring: AnalystWiring): Analyst {
  const settings = variant.settings.analyst;
  const rules = new RulesAnalyst(settings.min_confidence);
  if (settings.kind === 'rules') return rules;
  const remote = {
    market: wiring.market,
    candles: settings.candles,
    decisionTimeoutMs: toMs(settings.decision_timeout_s),
    fallback: settings.fallback,
    rules,
    sample: settings.sample,
    pipSize: (symbol: string) => pipSizeFor(config.market, symbol),
  };
  if (settings.kind === 'http') {
    // The schema refuses kind http without a URL.
    const url = settings.url as string;
    return new HttpAnalyst(
      { url, callTimeoutMs: toMs(settings.call_timeout_s), maxRetries: settings.max_retries },
      remote,
    );
  }
  const model = new MeteredModel({
    client: llmClient(config, variant, settings, wiring.env ?? process.env),
    store: wiring.store,
    variantId: variant.id,
    limits: { tokens: settings.daily_token_budget, costUsd: settings.daily_cost_budget_usd },
    prices: settings.prices,
    cache: settings.cache,
  });
  return new LlmAnalyst(model, settings, remote);
}

function llmClient(
  config: SigilConfig,
  variant: Variant,
  settings: AnalystSettings,
  env: Readonly<Record<string, string | undefined>>,
): LlmClient {
  const keyName =
    settings.api_key_env ?? (settings.provider === 'anthropic' ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY');
  const key = env[keyName];
  if (!key && settings.base_url === null) {
    throw new FatalError(
      'config',
      `${config.file ?? 'the configuration'}: variant ${variant.id} uses analyst.provider ${settings.provider}, which needs an API key in $${keyName} (or analyst.base_url of a local server such as Ollama)`,
    );
  }
  const options = {
    baseUrl: settings.base_url,
    // Local servers (Ollama, vLLM, LM Studio) take no key, but the SDKs insist on one.
    apiKey: key || 'no-key',
    callTimeoutMs: toMs(settings.call_timeout_s),
    maxRetries: settings.max_retries,
  };
  return settings.provider === 'anthropic' ? new AnthropicClient(options) : new OpenAiClient(options);
}

/** Whole milliseconds: timers refuse 2009.9999999999998 (2.01 s × 1000). */
function toMs(seconds: number): number {
  return Math.max(1, Math.round(seconds * 1000));
}
