// The deterministic analyst: trades what the scanner proposed — its side, long or short — unless the
// scanner itself was not confident enough. It is the default, the backtest's, and the baseline an LLM chain must beat.
import type { EpochMs } from '../domain/ids.ts';
import { CONFIDENCES, type AnalystDecision, type Confidence, type TradeIntent } from '../domain/intent.ts';
import type { Analyst } from '../domain/ports/analyst.ts';

export class RulesAnalyst implements Analyst {
  readonly name = 'rules';
  readonly instant = true;

  /** `minConfidence`: the lowest scanner confidence traded ('low' trades every signal). */
  constructor(private readonly minConfidence: Confidence = 'low') {}

  async decide(intent: TradeIntent, _now: EpochMs): Promise<AnalystDecision> {
    const rank = (c: Confidence) => CONFIDENCES.length - CONFIDENCES.indexOf(c);
    const confident = rank(intent.scanner.confidence) >= rank(this.minConfidence);
    return {
      side: confident ? intent.scanner.side : 'HOLD',
      // A strategy's own levels go to the risk layer, which holds the stop inside its band.
      slPrice: confident ? (intent.scanner.stop ?? null) : null,
      tpPrice: confident ? (intent.scanner.target ?? null) : null,
      slPips: null,
      tpPips: null,
      riskReport: confident
        ? `scanner ${intent.scanner.confidence} confidence (score ${intent.scanner.score.toFixed(3)}): trade`
        : `scanner ${intent.scanner.confidence} confidence is below ${this.minConfidence}: hold`,
      agentState: { analyst: this.name, minConfidence: this.minConfidence },
    };
  }
}
