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
import type { AnalystFallback, OnAnalystFallback } from '../analyst/fallback-notice.ts';
import { FatalError } from '../domain/errors.ts';
import type { Analyst } from '../domain/ports/analyst.ts';
import type { MarketContext } from '../domain/ports/market-context.ts';
import { pipSizeFor } from './instrument-for.ts';
import { llmKeyVariable, missingLlmKey } from './llm-key.ts';

export interface AnalystWiring {
  /** Holds the LLM cache and the spend ledger. */
  store: MeteredModelOptions['store'];
  market: MarketContext;
  env?: Readonly<Record<string, string | undefined>>;
  /** Told each time a variant's LLM or HTTP analyst could not decide and its fallback did. */
  onFallback?: OnAnalystFallback;
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
    ...(wiring.onFallback ? { onFallback: fallbackOf(variant, wiring.onFallback) } : {}),
  };
  if (settings.kind === 'http') {
    // The schema refuses kind http without a URL.
    const url = settings.url as string;
    const token = serviceToken(config, variant, settings, wiring.env ?? process.env);
    return new HttpAnalyst(
      {
        url,
        ...(token === null ? {} : { token }),
        callTimeoutMs: toMs(settings.call_timeout_s),
        maxRetries: settings.max_retries,
      },
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
  const key = env[llmKeyVariable(settings)];
  const missing = missingLlmKey(settings, env);
  if (missing !== null) {
    throw new FatalError(
      'config',
      `${config.file ?? 'the configuration'}: variant ${variant.id} uses analyst.provider ${settings.provider}, which needs an API key in $${missing} (or analyst.base_url of a local server such as Ollama)`,
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

/** The analyst does not know its variant; its notices are told with it. */
function fallbackOf(variant: Variant, onFallback: OnAnalystFallback) {
  return (fallback: Omit<AnalystFallback, 'variantId'>) => onFallback({ ...fallback, variantId: variant.id });
}

/** The decision service's token from the variable analyst.token_env names; an unset one stops the start. */
function serviceToken(
  config: SigilConfig,
  variant: Variant,
  settings: AnalystSettings,
  env: Readonly<Record<string, string | undefined>>,
): string | null {
  if (settings.token_env === null) return null;
  const token = env[settings.token_env];
  if (!token) {
    throw new FatalError(
      'config',
      `${config.file ?? 'the configuration'}: variant ${variant.id}: analyst.token_env: the environment variable ${settings.token_env} is not set (secrets never go in the config file)`,
    );
  }
  return token;
}

/** Whole milliseconds: timers refuse 2009.9999999999998 (2.01 s × 1000). */
function toMs(seconds: number): number {
  return Math.max(1, Math.round(seconds * 1000));
}
