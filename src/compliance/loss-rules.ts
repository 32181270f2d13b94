// Guard rules daily_loss and max_loss: reject an entry whose stop, if hit together with the stops of the
// positions already open, would take equity to Sigil's act level (the safety margin before the firm's
// level), not only past the firm's level itself.
import type { ComplianceRule, RuleContext, RuleResult } from './compliance-report.ts';
import { result } from './compliance-report.ts';
import { money } from './format.ts';
import { dailyLimit, maxLossLimit, type LossLimit } from './limits.ts';
import { describeDailyLimit, describeMaxLossLimit } from './loss-limit-text.ts';

function checkStopAgainst(
  rule: string,
  limit: LossLimit | null,
  text: string,
  context: RuleContext,
): RuleResult {
  if (!limit) return result(rule, 'pass', 'off');
  const { riskAmount } = context.plan;
  // Without a known, finite loss at the stop no level can be checked, and an unknown risk is not zero.
  if (!Number.isFinite(riskAmount) || riskAmount < 0) {
    return result(rule, 'reject', 'the plan has no finite risk amount (money lost at the stop) to check');
  }
  const { equity } = context.state;
  const equityAtStop = equity - riskAmount;
  const numbers = { equity, riskAmount, equityAtStop, actLevel: limit.actLevel, lossLevel: limit.level };
  const arithmetic = `equity ${money(equity)} − risk ${money(riskAmount)} = ${money(equityAtStop)}`;
  const levels = `act level ${money(limit.actLevel)}, firm level ${money(limit.level)}; ${text}`;
  return equityAtStop <= limit.actLevel
    ? result(rule, 'reject', `${arithmetic} would reach the ${levels}`, numbers)
    : result(rule, 'pass', `${arithmetic} stays above the ${levels}`, numbers);
}

export const dailyLossRule: ComplianceRule = {
  name: 'daily_loss',
  check: (context) => {
    const limit = dailyLimit(context.state, context.rules);
    const text = limit ? describeDailyLimit(limit, context.rules, context.state.initialBalance) : '';
    return checkStopAgainst('daily_loss', limit, text, context);
  },
};

export const maxLossRule: ComplianceRule = {
  name: 'max_loss',
  check: (context) => {
    const limit = maxLossLimit(context.state, context.rules);
    const text = limit ? describeMaxLossLimit(limit, context.rules, context.state.initialBalance) : '';
    return checkStopAgainst('max_loss', limit, text, context);
  },
};
