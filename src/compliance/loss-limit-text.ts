// Sentences that explain how a loss limit was computed ("5 % of day-start balance 50 000.00 = 2 500.00"),
// shared by the equity monitor's breach reasons and the order guard's reasons.
import type { FirmRules } from './firm-rules.ts';
import { money, percent } from './format.ts';
import type { LossLimit } from './limits.ts';

const DAILY_ANCHOR_NAME = {
  balance: 'day-start balance',
  higher_of_balance_equity: 'the higher of day-start balance and equity',
} as const;

const MAX_ANCHOR_NAME = {
  static: 'initial balance',
  trailing_intraday: 'the closed-balance high',
  trailing_eod: 'the highest end-of-day balance',
} as const;

function describe(pct: number, ofName: string, of: number, limit: LossLimit, anchorName: string): string {
  const amount = `${percent(pct)} % of ${ofName} ${money(of)} = ${money(limit.amount)}`;
  return ofName === anchorName ? amount : `${amount} below ${anchorName} ${money(limit.anchor)}`;
}

export function describeDailyLimit(limit: LossLimit, rules: FirmRules, initialBalance: number): string {
  const anchorName = DAILY_ANCHOR_NAME[rules.daily.base];
  return rules.daily.amountOf === 'base'
    ? describe(rules.daily.limitPct, anchorName, limit.anchor, limit, anchorName)
    : describe(rules.daily.limitPct, 'initial balance', initialBalance, limit, anchorName);
}

export function describeMaxLossLimit(limit: LossLimit, rules: FirmRules, initialBalance: number): string {
  const anchorName = MAX_ANCHOR_NAME[rules.maxLoss.mode];
  const text = describe(rules.maxLoss.limitPct, 'initial balance', initialBalance, limit, anchorName);
  return limit.locked ? `${text}, locked at the initial balance ${money(limit.level)}` : text;
}
