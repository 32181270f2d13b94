// A variant's compliance section, read into the rules the guard and the equity monitor run: the
// preset's numbers with every key the config sets laid over them. This is the one place the keys are
// read; a variant with no preset and no key trades without a guard.
import { dirname, resolve } from 'node:path';
import type { VariantSettings } from '../config/schema.ts';
import { ConfigError } from '../config/config-error.ts';
import type { FirmRules } from '../compliance/firm-rules.ts';
import { readNewsCalendar } from '../compliance/news-calendar.ts';
import { customRules, presetRules } from '../compliance/presets.ts';

export function complianceFor(
  settings: Pick<VariantSettings, 'compliance' | 'account'>,
  configFile: string | null,
  variant: string,
  /** The bar length: Sigil's exits come at bar closes, so a bar must last the minimum hold. */
  barMs?: number,
): FirmRules | null {
  const { preset, ...keys } = settings.compliance;
  const set = Object.values(keys).some((value) => value !== undefined);
  if (preset === 'none' && !set) return null;
  const initial = settings.account.starting_balance_usd;
  const rules = preset === 'none' ? customRules(initial) : presetRules(preset, initial);
  const c = settings.compliance;
  rules.dayZone = c.day_zone ?? rules.dayZone;
  rules.daily = {
    limitPct: c.daily_loss_pct ?? rules.daily.limitPct,
    base: c.daily_base ?? rules.daily.base,
    amountOf: c.daily_amount_of ?? rules.daily.amountOf,
  };
  rules.maxLoss = {
    limitPct: c.max_loss_pct ?? rules.maxLoss.limitPct,
    mode: c.max_loss_mode ?? rules.maxLoss.mode,
    lockAtInitial: c.max_loss_locks_at_initial ?? rules.maxLoss.lockAtInitial,
  };
  rules.profitTargetPct = c.profit_target_pct ?? rules.profitTargetPct;
  rules.minTradingDays = c.min_trading_days ?? rules.minTradingDays;
  rules.bestDayPct = c.best_day_pct ?? rules.bestDayPct;
  rules.bestDayAction = c.best_day_action ?? rules.bestDayAction;
  rules.requests = {
    allPerDay: c.requests_per_day ?? rules.requests.allPerDay,
    modificationsPerDay: c.modifications_per_day ?? rules.requests.modificationsPerDay,
    positionsPerDay: c.positions_per_day ?? rules.requests.positionsPerDay,
    reserve: c.request_reserve ?? rules.requests.reserve,
  };
  rules.minHoldSeconds = c.min_hold_seconds ?? rules.minHoldSeconds;
  rules.shortTrade = {
    seconds: c.short_trade_seconds ?? rules.shortTrade.seconds,
    maxShare: c.max_short_trade_share ?? rules.shortTrade.maxShare,
  };
  rules.maxOpenPositions = c.max_open_positions ?? rules.maxOpenPositions;
  rules.maxOpenOrders = c.max_open_orders ?? rules.maxOpenOrders;
  rules.maxLotsPerOrder = c.max_lots_per_order ?? rules.maxLotsPerOrder;
  rules.news = {
    beforeMinutes: c.news_before_minutes ?? rules.news.beforeMinutes,
    afterMinutes: c.news_after_minutes ?? rules.news.afterMinutes,
    events: c.news_calendar ? newsEvents(c.news_calendar, configFile, variant) : rules.news.events,
  };
  rules.safetyMarginPct = c.safety_margin_pct ?? rules.safetyMarginPct;
  if (barMs !== undefined && rules.minHoldSeconds * 1000 > barMs) {
    throw new ConfigError(configFile ?? 'built-in defaults', [
      `variants.${variant}.compliance.min_hold_seconds: ${rules.minHoldSeconds} s is longer than one market.timeframe bar (${barMs / 1000} s): ` +
        'Sigil exits at bar closes, so a shorter bar could close a trade before the minimum hold; use a longer timeframe',
    ]);
  }
  rules.jitter = {
    maxDelayMs:
      c.max_delay_seconds === undefined ? rules.jitter.maxDelayMs : Math.round(c.max_delay_seconds * 1000),
    maxSizeOffsetPct: c.max_size_offset_pct ?? rules.jitter.maxSizeOffsetPct,
    // Two accounts running the same configuration must not trade identically (E8's one-strategy rule).
    seed: c.jitter_seed ?? variant,
  };
  return rules;
}

function newsEvents(path: string, configFile: string | null, variant: string) {
  const file = resolve(configFile ? dirname(configFile) : '.', path);
  try {
    return readNewsCalendar(file);
  } catch (error) {
    throw new ConfigError(configFile ?? 'built-in defaults', [
      `variants.${variant}.compliance.news_calendar: ${error instanceof Error ? error.message : String(error)}`,
    ]);
  }
}
