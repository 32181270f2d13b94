// What the chain needs from a model provider: one answer to one prompt, with its token counts. The two
// adapters (OpenAI-compatible, Anthropic) wrap the official SDKs; timeouts and retries with backoff on
// 429, 5xx and network errors are the SDKs' own.
export interface LlmRequest {
  model: string;
  system: string;
  prompt: string;
  maxOutputTokens: number;
  /** null = the provider's default. */
  temperature: number | null;
  /** Ask for an object matching this JSON schema with the provider's native structured output. */
  structured?: { name: string; description: string; schema: Record<string, unknown> };
}

export interface LlmAnswer {
  /** The answer's text ('' when the provider answered with a structured object only). */
  text: string;
  /** The object of a native structured answer (Anthropic tool use); null otherwise. */
  structured: unknown;
  inputTokens: number;
  outputTokens: number;
  /** The model the provider says answered. */
  model: string;
}

export interface LlmClient {
  /** 'openai' or 'anthropic', plus the base URL: part of every cache key. */
  readonly endpoint: string;
  complete(request: LlmRequest, signal: AbortSignal): Promise<LlmAnswer>;
}

/** The provider could not give an answer (after the SDK's retries): the analyst's fallback applies. */
export class LlmUnavailableError extends Error {
  constructor(
    message: string,
    /** Retrying later may succeed (429, 5xx, network, timeout) — unlike a refused key or an unknown model. */
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LlmUnavailableError';
  }
}

export interface ClientOptions {
  baseUrl: string | null;
  apiKey: string;
  callTimeoutMs: number;
  maxRetries: number;
}

/** Maps an SDK error (both SDKs share the shape) to what the analyst does about it. */
export function unavailable(provider: string, error: unknown, retries: number): Error {
  if (!(error instanceof Error)) return new LlmUnavailableError(`${provider}: ${String(error)}`, true);
  // The SDKs' error classes do not set `name`; their constructors are the same in both.
  const kind = error.constructor.name;
  if (kind === 'APIUserAbortError' || error.name === 'AbortError') return error;
  const status = (error as { status?: unknown }).status;
  const after = retries > 0 ? ` after ${retries} retr${retries === 1 ? 'y' : 'ies'}` : '';
  if (typeof status === 'number') {
    const transient = status === 408 || status === 409 || status === 429 || status >= 500;
    return new LlmUnavailableError(
      `${provider} answered ${status}${transient ? after : ''}: ${firstLine(error.message)}`,
      transient,
      {
        cause: error,
      },
    );
  }
  const what = kind === 'APIConnectionTimeoutError' ? 'timed out' : 'unreachable';
  return new LlmUnavailableError(`${provider} ${what}${after}: ${firstLine(error.message)}`, true, {
    cause: error,
  });
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 200);
}
