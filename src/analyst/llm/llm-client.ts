// What the chain needs from a model provider: one answer to one prompt, with its token counts. The two
// adapters (OpenAI-compatible, Anthropic) wrap the official SDKs; timeouts and retries with backoff on
// 429, 5xx and network errors are the SDKs' own.
import { redactSecrets } from '../../logging/redaction.ts';

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

/**
 * Maps an SDK error (both SDKs share the shape) to what the analyst does about it. The message is kept
 * on the intent and printed, so it is redacted: a proxy may quote the key (`secrets`) back.
 */
export function unavailable(
  provider: string,
  error: unknown,
  retries: number,
  secrets: readonly string[] = [],
): Error {
  if (!(error instanceof Error)) {
    return new LlmUnavailableError(`${provider}: ${firstLine(String(error), secrets)}`, true);
  }
  // The SDKs' error classes do not set `name`; their constructors are the same in both.
  const kind = error.constructor.name;
  if (kind === 'APIUserAbortError' || error.name === 'AbortError') return error;
  const status = (error as { status?: unknown }).status;
  const after = retries > 0 ? ` after ${retries} retr${retries === 1 ? 'y' : 'ies'}` : '';
  if (typeof status === 'number') {
    const transient = status === 408 || status === 409 || status === 429 || status >= 500;
    return new LlmUnavailableError(
      `${provider} answered ${status}${transient ? after : ''}: ${firstLine(error.message, secrets)}`,
      transient,
      {
        cause: error,
      },
    );
  }
  const what = kind === 'APIConnectionTimeoutError' ? 'timed out' : 'unreachable';
  const cause = networkCause(error);
  const why = cause ? ` (${cause})` : '';
  return new LlmUnavailableError(
    `${provider} ${what}${after}: ${firstLine(error.message, secrets)}${why}`,
    true,
    {
      cause: error,
    },
  );
}

/** The SDKs say only "Connection error."; the system's code under it tells a stopped server from a wrong host. */
const NETWORK_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
};

/**
 * What lies under the SDK's error (SDK error → fetch error → socket error): the first system code like
 * ECONNREFUSED, in words, else the innermost message (fetch's own refusals, e.g. "bad port").
 */
function networkCause(error: Error): string | null {
  let innermost: Error = error;
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return `${NETWORK_CODES[code] ?? code}, ${code}`;
    innermost = e;
  }
  return innermost === error ? null : firstLine(innermost.message);
}

/** Redacted before it is cut, so no part of a secret survives the cut. */
function firstLine(text: string, secrets: readonly string[] = []): string {
  return (redactSecrets(text, secrets).split('\n')[0] ?? '').slice(0, 200);
}
