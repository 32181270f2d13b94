// An analyst proposes; it never orders. Rules, an LLM chain or an HTTP service sit behind this port.
import type { EpochMs } from '../ids.ts';
import type { AnalystDecision, TradeIntent } from '../intent.ts';

export interface Analyst {
  readonly name: string;
  decide(intent: TradeIntent, now: EpochMs, signal?: AbortSignal): Promise<AnalystDecision>;
}
