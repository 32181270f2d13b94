// The analyst section of a variant: which analyst decides its intents (rules, an LLM chain, an HTTP
// service), and for the remote ones their models, limits, budget and what happens when they cannot answer.
// Flat on purpose: a variant overlay replaces whole keys, so nothing here nests.
import { z } from 'zod';
import { CONFIDENCES } from '../domain/intent.ts';
import { credentialFreeUrl, envName } from './secret-keys.ts';

export const ANALYST_KINDS = ['rules', 'llm', 'http'] as const;
export const LLM_PROVIDERS = ['openai', 'anthropic'] as const;
/** The chain's roles before the final verdict, in the order they speak. */
export const CHAIN_ROLES = ['market', 'bull', 'bear', 'trader', 'risk_manager'] as const;
export type ChainRole = (typeof CHAIN_ROLES)[number];
export const FALLBACKS = ['rules', 'hold', 'retry'] as const;
export type Fallback = (typeof FALLBACKS)[number];

const ModelPriceSchema = z.strictObject({
  input_per_mtok: z.number().min(0).describe('USD per million input tokens.'),
  output_per_mtok: z.number().min(0).describe('USD per million output tokens.'),
});

export const AnalystSchema = z.strictObject({
  kind: z
    .enum(ANALYST_KINDS)
    .default('rules')
    .describe('rules: deterministic; llm: the multi-agent LLM chain; http: an external decision service.'),
  min_confidence: z
    .enum(CONFIDENCES)
    .default('low')
    .describe('Lowest scanner confidence the rules analyst (and the rules fallback) trades; below it, HOLD.'),
  provider: z
    .enum(LLM_PROVIDERS)
    .default('openai')
    .describe(
      'openai: any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, OpenRouter, LM Studio); anthropic.',
    ),
  base_url: credentialFreeUrl(
    'put the API key in the environment variable analyst.api_key_env names (default OPENAI_API_KEY or ANTHROPIC_API_KEY)',
  )
    .nullable()
    .default(null)
    .describe(
      "The provider's API URL, e.g. http://127.0.0.1:11434/v1 for Ollama; null = the provider's own.",
    ),
  api_key_env: envName('OPENAI_API_KEY')
    .nullable()
    .default(null)
    .describe('Environment variable holding the API key; null = OPENAI_API_KEY or ANTHROPIC_API_KEY.'),
  quick_model: z
    .string()
    .min(1)
    .default('gpt-4o-mini')
    .describe('Model of the market, debate and trader roles.'),
  deep_model: z
    .string()
    .min(1)
    .default('gpt-4o')
    .describe('Model of the risk manager and the final verdict.'),
  temperature: z.number().min(0).max(2).nullable().default(0).describe('null = the provider default.'),
  max_output_tokens: z.int().min(16).max(32_000).default(800).describe('Cap on each answer.'),
  structured_output: z
    .boolean()
    .default(true)
    .describe(
      "Ask for the verdict with the provider's structured output (JSON schema, tool use); false = JSON in the prompt, repaired when needed.",
    ),
  roles: z
    .array(z.enum(CHAIN_ROLES))
    .default([...CHAIN_ROLES])
    .refine((roles) => new Set(roles).size === roles.length, 'expected each role once')
    .describe('Roles that speak before the final verdict (market, bull, bear, trader, risk_manager).'),
  debate_rounds: z.int().min(0).max(5).default(1).describe('Rounds of the bull and bear debate.'),
  candles: z.int().min(5).max(500).default(30).describe('Recent candles shown to the market analyst.'),
  call_timeout_s: z
    .number()
    .positive()
    .default(60)
    .describe('Per call (one model answer, or one HTTP request).'),
  decision_timeout_s: z
    .number()
    .positive()
    .default(600)
    .describe('Per decision, all calls and retries included.'),
  max_retries: z
    .int()
    .min(0)
    .max(10)
    .default(2)
    .describe('Retries of a call on 429, 5xx and network errors, with backoff.'),
  prices: z
    .record(z.string().min(1), ModelPriceSchema)
    .default({})
    .describe('Per model: USD per million input and output tokens, for cost figures and the cost budget.'),
  daily_token_budget: z
    .int()
    .positive()
    .nullable()
    .default(null)
    .describe('Tokens a variant may spend per UTC day.'),
  daily_cost_budget_usd: z
    .number()
    .positive()
    .nullable()
    .default(null)
    .describe('USD a variant may spend per UTC day.'),
  fallback: z
    .enum(FALLBACKS)
    .default('rules')
    .describe(
      'When the LLM or service cannot decide (budget, outage, unreadable verdict): rules, hold, or retry later.',
    ),
  fallback_ok: z
    .boolean()
    .default(false)
    .describe(
      "A backtest, ab or replay in which every decision of this llm or http analyst fell back still exits 0; by default it exits 1, as its result is not the analyst's.",
    ),
  cache: z
    .boolean()
    .default(true)
    .describe('Reuse stored answers to identical prompts: re-runs and backtests are free.'),
  sample: z
    .number()
    .gt(0)
    .max(1)
    .default(1)
    .describe(
      'Fraction of intents the LLM or service decides (deterministic by intent); the rest go to the rules analyst.',
    ),
  url: credentialFreeUrl(
    'put a token in the environment variable analyst.token_env names (sent as a bearer token)',
  )
    .nullable()
    .default(null)
    .describe('kind http: the decision service the intent is POSTed to.'),
  token_env: envName('SIGIL_ANALYST_TOKEN')
    .nullable()
    .default(null)
    .describe(
      'kind http: environment variable holding a token sent to the service as a bearer token (Authorization header); null = none.',
    ),
});
export type AnalystSettings = z.infer<typeof AnalystSchema>;

/** Checks across keys, on a variant's merged settings. */
export function checkAnalyst(analyst: AnalystSettings, context: z.RefinementCtx): void {
  const problem = (key: keyof AnalystSettings, message: string) =>
    context.addIssue({ code: 'custom', message, input: analyst[key], path: ['analyst', key] });
  if (analyst.kind === 'http' && analyst.url === null)
    problem('url', 'kind http needs the URL of the service');
  if (analyst.kind === 'llm' && analyst.daily_cost_budget_usd !== null) {
    const unpriced = [analyst.quick_model, analyst.deep_model].filter((m) => !(m in analyst.prices));
    if (unpriced.length > 0) {
      problem('prices', `a cost budget needs the price of ${[...new Set(unpriced)].join(' and ')}`);
    }
  }
}
