// The compliance section of a variant: the prop-firm rules its account trades under. A preset names a
// firm's documented numbers (src/compliance/presets.ts); any key given here replaces the preset's. No
// preset and no key: no guard (a crypto paper variant). Keys have no defaults on purpose — an unset key
// means "the preset's value", and the preset is what the user chose.
import { z } from 'zod';
import { PRESET_NAMES } from '../compliance/presets.ts';
import { BEST_DAY_ACTIONS } from '../compliance/firm-rules.ts';
import { parseDayZone } from '../compliance/firm-day.ts';

const percent = z.number().min(0).max(100);
const count = z.int().min(0);

export const ComplianceSchema = z.strictObject({
  preset: z
    .enum(['none', ...PRESET_NAMES])
    .default('none')
    .describe(
      "A firm's documented rules: e8, ftmo_2step, the5ers_high_stakes, fundingpips_2step; none = custom or off.",
    ),
  day_zone: z
    .string()
    .refine((zone) => parseDayZone(zone) !== null, {
      message: "expected an IANA time zone ('Europe/Prague') or a fixed offset ('UTC+2', 'UTC-05:00')",
    })
    .optional()
    .describe("Where the firm's day starts at 00:00: daily limits reset and request budgets roll over."),
  daily_loss_pct: percent.optional().describe('Daily loss limit, % (0 = off).'),
  daily_base: z
    .enum(['balance', 'higher_of_balance_equity'])
    .optional()
    .describe(
      "The daily limit's anchor at the day's start: the balance, or the higher of balance and equity.",
    ),
  daily_amount_of: z
    .enum(['base', 'initial'])
    .optional()
    .describe('The daily % is of the anchor (E8, The5ers) or of the initial balance (FTMO).'),
  max_loss_pct: percent.optional().describe('Maximum loss, % of the initial balance (0 = off).'),
  max_loss_mode: z
    .enum(['static', 'trailing_intraday', 'trailing_eod'])
    .optional()
    .describe(
      'static: from the initial balance; trailing from the closed-balance high, intraday or end of day.',
    ),
  max_loss_locks_at_initial: z
    .boolean()
    .optional()
    .describe('A trailing level stops rising at the initial balance.'),
  profit_target_pct: percent
    .optional()
    .describe('The phase target, % of initial (0 = none, a funded account).'),
  min_trading_days: count.optional().describe('Days with a position opened before the target counts.'),
  best_day_pct: percent
    .optional()
    .describe("Best day's profit ≤ this % of total profit (0 = off); raises the target."),
  best_day_action: z
    .enum(BEST_DAY_ACTIONS)
    .optional()
    .describe(
      "inform: the best-day rule only raises the target; stop_entries: no new entries for the rest of the firm's day once its realised profit reaches the safety margin of best_day_pct % of the profit target (e8: stop_entries).",
    ),
  requests_per_day: count.optional().describe('Broker requests per firm day, all kinds (0 = unlimited).'),
  modifications_per_day: count.optional().describe('Order, SL and TP modifications per day (0 = unlimited).'),
  positions_per_day: count.optional().describe('Positions opened per day (0 = unlimited).'),
  request_reserve: count.optional().describe('Requests kept for closing positions in an emergency.'),
  min_hold_seconds: count.optional().describe('Shortest hold of a trade (anti-HFT).'),
  short_trade_seconds: count.optional().describe('A trade held less than this is "short".'),
  max_short_trade_share: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('Highest share of short trades (E8: 0.5); 0 = off.'),
  max_open_positions: count.optional().describe('0 = unlimited.'),
  max_open_orders: count.optional().describe('0 = unlimited.'),
  max_lots_per_order: z.number().min(0).optional().describe('0 = unlimited.'),
  news_calendar: z
    .string()
    .min(1)
    .optional()
    .describe('CSV of high-impact news (time,currencies,title), relative to the config file.'),
  news_before_minutes: count.optional().describe('No entries this long before a listed event.'),
  news_after_minutes: count.optional().describe('…nor this long after it.'),
  safety_margin_pct: z
    .number()
    .gt(0)
    .max(100)
    .optional()
    .describe('Sigil acts when this % of a limit is used (default 85).'),
  max_delay_seconds: z.number().min(0).max(600).optional().describe('Random delay before each entry (live).'),
  max_size_offset_pct: percent.optional().describe('Random reduction of each entry size, at most this %.'),
  jitter_seed: z
    .string()
    .optional()
    .describe('Seed of the delay and size offset (per account: two accounts differ).'),
});
export type ComplianceSettings = z.infer<typeof ComplianceSchema>;
