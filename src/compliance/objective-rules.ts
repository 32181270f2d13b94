// Guard rules about the phase objectives: profit_target (stops new entries once the phase is passed),
// best_day (information, or with best_day_action stop_entries a stop to the day's entries once its
// profit nears the cap) and min_trading_days (information only: it delays passing, never fails).
import { result, type ComplianceRule } from './compliance-report.ts';
import { money, percent } from './format.ts';

export const profitTargetRule: ComplianceRule = {
  name: 'profit_target',
  check: ({ state, rules, limits }) => {
    const target = limits.effectiveTargetBalance;
    if (target === null) return result('profit_target', 'pass', 'no profit target (funded account)');
    const numbers = {
      balance: state.balance,
      targetBalance: target,
      tradingDays: state.tradingDays,
      minTradingDays: rules.minTradingDays,
    };
    if (limits.targetReached) {
      // Firms want every position closed once the target is met; more trades only risk the pass.
      const reason = `phase target reached: balance ${money(state.balance)} ≥ ${money(target)} after ${state.tradingDays} trading days; no new entries, close open positions`;
      return result('profit_target', 'reject', reason, numbers);
    }
    const needed = target - state.initialBalance;
    const progress = needed > 0 ? ((state.balance - state.initialBalance) * 100) / needed : 0;
    const days =
      rules.minTradingDays > 0 ? `, ${state.tradingDays} of ${rules.minTradingDays} trading days` : '';
    const reason = `balance ${money(state.balance)} of target ${money(target)} (${percent(progress)} % of the way)${days}`;
    return result('profit_target', 'info', reason, { ...numbers, progressPct: progress });
  },
};

export const bestDayRule: ComplianceRule = {
  name: 'best_day',
  check: ({ rules, limits }) => {
    if (rules.bestDayPct <= 0) return result('best_day', 'pass', 'off');
    const { bestDay, totalProfit, bestDayOk, effectiveTargetBalance } = limits;
    const share = totalProfit > 0 ? `${percent((bestDay * 100) / totalProfit)} %` : 'all';
    const target =
      effectiveTargetBalance === null ? '' : `; effective target ${money(effectiveTargetBalance)}`;
    const verdict = bestDayOk ? 'within' : 'above';
    const reason = `best day ${money(bestDay)} is ${share} of total profit ${money(totalProfit)}, ${verdict} the ${percent(rules.bestDayPct)} % limit${target}`;
    const numbers: Record<string, number> = { bestDay, totalProfit, bestDayPct: rules.bestDayPct };
    if (effectiveTargetBalance !== null) numbers.effectiveTargetBalance = effectiveTargetBalance;
    const { bestDayCap: cap, bestDayActProfit: act, todayProfit } = limits;
    if (cap !== null && act !== null) Object.assign(numbers, { todayProfit, bestDayCap: cap });
    if (rules.bestDayAction === 'stop_entries' && cap !== null && act !== null && todayProfit >= act) {
      const stop = `today's profit ${money(todayProfit)} reached ${money(act)} (${percent(rules.safetyMarginPct)} % of the best-day cap ${money(cap)}, ${percent(rules.bestDayPct)} % of the target): no new entries until the firm's next day`;
      return result('best_day', 'reject', stop, numbers);
    }
    return result('best_day', 'info', reason, numbers);
  },
};

export const minTradingDaysRule: ComplianceRule = {
  name: 'min_trading_days',
  check: ({ state, rules }) => {
    if (rules.minTradingDays <= 0) return result('min_trading_days', 'pass', 'off');
    const numbers = { tradingDays: state.tradingDays, minTradingDays: rules.minTradingDays };
    const met = state.tradingDays >= rules.minTradingDays ? 'met' : 'not met yet';
    const reason = `${state.tradingDays} of ${rules.minTradingDays} trading days (${met})`;
    return result('min_trading_days', 'info', reason, numbers);
  },
};
