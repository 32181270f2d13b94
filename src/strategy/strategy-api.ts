// The strategy API: what a user's strategy file declares and what it is given. A strategy reads closed
// bars and Sigil's indicators and says when to enter (long or short) with an optional stop, target and
// score; Sigil keeps everything that protects the account — sizing, the risk band, protections, the entry
// guard, compliance and execution — so a strategy cannot size a position or skip a guard.
import type { z } from 'zod';
import type { Confidence } from '../domain/intent.ts';
import type { Timeframe } from '../domain/candle.ts';
import type { BollingerValue } from '../indicators/bollinger.ts';
import type { MacdValue } from '../indicators/macd.ts';

/** One closed bar; `time` is its open time, in epoch milliseconds (UTC). */
export interface Bar {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** The closed bars of one series so far, oldest first. Never a bar that has not closed. */
export interface BarSeries {
  readonly length: number;
  /** `at(-1)` is the newest closed bar, `at(0)` the oldest kept; undefined outside. */
  at(index: number): Bar | undefined;
  /** The last `count` values of a field, oldest first (fewer if fewer bars exist). */
  last(count: number, field?: keyof Bar): number[];
}

/**
 * Sigil's indicators, each computed as TA-Lib does (checked against TA-Lib's own values), over the series
 * up to its newest closed bar. A value not yet defined (too few bars) is NaN.
 */
export interface Indicators {
  atr(period?: number): number;
  sma(period: number): number;
  ema(period: number): number;
  rsi(period?: number): number;
  /** The highest high of the last `period` bars, or of the `period` bars before the newest (`before: true`). */
  highest(period: number, options?: { before?: boolean }): number;
  lowest(period: number, options?: { before?: boolean }): number;
  bollinger(period?: number, deviations?: number): BollingerValue;
  macd(fast?: number, slow?: number, signal?: number): MacdValue;
  adx(period?: number): number;
}

/** 'short' only from a strategy that declares `shorts: true`. */
export type Side = 'long' | 'short';

/** A series the strategy reads besides its own bars: another timeframe and/or another symbol. */
export interface InformativeSeries {
  readonly bars: BarSeries;
  readonly ind: Indicators;
}

/** The variant's open position in the symbol, as a strategy sees it. */
export interface PositionView {
  readonly side: Side;
  readonly entryPrice: number;
  readonly qty: number;
  /** When it opened (epoch ms). */
  readonly openedAt: number;
  /** Where its stop stands now (the risk layer's: the ATR stop, then the trail). */
  readonly currentStop: number;
  readonly barsHeld: number;
}

export interface StrategyContext<P, S> {
  readonly symbol: string;
  /** Close time of the bar just closed (epoch ms): the time of any signal. */
  readonly time: number;
  /** The bar just closed. */
  readonly bar: Bar;
  readonly bars: BarSeries;
  readonly ind: Indicators;
  readonly params: P;
  /** This symbol's own state: the object `state()` made, kept from bar to bar. */
  readonly state: S;
  /** The variant's open position in this symbol, or null. */
  readonly position: PositionView | null;
  /** Columns `prepare` computed over the series (undefined when the strategy has no `prepare`). */
  column(name: string): number;
  /**
   * A declared informative series, e.g. `informative('4h')` or `informative('1h', 'BTC/USDT')`: resampled
   * from the base bars with the same closed-bar rule — a 4h bar is visible only once it has closed.
   */
  informative(timeframe: Timeframe, symbol?: string): InformativeSeries;
}

/** An entry: Sigil's risk layer places and bounds the stop, and sizes the position. */
export interface EnterSignal {
  enter: Side;
  /**
   * A stop price instead of the ATR rule's — below the close for a long, above for a short. The risk layer
   * keeps it only inside its band (risk.hard_stop_floor_pct … cap_pct of the entry), else moves it to the
   * nearer edge; the position is sized from the stop it keeps.
   */
  stop?: number;
  /** A target price instead of risk.take_profit_pct's — above the close for a long, below for a short. */
  target?: number;
  /** How strong, recorded on the intent (and for ranking); higher is stronger. */
  score?: number;
  /** How sure: the rules analyst trades at or above `analyst.min_confidence`. Default 'medium'. */
  confidence?: Confidence;
}

export type StrategyAction = EnterSignal | null | undefined;

export interface StrategyDefinition<P = Record<string, never>, S = Record<string, never>> {
  /** A short name, shown in audits (`strategy:<name>`) and `sigil strategy list`. */
  name: string;
  description?: string;
  /** The parameters' schema: the config's `scanner.params` are checked against it before anything runs. */
  params?: z.ZodType<P>;
  /**
   * The strategy may enter short. Declared so that a variant trading a spot exchange account (which
   * cannot sell short) is refused at start instead of having its shorts refused one by one.
   */
  shorts?: boolean;
  /** Informative series the strategy reads, declared so Sigil keeps them. */
  informative?: readonly { timeframe: Timeframe; symbol?: string }[];
  /** A fresh per-symbol state. */
  state?: () => S;
  /**
   * Optional, vectorised: columns over a whole series at once (freqtrade's populate_indicators). In a
   * backtest it sees every bar of the data — a column that reads a later bar is lookahead bias, which
   * `sigil strategy check` finds by recomputing on data cut after each signal.
   */
  prepare?(bars: BarSeries, params: P): Record<string, ArrayLike<number>>;
  /** Called at the close of every bar of every symbol; returns an entry or nothing. */
  onBar(context: StrategyContext<P, S>): StrategyAction;
  /**
   * Optional: asked at the close of every bar while the variant holds a position in the symbol, before
   * Sigil's exits are applied. A short reason (letters, digits, `-`, `_`, `.`; at most 40) closes the
   * position at that close as a signal exit — after the stop, trail, target and time stop, which come
   * first — with the reason kept on the trade; null keeps it open.
   */
  exit?(context: StrategyContext<P, S> & { position: PositionView }): string | null | undefined;
}

/** A strategy as a file exports it (`export default defineStrategy({...})`). */
export interface Strategy<P = unknown, S = unknown> extends StrategyDefinition<P, S> {
  readonly kind: 'sigil-strategy';
}

/** Declares a strategy; the file's default export (or an export named `strategy`). */
export function defineStrategy<P = Record<string, never>, S = Record<string, never>>(
  definition: StrategyDefinition<P, S>,
): Strategy<P, S> {
  return { ...definition, kind: 'sigil-strategy' };
}

export function isStrategy(value: unknown): value is Strategy {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'sigil-strategy' &&
    typeof (value as { onBar?: unknown }).onBar === 'function'
  );
}
