// A variant's risk settings, from its YAML keys to the rules the risk code runs. This is the one place
// the keys are read: the seed lost a configured 5 % stop to a constructor default of 3 %, so every key
// here is covered by a test that changes it in an overlay and watches the behaviour change.
import type { VariantSettings } from '../config/schema.ts';
import type { RiskRules } from '../risk/risk-rules.ts';

export { exitRulesFor, freeSlots, planningPrice, type RiskRules } from '../risk/risk-rules.ts';

const HOUR = 3_600_000;

export function riskRulesFor(
  settings: Pick<VariantSettings, 'risk' | 'protections' | 'account'>,
  barMs: number,
): RiskRules {
  const { risk, protections: p, account } = settings;
  return {
    entry: {
      stop: {
        floorPct: risk.hard_stop_floor_pct,
        multiplier: risk.hard_stop_multiplier,
        capPct: risk.hard_stop_cap_pct,
      },
      sizing: {
        riskPerTradeUsd: risk.risk_per_trade_usd,
        maxPositionUsd: risk.max_position_usd,
        positionPct: risk.position_pct,
      },
      takeProfitPct: risk.take_profit_pct,
    },
    stopAnchor: risk.stop_anchor,
    cooldownHours: p.cooldown_hours,
    maxOpenTrades: risk.max_open_trades,
    exits: {
      trailAtrMultiplier: risk.trail_atr_multiplier,
      trailActivationPct: risk.trail_activation_pct,
      // Hours of the timeframe's bars: 48 on 1h bars is the 48th bar, whatever gaps the data has.
      timeStopBars: risk.time_stop_hours > 0 ? Math.ceil((risk.time_stop_hours * HOUR) / barMs) : 0,
    },
    signalExit: {
      mode: risk.signal_exit,
      momentumPeriod: risk.momentum_period,
      momentumDecelBars: risk.momentum_decel_bars,
      channelExitLookback: risk.channel_exit_lookback,
    },
    close: {
      protections: {
        cooldownAfterExitHours: p.cooldown_after_exit_hours,
        stoplossGuard: {
          tradeLimit: p.stoploss_guard_trades,
          lookbackHours: p.stoploss_guard_lookback_hours,
          lockHours: p.stoploss_guard_lock_hours,
          scope: p.stoploss_guard_scope,
        },
        maxDrawdown: {
          maxDrawdownPct: p.max_drawdown_pct,
          tradeLimit: p.max_drawdown_trades,
          lookbackHours: p.max_drawdown_lookback_hours,
          lockHours: p.max_drawdown_lock_hours,
        },
        lowProfit: {
          tradeLimit: p.low_profit_trades,
          lookbackHours: p.low_profit_lookback_hours,
          lockHours: p.low_profit_lock_hours,
          requiredProfitUsd: p.low_profit_required_usd,
        },
      },
      killSwitchDrawdownPct: p.kill_switch_drawdown_pct,
      startingBalanceUsd: account.starting_balance_usd,
    },
  };
}
