// What each role of the chain is told. Prompts are pure functions of the intent, the market brief and
// what earlier roles said, so the same intent on the same data asks the same questions: that is what
// makes the response cache reproduce a decision.
import type { ChainRole } from '../../config/analyst-schema.ts';
import type { MarketBrief } from '../market-brief.ts';

export interface ChainNotes {
  market?: string;
  debate: { round: number; bull?: string; bear?: string }[];
  trader?: string;
  riskManager?: string;
}

const DESK = 'You are part of the analysis desk of an automated trading system.';
const BRIEF_ONLY =
  'Use only the data given here; do not invent news or figures. Be concise (at most 200 words).';

export const ROLE_SYSTEM: Record<ChainRole | 'verdict', string> = {
  market: `${DESK} You are the market analyst: read price action and the indicators and report trend, momentum, volatility and the key levels. ${BRIEF_ONLY}`,
  bull: `${DESK} You are the bull researcher: make the strongest evidence-based case for going long now, and answer the bear's points. ${BRIEF_ONLY}`,
  bear: `${DESK} You are the bear researcher: make the strongest evidence-based case against going long now (or for going short), and answer the bull's points. ${BRIEF_ONLY}`,
  trader: `${DESK} You are the trader: weigh the debate and propose BUY, SELL or HOLD with a stop-loss and a take-profit price, justified by the ATR and the key levels. Do not size the position. ${BRIEF_ONLY}`,
  risk_manager: `${DESK} You are the risk manager: review the trader's proposal for what can go wrong — stop too tight or too wide for the ATR, trading into a level, chasing an extended move — and say whether to proceed, adjust or stand aside. ${BRIEF_ONLY}`,
  verdict: `${DESK} You are the portfolio manager and give the final verdict. Answer with one JSON object only: side (BUY, SELL or HOLD), confidence (0 to 1), stop_loss and take_profit as prices (or stop_loss_pips and take_profit_pips; null where not given), and a short rationale. Never a position size: the risk layer sizes trades.`,
};

/**
 * The question a role answers: the proposal, the brief, and everything said so far (the caller adds
 * each answer to `notes` as it comes, so a role sees exactly the roles before it).
 */
export function rolePrompt(role: ChainRole | 'verdict', brief: MarketBrief, notes: ChainNotes): string {
  const price = brief.referencePrice ?? 'the market';
  const parts = [`Proposal: the scanner proposes to BUY ${brief.symbol} at about ${price}.`, '', brief.text];
  if (notes.market) parts.push('', `Market analyst's report:\n${notes.market}`);
  for (const turn of notes.debate) {
    if (turn.bull) parts.push('', `Bull, round ${turn.round}:\n${turn.bull}`);
    if (turn.bear) parts.push('', `Bear, round ${turn.round}:\n${turn.bear}`);
  }
  if (notes.trader) parts.push('', `Trader's proposal:\n${notes.trader}`);
  if (notes.riskManager) parts.push('', `Risk manager's review:\n${notes.riskManager}`);
  parts.push('', TASK[role]);
  return parts.join('\n');
}

const TASK: Record<ChainRole | 'verdict', string> = {
  market: 'Write your market report.',
  bull: 'Make the bull case.',
  bear: 'Make the bear case.',
  trader: 'Give your proposal: BUY, SELL or HOLD, with stop-loss and take-profit prices.',
  risk_manager: 'Give your review.',
  verdict:
    'Give the final verdict as a JSON object with the keys side, confidence, stop_loss, take_profit, stop_loss_pips, take_profit_pips, rationale.',
};

/** Asked once when the verdict could not be read. */
export function repairPrompt(previousPrompt: string, answer: string, problem: string): string {
  return [
    previousPrompt,
    '',
    `Your previous answer could not be used (${problem}):`,
    answer.slice(0, 2000),
    '',
    'Answer again with only the JSON object, no other text.',
  ].join('\n');
}
