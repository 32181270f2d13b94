// What the equity monitor acts on: a hard breach (max loss act level reached: the variant halts) or a
// soft one (daily act level reached: the variant pauses until the firm's next day starts).
import type { AccountState } from './account-state.ts';
import { zonedDateTime } from './firm-day.ts';
import type { FirmRules } from './firm-rules.ts';
import { money, percent } from './format.ts';
import { dailyLimit, maxLossLimit } from './limits.ts';
import { describeDailyLimit, describeMaxLossLimit } from './loss-limit-text.ts';

export type BreachKind = 'none' | 'soft' | 'hard';

export interface Breach {
  kind: BreachKind;
  /** 'max_loss', 'daily_loss' or 'none'. */
  rule: string;
  reason: string;
  numbers: Record<string, number>;
}

export function assessBreach(state: AccountState, rules: FirmRules): Breach {
  const { equity } = state;
  const margin = percent(rules.safetyMarginPct);
  const maxLoss = maxLossLimit(state, rules);
  if (maxLoss && equity <= maxLoss.actLevel) {
    const limitText = describeMaxLossLimit(maxLoss, rules, state.initialBalance);
    return {
      kind: 'hard',
      rule: 'max_loss',
      reason: `equity ${money(equity)} ≤ ${money(maxLoss.actLevel)}: ${margin} % of the max loss limit (${limitText}) used; trading halted`,
      numbers: { equity, actLevel: maxLoss.actLevel, lossLevel: maxLoss.level, amount: maxLoss.amount },
    };
  }
  const daily = dailyLimit(state, rules);
  if (daily && equity <= daily.actLevel) {
    const limitText = describeDailyLimit(daily, rules, state.initialBalance);
    const until = `${zonedDateTime(state.nextDayStart, rules.dayZone)} ${rules.dayZone}`;
    return {
      kind: 'soft',
      rule: 'daily_loss',
      reason: `equity ${money(equity)} ≤ ${money(daily.actLevel)}: ${margin} % of the daily loss limit (${limitText}) used; paused until ${until}`,
      numbers: {
        equity,
        actLevel: daily.actLevel,
        lossLevel: daily.level,
        amount: daily.amount,
        pausedUntil: state.nextDayStart,
      },
    };
  }
  const levels: Record<string, number> = { equity };
  if (daily) levels.dailyActLevel = daily.actLevel;
  if (maxLoss) levels.maxActLevel = maxLoss.actLevel;
  const above = [daily && `daily ${money(daily.actLevel)}`, maxLoss && `max ${money(maxLoss.actLevel)}`]
    .filter(Boolean)
    .join(', ');
  return {
    kind: 'none',
    rule: 'none',
    reason: above ? `equity ${money(equity)} above the act levels (${above})` : 'no loss limits set',
    numbers: levels,
  };
}
