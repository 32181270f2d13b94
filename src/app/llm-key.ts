// Where an LLM analyst's API key comes from, and whether it is there: the start refuses an analyst that
// would fail every call for want of a key (a local server, given by analyst.base_url, needs none).
import type { AnalystSettings } from '../config/analyst-schema.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** The environment variable holding the key: analyst.api_key_env, else the provider's usual one. */
export function llmKeyVariable(settings: Pick<AnalystSettings, 'provider' | 'api_key_env'>): string {
  return settings.api_key_env ?? (settings.provider === 'anthropic' ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY');
}

/** The variable the LLM chain needs and does not have, or null (set, or a local server that takes none). */
export function missingLlmKey(
  settings: Pick<AnalystSettings, 'provider' | 'api_key_env' | 'base_url'>,
  env: Env,
): string | null {
  const variable = llmKeyVariable(settings);
  return env[variable] || settings.base_url !== null ? null : variable;
}
