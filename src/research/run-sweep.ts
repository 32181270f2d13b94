// A parameter sweep: every setting of the grid backtested on the worker threads over candles loaded once,
// the configuration as written run alongside, then ranked by the objective, walked forward, and judged by
// the statistics that say how much of the best result is luck. The report depends only on the settings,
// the data and the seed: not on the worker count or the order the workers finished in.
import { replayDataOf } from '../app/bot-assembly.ts';
import type { SigilConfig } from '../config/load-config.ts';
import { timeframeMs } from '../domain/candle.ts';
import type { EpochMs } from '../domain/ids.ts';
import { loadCandleSeries } from '../marketdata/candle-directory.ts';
import { settingLabel } from './grid-spec.ts';
import { checkSettings, type SweepBase } from './setting-config.ts';
import { objectiveValue, spanMetrics, type Span } from './span-metrics.ts';
import type {
  EquityPoint,
  IsOosPoint,
  Objective,
  Setting,
  SettingResult,
  SweepReport,
} from './sweep-report.ts';
import { runPool } from './sweep-pool.ts';
import { sweepStatistics } from './sweep-statistics.ts';
import type { SettingOutcome } from './sweep-worker.ts';
import { tradesEntered } from './trade-columns.ts';
import { walkForward, walkForwardWindows, type SettingTrades, type WalkForwardSpec } from './walk-forward.ts';

/** The configuration as written runs under this index, beside the grid's 0..n−1. */
export const OWN_INDEX = -1;
const DAY = 86_400_000;

export interface SweepOptions {
  base: SweepBase;
  settings: readonly Setting[];
  from?: EpochMs;
  to?: EpochMs;
  objective: Objective;
  /** Below this many trades a setting (or a training window's) is not ranked. */
  minTrades: number;
  walkForward: WalkForwardSpec | null;
  workers: number;
  /** Of the bootstrap. */
  seed: number;
  /** Of the overfitting statistic's cross-validation (even). */
  blocks: number;
  /** Ctrl-C: the workers stop at once and the report covers the settings finished. */
  signal?: AbortSignal;
  /** After each setting (the configuration as written included): how many are done of how many. */
  onProgress?: (done: number, total: number, result: SettingResult) => void;
}

export async function runSweep(options: SweepOptions): Promise<SweepReport> {
  const started = performance.now();
  const { base, settings, objective, minTrades } = options;
  // Every setting is a valid configuration, and the walk-forward fits the data, before anything runs.
  const configs = checkSettings(base, settings);
  const own = base.config;
  const series = loadCandleSeries(own.market.data, unionOfSymbols([own, ...configs]), own.market.timeframe);
  const data = replayDataOf(own, series, options.from, options.to);
  const span: Span = { from: data.first, to: data.end };
  const barMs = timeframeMs(own.market.timeframe);
  const windows = options.walkForward
    ? walkForwardWindows(options.walkForward, span.from, span.to, barMs)
    : null;

  // The configuration as written is often one of the grid's settings: its run is then the own row too.
  const ownText = JSON.stringify(own);
  const ownTwin = configs.findIndex((config) => JSON.stringify(config) === ownText);
  const outcomes = new Map<number, SettingOutcome>();
  const results = new Map<number, SettingResult>();
  const total = settings.length + 1;
  const resultOf = (outcome: SettingOutcome): SettingResult => {
    const values = settings[outcome.index]?.values ?? {};
    const label = outcome.index === OWN_INDEX ? 'config as written' : settingLabel(values);
    if (!outcome.ok) {
      return {
        index: outcome.index,
        values,
        label,
        status: 'failed',
        error: outcome.error,
        metrics: null,
        objective: null,
        rank: null,
        seconds: outcome.seconds,
      };
    }
    const metrics = spanMetrics(outcome.trades, span, outcome.startingBalance);
    return {
      index: outcome.index,
      values,
      label,
      status: 'ok',
      error: null,
      metrics,
      objective: objectiveValue(metrics, objective, minTrades),
      rank: null,
      seconds: outcome.seconds,
    };
  };
  await runPool({
    init: {
      series,
      ...(options.from === undefined ? {} : { from: options.from }),
      ...(options.to === undefined ? {} : { to: options.to }),
    },
    jobs: [
      ...(ownTwin === -1 ? [{ index: OWN_INDEX, config: own }] : []),
      ...configs.map((config, index) => ({ index, config })),
    ],
    workers: Math.max(1, options.workers),
    ...(options.signal ? { signal: options.signal } : {}),
    onOutcome: (outcome) => {
      for (const index of outcome.index === ownTwin ? [OWN_INDEX, ownTwin] : [outcome.index]) {
        const copy = { ...outcome, index };
        outcomes.set(index, copy);
        results.set(index, resultOf(copy));
      }
      options.onProgress?.(results.size, total, results.get(outcome.index) as SettingResult);
    },
  });

  const interrupted = results.size < total;
  const ranked = rank([...results.values()].filter((r) => r.index !== OWN_INDEX));
  const best = ranked[0]?.index ?? null;
  const ran: SettingTrades[] = [...outcomes.values()]
    .filter((o): o is Extract<SettingOutcome, { ok: true }> => o.ok && o.index !== OWN_INDEX)
    .sort((a, b) => a.index - b.index)
    .map(({ index, trades, startingBalance }) => ({ index, trades, startingBalance }));
  const ownOutcome = outcomes.get(OWN_INDEX);
  const ownTrades: SettingTrades | null = ownOutcome?.ok
    ? { index: OWN_INDEX, trades: ownOutcome.trades, startingBalance: ownOutcome.startingBalance }
    : null;
  const bestTrades = ran.find((s) => s.index === best) ?? null;

  const walked =
    windows && options.walkForward && !interrupted
      ? walkForward({ spec: options.walkForward, windows, settings: ran, best, objective, minTrades })
      : null;
  const statistics = interrupted
    ? null
    : sweepStatistics({
        settings: ran,
        best,
        bestLabel: best === null ? '' : (results.get(best)?.label ?? ''),
        own: ownTrades,
        span,
        minTrades,
        blocks: options.blocks,
        seed: options.seed,
        walkForward: walked?.result ?? null,
      });
  return {
    config: base.file,
    variant: base.variant,
    from: span.from,
    to: span.to,
    symbols: data.series.map((s) => s.symbol),
    objective,
    minTrades,
    keys: [...new Set(settings.flatMap((s) => Object.keys(s.values)))],
    settings: [...results.values()].filter((r) => r.index !== OWN_INDEX).sort((a, b) => a.index - b.index),
    own: results.get(OWN_INDEX) ?? null,
    best,
    bestEquity: bestTrades ? equityCurve(bestTrades, span) : [],
    ownEquity: ownTrades ? equityCurve(ownTrades, span) : [],
    scatter: walked
      ? { basis: 'walk-forward', points: walked.points }
      : { basis: 'halves', points: halves(ran, span, objective) },
    walkForward: walked?.result ?? null,
    statistics,
    interrupted,
    total: settings.length,
    finished: [...results.keys()].filter((i) => i !== OWN_INDEX).length,
    workers: options.workers,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The symbols every configuration trades, loaded once; undefined (the whole folder) when one names none. */
function unionOfSymbols(configs: readonly SigilConfig[]): string[] | undefined {
  if (configs.some((c) => c.market.symbols.length === 0)) return undefined;
  return [...new Set(configs.flatMap((c) => c.market.symbols))].sort();
}

/** Ranks 1..n by the objective, best first; equal objectives keep the grid's order. */
function rank(results: SettingResult[]): SettingResult[] {
  const ranked = results
    .filter((r) => r.objective !== null)
    .sort((a, b) => (b.objective as number) - (a.objective as number) || a.index - b.index);
  ranked.forEach((r, i) => (r.rank = i + 1));
  return ranked;
}

/** Each setting's objective in the first half of the span against the second half: the scatter without a walk-forward. */
function halves(settings: readonly SettingTrades[], span: Span, objective: Objective): IsOosPoint[] {
  const middle = span.from + Math.floor((span.to - span.from) / 2 / DAY) * DAY;
  const first = { from: span.from, to: middle };
  const second = { from: middle, to: span.to };
  const value = (s: SettingTrades, half: Span) =>
    objectiveValue(
      spanMetrics(tradesEntered(s.trades, half.from, half.to), half, s.startingBalance),
      objective,
      1,
    );
  return settings.flatMap((s) => {
    const inSample = value(s, first);
    const outOfSample = value(s, second);
    return inSample === null || outOfSample === null ? [] : [{ index: s.index, inSample, outOfSample }];
  });
}

/** Equity at the end of each UTC day with a close, from the starting balance. */
function equityCurve({ trades, startingBalance }: SettingTrades, span: Span): EquityPoint[] {
  const points: EquityPoint[] = [{ time: Math.floor(span.from / DAY) * DAY, equity: startingBalance }];
  let equity = startingBalance;
  trades.pnl.forEach((pnl, i) => {
    equity += pnl;
    const day = Math.floor((trades.closedAt[i] as number) / DAY) * DAY;
    const last = points.at(-1) as EquityPoint;
    if (last.time === day) last.equity = equity;
    else points.push({ time: day, equity });
  });
  return points;
}
