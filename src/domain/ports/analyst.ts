// An analyst proposes; it never orders. Rules, an LLM chain or an HTTP service sit behind this port.
import type { EpochMs } from '../ids.ts';
import type { AnalystDecision, TradeIntent } from '../intent.ts';

export interface Analyst {
  readonly name: string;
  /**
   * Decides without I/O (the rules analyst): it may run inside a replay bar's transaction. An analyst
   * that waits on a provider must not hold that transaction open, nor write its own ledger through
   * another connection while it is held.
   */
  readonly instant: boolean;
  decide(intent: TradeIntent, now: EpochMs, signal?: AbortSignal): Promise<AnalystDecision>;
}

/**
 * The analyst cannot decide now and its policy is to try again later (fallback: retry): the worker hands
 * the intent back to the queue, or fails it once its claims are used up.
 */
export class DecideLaterError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'DecideLaterError';
  }
}
