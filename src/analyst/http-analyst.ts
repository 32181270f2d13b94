// An external decision service (for example a wrapper around TradingAgents): the intent and its market
// brief are POSTed as JSON, the answer is read with the same verdict rules as the LLM chain's. Each
// request has its own timeout; 429, 5xx and network errors are retried with exponential backoff,
// honouring Retry-After.
import { setTimeout as delay } from 'node:timers/promises';
import type { EpochMs } from '../domain/ids.ts';
import type { TradeIntent } from '../domain/intent.ts';
import { redactSecrets, withoutCredentials } from '../logging/redaction.ts';
import { LlmUnavailableError } from './llm/llm-client.ts';
import type { MarketBrief } from './market-brief.ts';
import { RemoteAnalyst, UnreadableVerdictError, type RemoteAnalystOptions } from './remote-analyst.ts';
import type { DecisionSource, TranscriptEntry } from './transcript.ts';
import { readVerdict, type Verdict, type VerdictContext } from './verdict.ts';

export interface HttpAnalystOptions {
  url: string;
  /** Sent as `Authorization: Bearer`; from the variable analyst.token_env names, never the config. */
  token?: string;
  callTimeoutMs: number;
  maxRetries: number;
  /** First backoff; doubles each retry (tests shorten it). */
  backoffMs?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const MAX_BACKOFF_MS = 30_000;

export class HttpAnalyst extends RemoteAnalyst {
  readonly name = 'http';
  readonly endpoint: string;

  constructor(
    private readonly http: HttpAnalystOptions,
    remote: RemoteAnalystOptions,
  ) {
    super(remote);
    // Recorded on every decision: never a credential, should one have got into the URL.
    this.endpoint = `http:${withoutCredentials(http.url)}`;
  }

  protected async consult(
    intent: TradeIntent,
    brief: MarketBrief,
    levels: VerdictContext,
    now: EpochMs,
    signal: AbortSignal,
    transcript: TranscriptEntry[],
  ): Promise<{ verdict: Verdict; source: DecisionSource }> {
    const body = JSON.stringify({
      intent: {
        id: intent.id,
        variant: intent.variantId,
        symbol: intent.symbol,
        tradeDate: intent.tradeDate,
        source: intent.source,
        scanner: intent.scanner,
        atrAtSignal: intent.atrAtSignal,
      },
      market: { referencePrice: brief.referencePrice, indicators: brief.indicators, candles: brief.candles },
      now: new Date(now).toISOString(),
    });
    const started = performance.now();
    const answer = await this.post(body, signal);
    transcript.push({
      role: 'http',
      model: withoutCredentials(this.http.url),
      system: '',
      prompt: body,
      text: answer,
      structured: null,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      latencyMs: Math.round(performance.now() - started),
      cached: false,
    });
    const read = readVerdict(answer, levels);
    if (!read.ok) throw new UnreadableVerdictError(read.reason);
    return { verdict: read.verdict, source: 'http' };
  }

  private redact(text: string): string {
    return redactSecrets(text, [this.http.token]);
  }

  private async post(body: string, signal: AbortSignal): Promise<string> {
    const { maxRetries } = this.http;
    const sleep = this.http.sleep ?? ((ms: number, s: AbortSignal) => delay(ms, undefined, { signal: s }));
    for (let attempt = 0; ; attempt++) {
      let retryAfterMs: number | null = null;
      let problem: string;
      // A timer we hold, not AbortSignal.timeout: a timeout signal referenced only from inside
      // AbortSignal.any can be garbage-collected before it fires (nodejs/node#57736).
      const callTimeout = new AbortController();
      const timer = setTimeout(
        () => callTimeout.abort(new DOMException('the call timed out', 'TimeoutError')),
        this.http.callTimeoutMs,
      );
      try {
        const response = await fetch(this.http.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            ...(this.http.token === undefined ? {} : { authorization: `Bearer ${this.http.token}` }),
          },
          body,
          signal: AbortSignal.any([signal, callTimeout.signal]),
        });
        const text = await response.text();
        if (response.ok) return text;
        // Redacted before it is cut: a service may quote the token back, and a cut one would survive.
        problem = `answered ${response.status}: ${this.redact(text).slice(0, 200)}`;
        const transient = response.status === 408 || response.status === 429 || response.status >= 500;
        if (!transient) throw new LlmUnavailableError(`decision service ${problem}`, false);
        retryAfterMs = retryAfter(response.headers.get('retry-after'));
      } catch (error) {
        if (signal.aborted || error instanceof LlmUnavailableError) throw error;
        const timedOut = error instanceof Error && error.name === 'TimeoutError';
        problem = timedOut
          ? `timed out after ${this.http.callTimeoutMs / 1000} s`
          : `unreachable: ${this.redact(causeOf(error))}`;
      } finally {
        clearTimeout(timer);
      }
      if (attempt >= maxRetries) {
        const after = maxRetries > 0 ? ` after ${maxRetries} retr${maxRetries === 1 ? 'y' : 'ies'}` : '';
        throw new LlmUnavailableError(`decision service ${problem}${after}`, true);
      }
      const backoff = Math.min(MAX_BACKOFF_MS, (this.http.backoffMs ?? 500) * 2 ** attempt);
      await sleep(retryAfterMs ?? backoff, signal);
    }
  }
}

function retryAfter(header: string | null): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(MAX_BACKOFF_MS, seconds * 1000) : null;
}

function causeOf(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
