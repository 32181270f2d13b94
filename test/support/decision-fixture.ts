// The analyst's plainest yes: buy, no stop or target of its own (the risk layer places them), no report.
import type { AnalystDecision } from '../../src/domain/intent.ts';

export const PLAIN_BUY: AnalystDecision = {
  side: 'BUY',
  slPrice: null,
  tpPrice: null,
  slPips: null,
  tpPips: null,
  riskReport: '',
  agentState: null,
};
