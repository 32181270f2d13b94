// The risk sections of a variant: stops, exits and sizing (`risk`), locks and the kill switch
// (`protections`), and the paper account the percentages refer to (`account`). Keys are flat so that
// a variant overlay can change one of them without restating its neighbours.
import { z } from 'zod';
import { SIGNAL_EXITS } from '../risk/exit-signals.ts';

const percent = z.number().min(0).max(100);
const hours = z.number().min(0);
const count = z.number().int().min(0);

export const RiskSchema = z.strictObject({
  hard_stop_floor_pct: z
    .number()
    .positive()
    .max(100)
    .default(3)
    .describe('Narrowest hard stop, % of entry; also the stop when ATR is unknown or the multiplier is 0.'),
  hard_stop_multiplier: z
    .number()
    .min(0)
    .default(1.5)
    .describe('Hard stop distance in ATR(14) at signal time; 0 = rollback to the floor.'),
  hard_stop_cap_pct: z.number().positive().max(100).default(6).describe('Widest hard stop, % of entry.'),
  stop_anchor: z
    .enum(['fill', 'signal'])
    .default('fill')
    .describe(
      'The price the stop band is measured from: the entry fill (the band holds against the price paid), or the signal bar close (the reference strategy).',
    ),
  trail_atr_multiplier: z
    .number()
    .min(0)
    .default(2)
    .describe('ATR trailing stop: highest high since entry − k × current ATR; 0 = no trailing.'),
  trail_activation_pct: percent
    .default(0)
    .describe('Profit (% of entry, at the best price) before the trail may move the stop; 0 = at once.'),
  take_profit_pct: percent
    .default(0)
    .describe('Target, % of entry, when the decision names none; 0 = no target.'),
  time_stop_hours: hours
    .default(0)
    .describe(
      "Close a position at the close of its bar that completes this many hours of the timeframe's bars (48 on 1h bars: the 48th bar of data, the entry bar the first; a gap is not a bar); 0 = no time stop.",
    ),
  signal_exit: z
    .enum(SIGNAL_EXITS)
    .default('none')
    .describe(
      'Exit at a close on: momentum_decel (momentum falling for N bars) or channel_exit (close beyond the N-bar channel).',
    ),
  momentum_period: z
    .number()
    .int()
    .min(1)
    .default(3)
    .describe('momentum_decel: momentum = close − close N bars ago.'),
  momentum_decel_bars: z
    .number()
    .int()
    .min(1)
    .default(2)
    .describe('momentum_decel: consecutive bars of falling momentum that trigger the exit.'),
  channel_exit_lookback: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('channel_exit: a long exits on a close below the lowest low of this many bars.'),
  risk_per_trade_usd: z
    .number()
    .min(0)
    .default(5)
    .describe('Dollars lost at the stop (constant-dollar sizing); 0 = rollback to position_pct of equity.'),
  max_open_trades: z
    .int()
    .min(1)
    .nullable()
    .default(null)
    .describe(
      'Positions a variant holds at once; more signals than free slots on one bar are ranked by score. null = no cap.',
    ),
  max_position_usd: z
    .number()
    .positive()
    .default(50)
    .describe('Ceiling on a position value under constant-dollar sizing.'),
  position_pct: z
    .number()
    .positive()
    .max(100)
    .default(10)
    .describe('Legacy sizing (risk_per_trade_usd: 0): position value as % of equity.'),
});

export const ProtectionsSchema = z.strictObject({
  cooldown_hours: hours
    .default(6)
    .describe('Lock written at OPEN: no re-entry of the symbol for this long; 0 = none.'),
  cooldown_after_exit_hours: hours.default(0).describe('Lock the symbol this long after each exit; 0 = off.'),
  stoploss_guard_trades: count
    .default(0)
    .describe('Lock after this many losing stop-outs within the lookback; 0 = off.'),
  stoploss_guard_lookback_hours: hours.default(24),
  stoploss_guard_lock_hours: hours.default(12),
  stoploss_guard_scope: z
    .enum(['symbol', 'variant'])
    .default('symbol')
    .describe('symbol: count and lock per symbol; variant: count all symbols, lock the variant.'),
  max_drawdown_pct: percent
    .default(0)
    .describe('Lock the variant when realised drawdown within the lookback exceeds this; 0 = off.'),
  max_drawdown_trades: count
    .default(1)
    .describe('Closed trades in the lookback before the drawdown rule applies.'),
  max_drawdown_lookback_hours: hours.default(48),
  max_drawdown_lock_hours: hours.default(12),
  low_profit_trades: count
    .default(0)
    .describe(
      'Lock a symbol whose last N trades within the lookback made less than the required profit; 0 = off.',
    ),
  low_profit_lookback_hours: hours.default(72),
  low_profit_lock_hours: hours.default(24),
  low_profit_required_usd: z.number().default(0),
  kill_switch_drawdown_pct: percent
    .default(0)
    .describe(
      'Halt the variant when equity falls this far below its peak; stays halted until `sigil reset`. 0 = off.',
    ),
});

export const AccountSchema = z.strictObject({
  starting_balance_usd: z
    .number()
    .positive()
    .default(1000)
    .describe('The paper account each variant starts with; equity = this + realised P&L.'),
});

/** An instrument's grid and minimums; `market.instruments['*']` is the default for every symbol. */
export const InstrumentSchema = z.strictObject({
  price_tick: z
    .number()
    .min(0)
    .describe('Smallest price increment; stops round to it conservatively. 0 = prices are not rounded.'),
  qty_step: z
    .number()
    .min(0)
    .describe('Quantity grid (FX: lot step); sizes round down to it. 0 = quantities are not rounded.'),
  min_qty: z.number().min(0).describe('Smallest quantity (FX: minimum lot).'),
  min_notional: z.number().min(0).describe('Smallest order value in the quote currency.'),
  contract_size: z
    .number()
    .positive()
    .describe('Units per quantity: 1 for crypto spot, 100000 for an FX lot.'),
  pip_size: z
    .number()
    .positive()
    .nullable()
    .describe(
      'Price of one pip (0.0001 EURUSD, 0.01 USDJPY); an analyst stop given in pips converts with it.',
    ),
  quote_currency: z
    .string()
    .regex(/^[A-Z]{3,5}$/, 'a currency code such as USD or JPY')
    .nullable()
    .describe(
      "The currency prices are quoted in, for a symbol whose name does not say (US30: USD); null = from the name. Money is booked in dollars: a dollar quote counts one for one, a dollar-base pair's (USDJPY) converts at its own price, any other is refused.",
    ),
});

export type InstrumentConfig = z.infer<typeof InstrumentSchema>;

/**
 * The paper default when the config names no instrument: crypto spot with no grid — prices and
 * quantities as computed, in floats. A fixed fine tick is not fine for every coin (1e-8 is 1.6 % of a
 * PEPE price); a live account takes its grid from its broker, a backtest from market.instruments.
 */
export const DEFAULT_INSTRUMENT = {
  price_tick: 0,
  qty_step: 0,
  min_qty: 0,
  min_notional: 0,
  contract_size: 1,
  pip_size: null,
  quote_currency: null,
} as const satisfies InstrumentConfig;

/** Checks across keys, on a variant's merged settings (the floor may come from the base, the cap from an overlay). */
export function checkRiskBand(risk: z.infer<typeof RiskSchema>, context: z.RefinementCtx): void {
  if (risk.hard_stop_cap_pct < risk.hard_stop_floor_pct) {
    context.addIssue({
      code: 'custom',
      message: `must be at least hard_stop_floor_pct (${risk.hard_stop_floor_pct})`,
      input: risk.hard_stop_cap_pct,
      path: ['risk', 'hard_stop_cap_pct'],
    });
  }
}
