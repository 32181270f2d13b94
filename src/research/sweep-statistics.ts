// How much of a sweep's best result is luck: the deflated Sharpe ratio (the best of N tried), the
// probability of backtest overfitting (does in-sample best stay good out of sample), a bootstrap interval
// of the best setting's expectancy and its A/B comparison with the configuration as written, and a verdict
// that calls the best setting real only when every test says so.
//
// The returns are daily P&L over the starting balance — the constant capital the risk sizing trades
// (constant-dollar risk) — for every setting over the same days, so the settings are compared on one
// calendar and a setting that lost its account still has returns to rank.
import { compareVariants, expectancyInterval } from '../backtest/ab-test.ts';
import { deflatedSharpe } from './deflated-sharpe.ts';
import { dailySharpe, sampleMoments } from './moments.ts';
import { MAX_BLOCKS, probabilityOfOverfitting } from './overfitting.ts';
import type { Span } from './span-metrics.ts';
import type {
  BootstrapStat,
  DeflatedSharpeStat,
  OverfittingStat,
  SweepStatistics,
  WalkForwardResult,
} from './sweep-report.ts';
import type { SettingTrades } from './walk-forward.ts';

const DAY = 86_400_000;
/** The deflated Sharpe ratio a real edge must reach: 95 % sure its Sharpe ratio is above zero. */
export const DSR_PASS = 0.95;
/** Above one half, the in-sample best more often than not ends in the worse half out of sample. */
export const PBO_PASS = 0.5;

export interface StatisticsInput {
  /** Every setting that ran (failed ones are not trials of the strategy: they made no returns). */
  settings: readonly SettingTrades[];
  best: number | null;
  bestLabel: string;
  own: SettingTrades | null;
  span: Span;
  minTrades: number;
  /** The CSCV blocks wanted (even); fewer when the span has too few days. */
  blocks: number;
  seed: number;
  walkForward: WalkForwardResult | null;
}

export function sweepStatistics(input: StatisticsInput): SweepStatistics {
  const best = input.settings.find((s) => s.index === input.best) ?? null;
  const trials = distinctTrades(input.settings);
  const returns = new Map(trials.map((s) => [s.index, dailyPnlReturns(s, input.span)]));
  const deflated = deflatedStat(input, returns, best);
  const repeats = input.settings.length - trials.length;
  if (repeats > 0) {
    const note = ` (${input.settings.length} settings ran; ${repeats} repeated another's trades exactly and count once)`;
    deflated.explanation = deflated.explanation.replace(/\.$/, `${note}.`);
  }
  const overfitting = overfittingStat(input, [...returns.values()]);
  const bootstrap = bootstrapStat(input, best);
  return {
    deflatedSharpe: deflated,
    overfitting,
    bootstrap,
    verdict: verdictOf(input, deflated, overfitting, bootstrap),
  };
}

/**
 * The settings whose trades differ, the first of each kind: two settings that made the very same trades
 * (a stop multiplier the floor overrides either way) are one trial, not two — counted twice they would
 * deflate the best setting for luck it never had, and tie with each other in every split.
 */
function distinctTrades(settings: readonly SettingTrades[]): SettingTrades[] {
  const seen = new Set<string>();
  return settings.filter(({ trades }) => {
    const key = [trades.openedAt, trades.closedAt, trades.pnl]
      .map((column) => Buffer.from(column.buffer, column.byteOffset, column.byteLength).toString('base64'))
      .join('|');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Each UTC day's realised P&L over the starting balance, for the days the span touches. */
export function dailyPnlReturns({ trades, startingBalance }: SettingTrades, span: Span): Float64Array {
  const firstDay = Math.floor(span.from / DAY);
  const days = Math.max(1, Math.ceil(span.to / DAY) - firstDay);
  const returns = new Float64Array(days);
  trades.pnl.forEach((pnl, i) => {
    const day = Math.min(days - 1, Math.max(0, Math.floor((trades.closedAt[i] as number) / DAY) - firstDay));
    returns[day] = (returns[day] ?? 0) + pnl / startingBalance;
  });
  return returns;
}

function deflatedStat(
  input: StatisticsInput,
  returns: Map<number, Float64Array>,
  best: SettingTrades | null,
): DeflatedSharpeStat {
  const trials = returns.size;
  const bestReturns = best ? returns.get(best.index) : undefined;
  const observations = bestReturns?.length ?? 0;
  const base = { trials, observations, sharpe: null, expectedMaxSharpe: null, value: null };
  if (!best || !bestReturns) {
    return { ...base, explanation: `The deflated Sharpe ratio needs a best setting: ${noBest(input)}.` };
  }
  const sharpes = [...returns.values()].map(dailySharpe).filter(Number.isFinite);
  const moments = sampleMoments(bestReturns);
  const sharpe = dailySharpe(bestReturns);
  try {
    const result = deflatedSharpe({
      sharpe,
      observations,
      skewness: moments.skewness,
      kurtosis: moments.kurtosis,
      trials,
      sharpeVariance: sharpes.length < 2 ? 0 : (sampleMoments(sharpes).std ?? 0) ** 2,
    });
    return {
      trials,
      observations,
      sharpe,
      expectedMaxSharpe: result.expectedMaxSharpe,
      value: result.value,
      explanation:
        `The deflated Sharpe ratio is the probability that the best setting's true Sharpe ratio is above zero once the ${settingsText(trials)} tried ${trials === 1 ? 'is' : 'are'} accounted for: ` +
        `its daily Sharpe ratio is ${sharpe.toFixed(3)}, and the best of ${trials} with no edge at all would reach ${result.expectedMaxSharpe.toFixed(3)} by luck.`,
    };
  } catch (error) {
    return {
      ...base,
      sharpe: Number.isFinite(sharpe) ? sharpe : null,
      explanation: `The deflated Sharpe ratio cannot be computed: ${(error as Error).message}.`,
    };
  }
}

function overfittingStat(input: StatisticsInput, returns: Float64Array[]): OverfittingStat {
  const days = returns[0]?.length ?? 0;
  // Two days a block at least, so each half has a deviation; the fewer blocks, the fewer splits.
  let blocks = Math.min(input.blocks, MAX_BLOCKS, Math.floor(days / 2));
  if (blocks % 2 === 1) blocks--;
  if (returns.length < 2 || blocks < 2) {
    const why =
      returns.length < 2
        ? `it needs at least two settings that made different trades (${returns.length} did)`
        : `the span has ${days} day${days === 1 ? '' : 's'}, too few to cut into blocks`;
    return {
      value: null,
      blocks: 0,
      combinations: 0,
      explanation: `The probability of backtest overfitting cannot be computed: ${why}.`,
    };
  }
  const { pbo, combinations } = probabilityOfOverfitting(returns, blocks);
  return {
    value: pbo,
    blocks,
    combinations,
    explanation:
      `The probability of backtest overfitting is how often the setting that was best on half of the history fell to or below the median setting on the other half: ` +
      `${percent(pbo)} of the ${combinations.toLocaleString('en-US')} ways to split ${blocks} blocks of the ${days} days.`,
  };
}

function bootstrapStat(input: StatisticsInput, best: SettingTrades | null): BootstrapStat {
  const own = input.own
    ? { trades: input.own.trades.pnl.length, expectancy: mean(input.own.trades.pnl) }
    : null;
  if (!best) {
    return { best: null, own, comparison: null, explanation: `No bootstrap interval: ${noBest(input)}.` };
  }
  const pnls = Array.from(best.trades.pnl);
  const ci = expectancyInterval(pnls, { seed: input.seed });
  const comparison = input.own
    ? compareVariants(
        { id: 'config as written', pnls: Array.from(input.own.trades.pnl) },
        { id: input.bestLabel, pnls },
        { seed: input.seed },
      )
    : null;
  const versus =
    comparison === null
      ? ''
      : comparison.verdict === 'b_better'
        ? ' It beats the configuration as written by more than noise.'
        : comparison.verdict === 'a_better'
          ? ' The configuration as written does better by more than noise.'
          : ' It does not beat the configuration as written by more than noise.';
  return {
    best: { index: best.index, trades: pnls.length, expectancy: mean(best.trades.pnl), ci },
    own,
    comparison,
    explanation:
      `Resampling its ${pnls.length} trades 10,000 times, the best setting's mean P&L per trade lies between ${ci[0].toFixed(2)} and ${ci[1].toFixed(2)} with 95 % confidence.` +
      versus,
  };
}

function verdictOf(
  input: StatisticsInput,
  deflated: DeflatedSharpeStat,
  overfitting: OverfittingStat,
  bootstrap: BootstrapStat,
): SweepStatistics['verdict'] {
  const reasons: string[] = [];
  const passed: boolean[] = [];
  const check = (ok: boolean, yes: string, no: string) => {
    passed.push(ok);
    reasons.push(ok ? yes : no);
  };
  if (input.best === null) {
    check(false, '', `No setting can be called best: ${noBest(input)}.`);
  } else {
    check(
      deflated.value !== null && deflated.value >= DSR_PASS,
      `Deflated Sharpe ratio ${fixed(deflated.value)} ≥ ${DSR_PASS}: more than the luck of trying ${settingsText(deflated.trials)}.`,
      deflated.value === null
        ? 'The deflated Sharpe ratio cannot be computed.'
        : (deflated.sharpe ?? 0) <= 0
          ? `Deflated Sharpe ratio ${fixed(deflated.value)} < ${DSR_PASS}: the best setting's Sharpe ratio is not even above zero.`
          : `Deflated Sharpe ratio ${fixed(deflated.value)} < ${DSR_PASS}: trying ${settingsText(deflated.trials)} could produce this Sharpe ratio by luck.`,
    );
    check(
      overfitting.value !== null && overfitting.value < PBO_PASS,
      `Probability of overfitting ${percent(overfitting.value)} < 50 %: the in-sample best mostly stays above the median out of sample.`,
      overfitting.value === null
        ? 'The probability of overfitting cannot be computed.'
        : `Probability of overfitting ${percent(overfitting.value)} ≥ 50 %: the in-sample best is as likely as not to be below the median out of sample.`,
    );
    const ci = bootstrap.best?.ci;
    check(
      ci !== undefined && ci[0] > 0,
      `The best setting's expectancy interval lies above zero.`,
      ci !== undefined && ci[1] < 0
        ? `The best setting's expectancy interval lies below zero: it loses money per trade beyond noise.`
        : `The best setting's expectancy interval includes zero: its trades do not show an edge beyond noise.`,
    );
    const wf = input.walkForward;
    if (wf !== null) {
      check(
        wf.outOfSample.trades > 0 && wf.outOfSample.totalPnl > 0,
        `Walk-forward: the stitched out-of-sample result made money (${wf.outOfSample.totalPnl.toFixed(2)} over ${wf.outOfSample.trades} trades).`,
        `Walk-forward: the stitched out-of-sample result did not make money (${wf.outOfSample.totalPnl.toFixed(2)} over ${wf.outOfSample.trades} trades).`,
      );
    }
  }
  const likelyReal = passed.every(Boolean);
  return {
    likelyReal,
    text: likelyReal ? 'the best setting is likely real' : 'the data cannot tell it from luck',
    reasons,
  };
}

function noBest(input: StatisticsInput): string {
  return input.settings.length === 0
    ? 'no setting ran'
    : `no setting made the minimum of ${input.minTrades} trades with a defined objective`;
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length === 0 ? 0 : sum / values.length;
}

const settingsText = (n: number) => `${n} setting${n === 1 ? '' : 's'}`;
const fixed = (value: number | null) => (value === null ? '—' : value.toFixed(3));
/** Whole percent, one decimal below 10 % (0.5 %, not a rounded 1 %). */
const percent = (value: number | null) =>
  value === null ? '—' : `${(value * 100).toFixed(value < 0.1 ? 1 : 0)} %`;
