// Does a strategy peek at bars that have not closed? Its signals over the whole data are compared with the
// signals it gives on the same data cut right after each signal's bar — what it would have seen live. A
// signal that is not there on the cut data was made with a later bar: lookahead bias (typically a
// `prepare` column that reads ahead, as a shift(-1) does in a dataframe). Then the warm-up check: the same
// run started later, compared after a warm-up margin — an indicator whose value still depends on how
// much history came before wants more warm-up bars (a warning, not bias).
import { timeframeMs, type Timeframe } from '../domain/candle.ts';
import type { Bar, Strategy } from './strategy-api.ts';
import { replayStrategy, type StrategySignalRow } from './strategy-replay.ts';

export interface LookaheadFinding {
  symbol: string;
  /** Close time of the signal's bar. */
  at: number;
  /** What the full-data run gave there, and what the cut run gave. */
  full: string;
  cut: string;
}

export interface LookaheadReport {
  signals: number;
  /** Signals re-checked on cut data (evenly spread over the run). */
  checked: number;
  lookahead: LookaheadFinding[];
  /** Signals that differ when the run starts `warmupStart` later, beyond the margin. */
  warmup: { from: number; compared: number; differing: LookaheadFinding[] };
  errors: string[];
}

export interface LookaheadOptions {
  bars: ReadonlyMap<string, readonly Bar[]>;
  timeframe: Timeframe;
  params?: unknown;
  /** How many signals to re-check on cut data (default 30), spread evenly. */
  checks?: number;
  /** Bars of warm-up granted to the later-started run before its signals are compared (default 300). */
  warmupBars?: number;
}

export function lookaheadCheck(strategy: Strategy, options: LookaheadOptions): LookaheadReport {
  const base = { bars: options.bars, timeframe: options.timeframe, params: options.params };
  const full = replayStrategy(strategy, base);
  const key = (s: Pick<StrategySignalRow, 'symbol' | 'at'>) => `${s.symbol}@${s.at}`;
  const describe = (s: StrategySignalRow | undefined) =>
    s ? `${s.side} score ${s.score.toPrecision(8)} ${s.confidence}` : 'no signal';
  const checks = Math.min(full.signals.length, options.checks ?? 30);
  const lookahead: LookaheadFinding[] = [];
  const barMs = timeframeMs(options.timeframe);
  for (let i = 0; i < checks; i++) {
    const signal = full.signals[Math.floor((i * full.signals.length) / checks)] as StrategySignalRow;
    const openTime = signal.at - barMs;
    const cut = replayStrategy(strategy, { ...base, until: openTime });
    const there = cut.signals.find((s) => key(s) === key(signal));
    // Scores are compared to 8 digits: an indicator's last bits may differ with where its sum began.
    if (describe(there) !== describe(signal))
      lookahead.push({ symbol: signal.symbol, at: signal.at, full: describe(signal), cut: describe(there) });
  }
  // Warm-up: a run that starts a quarter into the data, compared once it has had `warmupBars` bars.
  const times = [...options.bars.values()].flatMap((bars) => bars.map((b) => b.time)).sort((a, b) => a - b);
  const start = times[Math.floor(times.length / 4)] ?? 0;
  const compareFrom = start + (options.warmupBars ?? 300) * barMs;
  const later = replayStrategy(strategy, { ...base, from: start });
  const inWindow = (s: StrategySignalRow) => s.at - barMs >= compareFrom;
  const fullWindow = new Map(full.signals.filter(inWindow).map((s) => [key(s), s]));
  const laterWindow = new Map(later.signals.filter(inWindow).map((s) => [key(s), s]));
  const differing: LookaheadFinding[] = [];
  for (const k of new Set([...fullWindow.keys(), ...laterWindow.keys()])) {
    const a = fullWindow.get(k);
    const b = laterWindow.get(k);
    if (describe(a) !== describe(b)) {
      const [symbol, at] = k.split('@');
      differing.push({ symbol: symbol ?? '', at: Number(at), full: describe(a), cut: describe(b) });
    }
  }
  return {
    signals: full.signals.length,
    checked: checks,
    lookahead,
    warmup: {
      from: compareFrom,
      compared: fullWindow.size,
      differing: differing.sort((x, y) => x.at - y.at),
    },
    errors: full.errors,
  };
}
