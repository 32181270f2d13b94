// What a parameter sweep reports: every setting's figures, the walk-forward, the statistics that say how
// much of the best result is luck, and a verdict. Plain data (JSON as it is): `sigil sweep --json` prints
// it, the terminal table and the HTML report are drawn from it, and a test compares two of them.
import type { EpochMs } from '../domain/ids.ts';
import type { AbComparison } from '../backtest/ab-test.ts';
import type { Objective } from '../domain/objective.ts';

export { OBJECTIVES, type Objective } from '../domain/objective.ts';

/** A swept key's value: whatever the config schema takes there (a number, a word, a flag, a list). */
export type KeyValue = unknown;

/** One setting of the swept keys, in the grid's key order. */
export interface Setting {
  /** Its place in the sweep (0-based): the order of the table before ranking, and of the JSON. */
  index: number;
  values: Record<string, KeyValue>;
}

/** The figures of a set of trades over a span (the whole run, a training or a test window). */
export interface SpanMetrics {
  trades: number;
  totalPnl: number;
  /** Mean P&L per trade; 0 without trades. */
  expectancy: number;
  /** Gross profit ÷ gross loss; null without a losing trade. */
  profitFactor: number | null;
  /** Annualised from daily returns over the span; null below 2 days or on zero deviation. */
  sharpe: number | null;
  sortino: number | null;
  /** 0..1 */
  winRate: number;
  /** 0..100 */
  maxDrawdownPct: number;
}

export interface EquityPoint {
  time: EpochMs;
  equity: number;
}

export interface SettingResult extends Setting {
  /** `key=value key=value`, as the table shows it. */
  label: string;
  status: 'ok' | 'failed';
  /** Why a failed setting failed (its first error), in one line. */
  error: string | null;
  /** Null when failed. */
  metrics: SpanMetrics | null;
  /** The objective over the whole span; null when failed, undefined (no losing trade…) or below the minimum trades. */
  objective: number | null;
  /** 1 = best among the settings with an objective; null for the others. */
  rank: number | null;
  /** Wall seconds of its backtest in its worker. */
  seconds: number;
}

export interface WalkForwardWindow {
  trainFrom: EpochMs;
  /** Exclusive; the test span starts here. */
  trainTo: EpochMs;
  testFrom: EpochMs;
  testTo: EpochMs;
  /** The setting with the best training objective (its index), or null when none had enough trades. */
  chosen: number | null;
  trainObjective: number | null;
  /** The chosen setting's trades entered in the test span; null when nothing was chosen. */
  test: SpanMetrics | null;
}

export interface WalkForwardResult {
  /** As given: `train=12mo,test=3mo,step=3mo`. */
  spec: string;
  windows: WalkForwardWindow[];
  /** The chosen settings' test-span trades, stitched: what trading the walk-forward would have made. */
  outOfSample: SpanMetrics;
  /** The whole-span best setting's trades over the same test spans: what hindsight would have made. */
  inSample: SpanMetrics;
  /** Daily cumulative P&L over the test spans, both ways. */
  equity: { time: EpochMs; outOfSample: number; inSample: number }[];
}

/** One setting's objective in the first and in the second half of the data, or per walk-forward window. */
export interface IsOosPoint {
  index: number;
  inSample: number;
  outOfSample: number;
}

export interface DeflatedSharpeStat {
  /** Probability that the best setting's true Sharpe ratio is above zero, given how many were tried; null when it cannot be computed. */
  value: number | null;
  /** The best setting's daily Sharpe ratio (not annualised), and the one luck alone would reach among this many trials. */
  sharpe: number | null;
  expectedMaxSharpe: number | null;
  trials: number;
  observations: number;
  explanation: string;
}

export interface OverfittingStat {
  /** Share of the train/test splits where the in-sample best fell below the median out of sample; null when not computed. */
  value: number | null;
  blocks: number;
  combinations: number;
  explanation: string;
}

export interface BootstrapStat {
  best: { index: number; trades: number; expectancy: number; ci: [number, number] } | null;
  own: { trades: number; expectancy: number } | null;
  /** The config's own setting (a) against the best (b), through the A/B machinery. */
  comparison: AbComparison | null;
  explanation: string;
}

export interface SweepVerdict {
  likelyReal: boolean;
  /** "the best setting is likely real" or "the data cannot tell it from luck". */
  text: string;
  /** Each test, passed or not, in a sentence. */
  reasons: string[];
}

export interface SweepStatistics {
  deflatedSharpe: DeflatedSharpeStat;
  overfitting: OverfittingStat;
  bootstrap: BootstrapStat;
  verdict: SweepVerdict;
}

export interface SweepReport {
  config: string;
  variant: string;
  from: EpochMs;
  to: EpochMs;
  symbols: string[];
  objective: Objective;
  minTrades: number;
  /** The swept keys, in the grid's order. */
  keys: string[];
  /** Every setting in sweep order (index order), finished or failed; unfinished ones are left out. */
  settings: SettingResult[];
  /** The configuration as written, run alongside (index -1). */
  own: SettingResult | null;
  /** Index of the best setting by the objective, or null. */
  best: number | null;
  bestEquity: EquityPoint[];
  ownEquity: EquityPoint[];
  scatter: { basis: 'halves' | 'walk-forward'; points: IsOosPoint[] };
  walkForward: WalkForwardResult | null;
  /** Null when the sweep was interrupted: statistics over a part of it would mislead. */
  statistics: SweepStatistics | null;
  interrupted: boolean;
  /** Settings asked for, and of them finished (ok or failed). */
  total: number;
  finished: number;
  workers: number;
  seconds: number;
}
