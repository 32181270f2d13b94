// The compliance gate before every order: runs every prop-firm rule against the plan and the account
// state, and returns the full snapshot. Exits are only held to the request budget: closing a position
// must never be blocked by the rules that exist to limit risk.
import type { AccountState } from './account-state.ts';
import {
  result,
  type ComplianceReport,
  type CompliancePlan,
  type ComplianceRule,
  type RuleResult,
} from './compliance-report.ts';
import { maxLotsPerOrderRule, maxOpenOrdersRule, maxOpenPositionsRule } from './exposure-rules.ts';
import type { FirmRules } from './firm-rules.ts';
import { limitsOf } from './limits.ts';
import { dailyLossRule, maxLossRule } from './loss-rules.ts';
import { newsBlackoutRule } from './news-blackout.ts';
import { bestDayRule, minTradingDaysRule, profitTargetRule } from './objective-rules.ts';
import { requestBudgetRule } from './request-budget.ts';
import { minHoldRule, shortTradesRule } from './trade-style-rules.ts';

export type { ComplianceReport, CompliancePlan, RuleOutcome, RuleResult } from './compliance-report.ts';

/** In report order; every rule always yields one result. */
export const COMPLIANCE_RULES: readonly ComplianceRule[] = [
  dailyLossRule,
  maxLossRule,
  profitTargetRule,
  bestDayRule,
  minTradingDaysRule,
  requestBudgetRule,
  shortTradesRule,
  minHoldRule,
  maxOpenPositionsRule,
  maxOpenOrdersRule,
  maxLotsPerOrderRule,
  newsBlackoutRule,
];

const RULES_FOR_EXITS: ReadonlySet<ComplianceRule> = new Set([requestBudgetRule]);

export function checkCompliance(
  plan: CompliancePlan,
  state: AccountState,
  rules: FirmRules,
  now: number,
): ComplianceReport {
  const context = { plan, state, rules, limits: limitsOf(state, rules), now };
  const results: RuleResult[] = COMPLIANCE_RULES.map((rule) =>
    plan.purpose === 'exit' && !RULES_FOR_EXITS.has(rule)
      ? result(rule.name, 'pass', 'exits are always allowed')
      : rule.check(context),
  );
  return {
    passed: results.every((r) => r.outcome !== 'reject'),
    preset: rules.name,
    at: now,
    results,
  };
}
