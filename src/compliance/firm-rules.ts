// The prop-firm rule parameters the compliance guard reads: one plain data set per firm program.
// Firms change their numbers often, so every number lives here (and in config), none in code.
// Convention: a limit of 0 means the rule is off (or, for counts, unlimited).

/** What the daily loss limit is measured down from at the firm's day boundary. */
export type DailyBase = 'balance' | 'higher_of_balance_equity';

/** What the daily percentage is taken of: the day's base, or the initial balance (FTMO). */
export type DailyAmountOf = 'base' | 'initial';

/** static: below the initial balance; trailing_*: below the closed-balance high, moved at once or at day ends. */
export type MaxLossMode = 'static' | 'trailing_intraday' | 'trailing_eod';

export interface NewsEvent {
  at: number;
  /** ['USD'], ['EUR', 'USD'] or ['*'] = every symbol. */
  currencies: string[];
  title: string;
}

export const BEST_DAY_ACTIONS = ['inform', 'stop_entries'] as const;
export type BestDayAction = (typeof BEST_DAY_ACTIONS)[number];

export interface FirmRules {
  /** Preset name or 'custom'. */
  name: string;
  initialBalance: number;
  /** IANA zone ('Europe/Prague') or a fixed offset ('UTC', 'UTC+2', 'UTC-05:00', 'UTC+05:30'). */
  dayZone: string;
  /** limitPct 0 = off. */
  daily: { limitPct: number; base: DailyBase; amountOf: DailyAmountOf };
  /** limitPct 0 = off; lockAtInitial: a trailing level never rises above the initial balance. */
  maxLoss: { limitPct: number; mode: MaxLossMode; lockAtInitial: boolean };
  /** 0 = no target (funded account). */
  profitTargetPct: number;
  minTradingDays: number;
  /** 0 = off; 40 = the best day may be at most 40 % of the total profit. */
  bestDayPct: number;
  /**
   * `inform`: the rule only raises the effective target. `stop_entries`: no new entries for the rest of
   * the firm's day once the day's realised profit reaches the act level of its cap (bestDayPct % of the
   * profit target: E8's $1,600 on a 50k account, acted on at the safety margin — $1,360).
   */
  bestDayAction: BestDayAction;
  /** Per firm day; 0 = unlimited. reserve: calls kept back for closing positions in an emergency. */
  requests: { allPerDay: number; modificationsPerDay: number; positionsPerDay: number; reserve: number };
  /** The position manager holds every position at least this long; 0 = off. */
  minHoldSeconds: number;
  /** E8: trades held < 60 s may be at most 50 % of all trades ({ seconds: 60, maxShare: 0.5 }); maxShare 0 = off. */
  shortTrade: { seconds: number; maxShare: number };
  /** 0 = unlimited. */
  maxOpenPositions: number;
  maxOpenOrders: number;
  maxLotsPerOrder: number;
  /** No entries from beforeMinutes before to afterMinutes after each listed event. */
  news: { beforeMinutes: number; afterMinutes: number; events: NewsEvent[] };
  /** 85: Sigil acts when 85 % of a limit is used, before the firm does. */
  safetyMarginPct: number;
  /** Random per-intent delay and size reduction, so two accounts never send identical orders. */
  jitter: { maxDelayMs: number; maxSizeOffsetPct: number; seed: string };
}
