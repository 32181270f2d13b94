// Guard rules on what is open at once and on order size: max_open_positions, max_open_orders and
// max_lots_per_order. A limit of 0 is unlimited.
import { result, type ComplianceRule, type RuleResult } from './compliance-report.ts';

function atMost(rule: string, what: string, after: number, limit: number, key: string): RuleResult {
  if (limit <= 0) return result(rule, 'pass', 'unlimited');
  if (!Number.isFinite(after)) return result(rule, 'reject', `${what} is not a finite number`);
  const numbers = { [key]: after, limit };
  return after > limit
    ? result(rule, 'reject', `${what} ${after} would exceed the limit ${limit}`, numbers)
    : result(rule, 'pass', `${what} ${after} ≤ limit ${limit}`, numbers);
}

export const maxOpenPositionsRule: ComplianceRule = {
  name: 'max_open_positions',
  check: ({ state, rules }) =>
    atMost(
      'max_open_positions',
      'open positions with this entry',
      state.openPositions + 1,
      rules.maxOpenPositions,
      'openPositionsAfter',
    ),
};

export const maxOpenOrdersRule: ComplianceRule = {
  name: 'max_open_orders',
  check: ({ state, rules }) =>
    atMost(
      'max_open_orders',
      'open orders with this entry',
      state.openOrders + 1,
      rules.maxOpenOrders,
      'openOrdersAfter',
    ),
};

export const maxLotsPerOrderRule: ComplianceRule = {
  name: 'max_lots_per_order',
  check: ({ plan, rules }) => atMost('max_lots_per_order', 'lots', plan.lots, rules.maxLotsPerOrder, 'lots'),
};
