// What the LLM chain and the HTTP analyst share: the market brief they are given, the decision timeout,
// the sample, and the one place where every way of not getting a verdict — budget, outage, timeout,
// unreadable answer — becomes the configured fallback, said on the intent.
import type { Fallback } from '../config/analyst-schema.ts';
import type { AnalystFallback } from './fallback-notice.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { AnalystDecision, TradeIntent } from '../domain/intent.ts';
import { DecideLaterError, type Analyst } from '../domain/ports/analyst.ts';
import type { MarketContext } from '../domain/ports/market-context.ts';
import { LlmUnavailableError } from './llm/llm-client.ts';
import { BRIEF_HISTORY, marketBrief, type MarketBrief } from './market-brief.ts';
import { inSample } from './sampling.ts';
import { secretFree, secretFreeText } from './secret-free.ts';
import { totalsOf, type AgentState, type DecisionSource, type TranscriptEntry } from './transcript.ts';
import type { Verdict, VerdictContext } from './verdict.ts';

export interface RemoteAnalystOptions {
  market: MarketContext;
  /** Candles shown in the brief. */
  candles: number;
  decisionTimeoutMs: number;
  fallback: Fallback;
  /** Decides the intents outside the sample, and the fallback 'rules'. */
  rules: Analyst;
  sample: number;
  pipSize: (symbol: string) => number | null;
  /** Told each time the fallback decides (rules or hold) because no verdict could be had. */
  onFallback?: (fallback: Omit<AnalystFallback, 'variantId'>) => void;
}

/** The answer held no verdict that could be read, even after asking again. */
export class UnreadableVerdictError extends Error {
  constructor(reason: string) {
    super(`verdict unreadable: ${reason}`);
    this.name = 'UnreadableVerdictError';
  }
}

export abstract class RemoteAnalyst implements Analyst {
  abstract readonly name: 'llm' | 'http';
  readonly instant = false;
  abstract readonly endpoint: string;
  /** The source of a verdict that came back; the LLM chain says 'cache' when no call went out. */
  protected abstract consult(
    intent: TradeIntent,
    brief: MarketBrief,
    levels: VerdictContext,
    now: EpochMs,
    signal: AbortSignal,
    transcript: TranscriptEntry[],
  ): Promise<{ verdict: Verdict; source: DecisionSource }>;

  constructor(protected readonly remote: RemoteAnalystOptions) {}

  async decide(intent: TradeIntent, now: EpochMs, signal?: AbortSignal): Promise<AnalystDecision> {
    if (!inSample(intent, this.remote.sample)) {
      return this.fallBack(intent, now, 'sampled_out', `outside the ${this.remote.sample} sample`, [], 0);
    }
    const started = performance.now();
    const deadline = AbortSignal.timeout(this.remote.decisionTimeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    const transcript: TranscriptEntry[] = [];
    const history = await this.remote.market.recentCandles(
      intent.symbol,
      now,
      Math.max(BRIEF_HISTORY, this.remote.candles),
    );
    const brief = marketBrief(intent, history, this.remote.candles);
    const levels = { referencePrice: brief.referencePrice, pipSize: this.remote.pipSize(intent.symbol) };
    try {
      const { verdict, source } = await this.consult(intent, brief, levels, now, combined, transcript);
      const state: AgentState = {
        analyst: this.name,
        source,
        endpoint: this.endpoint,
        transcript,
        totals: totalsOf(transcript, Math.round(performance.now() - started)),
        verdict,
      };
      return secretFree(decisionOf(verdict, state));
    } catch (error) {
      if (signal?.aborted) throw error;
      let reason: string;
      if (deadline.aborted) reason = `no decision within ${this.remote.decisionTimeoutMs / 1000} s`;
      else if (error instanceof LlmUnavailableError || error instanceof UnreadableVerdictError) {
        reason = error.message;
      } else throw error;
      return this.fallBack(intent, now, 'fallback', reason, transcript, performance.now() - started);
    }
  }

  /** The decision without the remote service; what it stores and reports is free of secrets. */
  private async fallBack(
    intent: TradeIntent,
    now: EpochMs,
    source: 'fallback' | 'sampled_out',
    rawReason: string,
    transcript: TranscriptEntry[],
    latencyMs: number,
  ): Promise<AnalystDecision> {
    const reason = secretFreeText(rawReason);
    const policy = source === 'sampled_out' ? 'rules' : this.remote.fallback;
    if (policy === 'retry')
      throw new DecideLaterError(`${this.name} analyst: ${reason}; fallback: retry later`);
    if (source === 'fallback') {
      this.remote.onFallback?.({ analyst: this.name, endpoint: this.endpoint, reason, policy, at: now });
    }
    const state: AgentState = {
      analyst: this.name,
      source,
      fallbackReason: reason,
      endpoint: this.endpoint,
      transcript,
      totals: totalsOf(transcript, Math.round(latencyMs)),
    };
    const note =
      source === 'sampled_out'
        ? `${reason}: rules analyst`
        : `${this.name} analyst: ${reason}; fallback: ${policy}`;
    if (policy === 'hold') {
      return secretFree({
        side: 'HOLD',
        slPrice: null,
        tpPrice: null,
        slPips: null,
        tpPips: null,
        riskReport: `HOLD: ${note}`,
        agentState: state,
        note,
      });
    }
    const decision = await this.remote.rules.decide(intent, now);
    return secretFree({
      ...decision,
      riskReport: `${decision.riskReport} (${note})`,
      agentState: { ...state, fallbackState: decision.agentState },
      note,
    });
  }
}

function decisionOf(verdict: Verdict, state: AgentState): AnalystDecision {
  const confidence = verdict.confidence === null ? '' : ` (confidence ${verdict.confidence.toFixed(2)})`;
  const notes = verdict.notes.length > 0 ? `\nNotes: ${verdict.notes.join('; ')}` : '';
  return {
    side: verdict.side,
    slPrice: verdict.stopLoss,
    tpPrice: verdict.takeProfit,
    slPips: verdict.stopLossPips,
    tpPips: verdict.takeProfitPips,
    riskReport: `${verdict.side}${confidence}: ${verdict.rationale}${notes}`,
    agentState: state,
    ...(state.source === 'cache' ? { note: 'from the LLM cache' } : {}),
  };
}
