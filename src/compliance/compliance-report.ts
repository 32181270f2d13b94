// The shapes of the order guard's answer: one result per rule, so a report is the intent's full
// compliance snapshot (JSON-serialisable, every number finite), plus what each rule check receives.
import type { AccountState } from './account-state.ts';
import type { FirmRules } from './firm-rules.ts';
import type { Limits } from './limits.ts';

export interface CompliancePlan {
  symbol: string;
  side: 'buy' | 'sell';
  lots: number;
  /** Money lost if this trade's stop and the stops of the positions already open are all hit. */
  riskAmount: number;
  purpose: 'entry' | 'exit';
}

export type RuleOutcome = 'pass' | 'reject' | 'info';

export interface RuleResult {
  rule: string;
  outcome: RuleOutcome;
  reason: string;
  numbers: Record<string, number>;
}

export interface ComplianceReport {
  passed: boolean;
  preset: string;
  at: number;
  results: RuleResult[];
}

export interface RuleContext {
  plan: CompliancePlan;
  state: AccountState;
  rules: FirmRules;
  limits: Limits;
  now: number;
}

export interface ComplianceRule {
  name: string;
  check: (context: RuleContext) => RuleResult;
}

export function result(
  rule: string,
  outcome: RuleOutcome,
  reason: string,
  numbers: Record<string, number> = {},
): RuleResult {
  return { rule, outcome, reason, numbers };
}
