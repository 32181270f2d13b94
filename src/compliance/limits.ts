// The loss levels and objectives derived from an account state and a firm's rules: where the firm fails
// the account, where Sigil acts first (the safety margin), and how far the profit target is.
//
// Act level = loss level + amount × (1 − margin/100): Sigil acts once margin % of the allowance between
// the anchor and the firm's level is used. With a locked trailing level this stays above the lock.
import type { AccountState } from './account-state.ts';
import type { FirmRules } from './firm-rules.ts';

export interface Limits {
  /** Equity at which the firm fails the day / Sigil acts (margin applied); null when the rule is off. */
  dailyLossLevel: number | null;
  dailyActLevel: number | null;
  maxLossLevel: number | null;
  maxActLevel: number | null;
  /** Profit target raised by the best-day rule; null without a target. */
  effectiveTargetBalance: number | null;
  targetReached: boolean;
  bestDay: number;
  totalProfit: number;
  bestDayOk: boolean;
  /**
   * The most a single day may make: bestDayPct % of the profit target (E8: 40 % of 8 % of 50k = $1,600),
   * and where Sigil acts on it (the safety margin: $1,360); null without a best-day rule or a target.
   */
  bestDayCap: number | null;
  bestDayActProfit: number | null;
  /** Profit realised since the firm's day began. */
  todayProfit: number;
}

/** The pieces a daily or max loss level is built from, for levels and for the reasons that explain them. */
export interface LossLimit {
  /** The balance the limit is measured down from. */
  anchor: number;
  /** Money the rule allows to lose below the anchor. */
  amount: number;
  level: number;
  actLevel: number;
  /** The level stopped rising at the initial balance (lockAtInitial). */
  locked: boolean;
}

function actLevelOf(level: number, amount: number, rules: FirmRules): number {
  return level + (amount * (100 - rules.safetyMarginPct)) / 100;
}

export function dailyLimit(state: AccountState, rules: FirmRules): LossLimit | null {
  const { limitPct, base, amountOf } = rules.daily;
  if (limitPct <= 0) return null;
  const anchor =
    base === 'balance' ? state.dayStartBalance : Math.max(state.dayStartBalance, state.dayStartEquity);
  const amount = ((amountOf === 'base' ? anchor : state.initialBalance) * limitPct) / 100;
  const level = anchor - amount;
  return { anchor, amount, level, actLevel: actLevelOf(level, amount, rules), locked: false };
}

function maxLossAnchor(state: AccountState, rules: FirmRules): number {
  // A trailing level starts at the initial balance: the firm's high-water mark is never below it, even
  // when fees Sigil never saw make the rebuilt starting balance a little lower.
  switch (rules.maxLoss.mode) {
    case 'static':
      return state.initialBalance;
    case 'trailing_intraday':
      return Math.max(state.highWaterBalance, state.initialBalance);
    case 'trailing_eod':
      return Math.max(state.highestEodBalance, state.initialBalance);
  }
}

export function maxLossLimit(state: AccountState, rules: FirmRules): LossLimit | null {
  const { limitPct, lockAtInitial } = rules.maxLoss;
  if (limitPct <= 0) return null;
  const anchor = maxLossAnchor(state, rules);
  const amount = (state.initialBalance * limitPct) / 100;
  const trailing = anchor - amount;
  const locked = lockAtInitial && trailing >= state.initialBalance;
  const level = locked ? state.initialBalance : trailing;
  return { anchor, amount, level, actLevel: actLevelOf(level, amount, rules), locked };
}

export function limitsOf(state: AccountState, rules: FirmRules): Limits {
  const daily = dailyLimit(state, rules);
  const maxLoss = maxLossLimit(state, rules);
  const bestDay = state.dailyPnl.reduce((best, d) => Math.max(best, d.pnl), 0);
  const totalProfit = state.balance - state.initialBalance;
  const bestDayOk =
    rules.bestDayPct <= 0 || (totalProfit > 0 && bestDay <= (totalProfit * rules.bestDayPct) / 100);
  // Best-day rule: keep trading until the best day is at most bestDayPct % of the total.
  const bestDayProfitNeeded = rules.bestDayPct > 0 ? (bestDay * 100) / rules.bestDayPct : 0;
  const effectiveTargetBalance =
    rules.profitTargetPct > 0
      ? state.initialBalance +
        Math.max((state.initialBalance * rules.profitTargetPct) / 100, bestDayProfitNeeded)
      : null;
  const targetReached =
    effectiveTargetBalance !== null &&
    state.balance >= effectiveTargetBalance &&
    state.tradingDays >= rules.minTradingDays;
  const bestDayCap =
    rules.bestDayPct > 0 && rules.profitTargetPct > 0
      ? (((state.initialBalance * rules.profitTargetPct) / 100) * rules.bestDayPct) / 100
      : null;
  return {
    dailyLossLevel: daily?.level ?? null,
    dailyActLevel: daily?.actLevel ?? null,
    maxLossLevel: maxLoss?.level ?? null,
    maxActLevel: maxLoss?.actLevel ?? null,
    effectiveTargetBalance,
    targetReached,
    bestDay,
    totalProfit,
    bestDayOk,
    bestDayCap,
    bestDayActProfit: bestDayCap === null ? null : (bestDayCap * rules.safetyMarginPct) / 100,
    todayProfit: state.balance - state.dayStartBalance,
  };
}
