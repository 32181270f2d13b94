// The audit of an LLM or HTTP decision, stored as the intent's agent state: every call with its prompt,
// answer, tokens, cost and latency, and where the decision came from.
export const DECISION_SOURCES = ['llm', 'cache', 'http', 'fallback', 'sampled_out', 'rules'] as const;
/** llm: at least one live model call; cache: every answer from the cache; fallback: the LLM or service could not decide. */
export type DecisionSource = (typeof DECISION_SOURCES)[number];

export interface TranscriptEntry {
  /** market, bull, bear, trader, risk_manager, verdict, verdict_retry, or http. */
  role: string;
  /** Debate round, from 1, for bull and bear. */
  round?: number;
  model: string;
  system: string;
  prompt: string;
  text: string;
  structured: unknown;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latencyMs: number;
  cached: boolean;
}

export interface AgentState {
  analyst: 'llm' | 'http';
  source: DecisionSource;
  /** Why the fallback decided, when it did. */
  fallbackReason?: string;
  endpoint: string;
  transcript: TranscriptEntry[];
  totals: {
    calls: number;
    cachedCalls: number;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
    latencyMs: number;
  };
  verdict?: unknown;
  /** The fallback analyst's own state, when it decided. */
  fallbackState?: unknown;
}

/** True for the state an LLM or HTTP analyst stored on the intent (the rules analyst stores none). */
export function isAgentState(state: unknown): state is AgentState {
  return typeof state === 'object' && state !== null && Array.isArray((state as AgentState).transcript);
}

export function totalsOf(transcript: readonly TranscriptEntry[], latencyMs: number): AgentState['totals'] {
  return {
    calls: transcript.length,
    cachedCalls: transcript.filter((e) => e.cached).length,
    inputTokens: transcript.reduce((n, e) => n + e.inputTokens, 0),
    outputTokens: transcript.reduce((n, e) => n + e.outputTokens, 0),
    costUsd: transcript.reduce((n, e) => n + e.costUsd, 0),
    latencyMs,
  };
}

/** The source recorded in an intent's agent state, or 'rules' for the deterministic analyst. */
export function decisionSourceOf(agentState: unknown): DecisionSource | null {
  if (typeof agentState !== 'object' || agentState === null) return null;
  const state = agentState as { source?: unknown; analyst?: unknown };
  if (typeof state.source === 'string' && (DECISION_SOURCES as readonly string[]).includes(state.source)) {
    return state.source as DecisionSource;
  }
  return state.analyst === 'rules' ? 'rules' : null;
}
