// Guard rule request_budget: the firm's per-day call limits, counted per counter (all calls, SL/TP and
// order modifications, positions opened). Entries stop at the safety margin or where only the reserve
// is left, whichever comes first; exits may spend up to the full limit, since closing positions is the
// emergency the reserve exists for.
import { result, type ComplianceRule, type CompliancePlan } from './compliance-report.ts';
import type { FirmRules } from './firm-rules.ts';
import { count, percent } from './format.ts';
import type { RequestCounts } from './account-state.ts';

interface Counter {
  key: keyof RequestCounts;
  limitOf: (rules: FirmRules) => number;
  /** Calls an order of each purpose spends on this counter: an entry is an order plus its SL/TP call. */
  cost: Record<CompliancePlan['purpose'], number>;
}

const COUNTERS: readonly Counter[] = [
  { key: 'all', limitOf: (r) => r.requests.allPerDay, cost: { entry: 2, exit: 1 } },
  { key: 'modifications', limitOf: (r) => r.requests.modificationsPerDay, cost: { entry: 0, exit: 0 } },
  { key: 'positions', limitOf: (r) => r.requests.positionsPerDay, cost: { entry: 1, exit: 0 } },
];

/** What entries may spend of a counter's daily limit. */
export function entryBudget(limit: number, rules: FirmRules): number {
  const atMargin = Math.floor((limit * rules.safetyMarginPct) / 100);
  return Math.max(0, Math.min(atMargin, limit - rules.requests.reserve));
}

export const requestBudgetRule: ComplianceRule = {
  name: 'request_budget',
  check: ({ plan, state, rules }) => {
    const numbers: Record<string, number> = {};
    const over: string[] = [];
    const within: string[] = [];
    for (const counter of COUNTERS) {
      const limit = counter.limitOf(rules);
      const cost = counter.cost[plan.purpose];
      // An exit is only stopped by a counter it spends: a used-up modification budget must not trap a position.
      if (limit <= 0 || (plan.purpose === 'exit' && cost === 0)) continue;
      const used = state.requests[counter.key];
      const budget = plan.purpose === 'exit' ? limit : entryBudget(limit, rules);
      Object.assign(numbers, {
        [`${counter.key}Used`]: used,
        [`${counter.key}Cost`]: cost,
        [`${counter.key}Budget`]: budget,
        [`${counter.key}Limit`]: limit,
      });
      const text = `${counter.key} ${count(used)} + ${cost}`;
      if (used + cost > budget) over.push(`${text} > ${count(budget)}`);
      else within.push(`${text} ≤ ${count(budget)}`);
    }
    const basis =
      plan.purpose === 'exit'
        ? 'exits may use the full limit'
        : `entry budget: lower of ${percent(rules.safetyMarginPct)} % of the limit and the limit − reserve ${count(rules.requests.reserve)}`;
    if (over.length > 0) {
      return result(
        'request_budget',
        'reject',
        `today's calls over budget (${basis}): ${over.join('; ')}`,
        numbers,
      );
    }
    if (within.length === 0) return result('request_budget', 'pass', 'unlimited', numbers);
    return result('request_budget', 'pass', `today's calls (${basis}): ${within.join('; ')}`, numbers);
  },
};
