// Walk-forward: on each training span pick the setting with the best objective, then see how that choice
// did on the span that follows, which it never saw. Stitched together, the test spans are what trading
// the procedure would have made — the honest figure next to the in-sample best, which was picked knowing
// every span.
//
// Every setting runs once over the whole data and its trades are cut into the windows by entry time: a
// trade belongs to the span it was entered in. The choice in a window sees only its training span's
// trades; the indicators are warm at each window's start instead of paying a warm-up per window.
import { UsageError } from '../cli/cli-error.ts';
import { objectiveValue, spanMetrics, type Span } from './span-metrics.ts';
import type { IsOosPoint, Objective, WalkForwardResult, WalkForwardWindow } from './sweep-report.ts';
import { tradesEntered, type TradeColumns } from './trade-columns.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const UNITS: Record<string, { months: number } | { ms: number }> = {
  y: { months: 12 },
  mo: { months: 1 },
  w: { ms: 7 * DAY },
  d: { ms: DAY },
  h: { ms: HOUR },
};

type Length = { months: number } | { ms: number };

/** A training span and the test span after it. */
export type WindowSpans = readonly [train: Span, test: Span];

export interface WalkForwardSpec {
  text: string;
  train: Length;
  test: Length;
  step: Length;
}

/** `train=12mo,test=3mo[,step=3mo]` (units y, mo, w, d, h); the step defaults to the test span. */
export function parseWalkForward(text: string): WalkForwardSpec {
  const parts = new Map<string, Length>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const match = /^(train|test|step)=(\d+(?:\.\d+)?)(y|mo|w|d|h)$/.exec(part);
    if (!match) {
      throw new UsageError(
        `--walk-forward: "${part}" is not KEY=LENGTH (train, test or step; a whole number with y, mo, w, d or h, e.g. train=12mo,test=3mo)`,
      );
    }
    const [, key, amount, unit] = match as unknown as [string, string, string, string];
    if (parts.has(key)) throw new UsageError(`--walk-forward: ${key} is given twice`);
    const per = UNITS[unit] as Length;
    const n = Number(amount);
    if ('months' in per && !Number.isInteger(n)) {
      throw new UsageError(`--walk-forward: ${key}=${amount}${unit}: months and years are whole numbers`);
    }
    parts.set(key, 'months' in per ? { months: per.months * n } : { ms: per.ms * n });
  }
  const train = parts.get('train');
  const test = parts.get('test');
  if (!train || !test)
    throw new UsageError('--walk-forward needs train= and test=, e.g. train=12mo,test=3mo');
  return { text, train, test, step: parts.get('step') ?? test };
}

/**
 * The windows over [first, end): training span, then its test span, moved on by the step, as long as a
 * whole test span fits. Refused: a span shorter than one bar, a step shorter than the test span (the
 * test spans would overlap and the stitched result count trades twice), and data too short for one window.
 */
export function walkForwardWindows(
  spec: WalkForwardSpec,
  first: number,
  end: number,
  barMs: number,
): WindowSpans[] {
  const shorter = (length: Length) => after(first, length) - first < barMs;
  if (shorter(spec.train))
    throw new UsageError(`--walk-forward ${spec.text}: the training span is shorter than one bar`);
  if (shorter(spec.test))
    throw new UsageError(`--walk-forward ${spec.text}: the test span is shorter than one bar`);
  if (after(first, spec.step) < after(first, spec.test)) {
    throw new UsageError(
      `--walk-forward ${spec.text}: the step is shorter than the test span, so the test spans would overlap and the stitched out-of-sample result would count trades twice; use step ≥ test`,
    );
  }
  const windows: WindowSpans[] = [];
  for (let k = 0; ; k++) {
    const trainFrom = after(first, spec.step, k);
    const trainTo = after(trainFrom, spec.train);
    const testTo = after(trainTo, spec.test);
    if (testTo > end) break;
    windows.push([
      { from: trainFrom, to: trainTo },
      { from: trainTo, to: testTo },
    ]);
  }
  if (windows.length === 0) {
    const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
    throw new UsageError(
      `--walk-forward ${spec.text}: the data runs ${iso(first)} → ${iso(end)}, too short for one training span and its test span; shorten them or widen --from/--to`,
    );
  }
  return windows;
}

/** `time` moved on by `length` `times` times; calendar months in UTC, the day kept or cut to the month's last. */
function after(time: number, length: Length, times = 1): number {
  if ('ms' in length) return time + length.ms * times;
  const date = new Date(time);
  const months = date.getUTCMonth() + length.months * times;
  const year = date.getUTCFullYear() + Math.floor(months / 12);
  const month = ((months % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(date.getUTCDate(), lastDay);
  return (
    Date.UTC(year, month, day) +
    (time - Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()))
  );
}

export interface SettingTrades {
  index: number;
  trades: TradeColumns;
  startingBalance: number;
}

export interface WalkForwardInput {
  spec: WalkForwardSpec;
  windows: readonly WindowSpans[];
  settings: readonly SettingTrades[];
  /** The whole-span best setting's index: the in-sample figure next to the stitched one. */
  best: number | null;
  objective: Objective;
  minTrades: number;
}

export function walkForward(input: WalkForwardInput): { result: WalkForwardResult; points: IsOosPoint[] } {
  const { settings, objective, minTrades } = input;
  const balance = settings[0]?.startingBalance ?? 0;
  const points: IsOosPoint[] = [];
  const windows: WalkForwardWindow[] = [];
  const chosenTrades: TradeColumns[] = [];
  for (const [train, test] of input.windows) {
    let chosen: SettingTrades | null = null;
    let chosenObjective: number | null = null;
    for (const setting of settings) {
      const inTrain = objectiveValue(
        spanMetrics(tradesEntered(setting.trades, train.from, train.to), train, setting.startingBalance),
        objective,
        minTrades,
      );
      const inTest = objectiveValue(
        spanMetrics(tradesEntered(setting.trades, test.from, test.to), test, setting.startingBalance),
        objective,
        // Out of sample the minimum is not a filter: a test span is shorter than the whole run.
        0,
      );
      if (inTrain !== null && inTest !== null) {
        points.push({ index: setting.index, inSample: inTrain, outOfSample: inTest });
      }
      // Strictly better: on a tie the earlier setting stays, whatever order the workers finished in.
      if (inTrain !== null && (chosenObjective === null || inTrain > chosenObjective)) {
        chosen = setting;
        chosenObjective = inTrain;
      }
    }
    const testTrades = chosen ? tradesEntered(chosen.trades, test.from, test.to) : null;
    if (testTrades) chosenTrades.push(testTrades);
    windows.push({
      trainFrom: train.from,
      trainTo: train.to,
      testFrom: test.from,
      testTo: test.to,
      chosen: chosen?.index ?? null,
      trainObjective: chosenObjective,
      test: testTrades && chosen ? spanMetrics(testTrades, test, chosen.startingBalance) : null,
    });
  }
  const tests = input.windows.map(([, test]) => test);
  const whole: Span = { from: tests[0]?.from ?? 0, to: tests.at(-1)?.to ?? 0 };
  const outOfSample = stitched(chosenTrades);
  const bestSetting = settings.find((s) => s.index === input.best);
  const inSample = stitched(
    bestSetting ? tests.map((test) => tradesEntered(bestSetting.trades, test.from, test.to)) : [],
  );
  return {
    result: {
      spec: input.spec.text,
      windows,
      outOfSample: spanMetrics(outOfSample, whole, balance),
      inSample: spanMetrics(inSample, whole, balance),
      equity: dailyEquity(outOfSample, inSample, whole),
    },
    points,
  };
}

/** Trades of several spans as one set, in close order. */
function stitched(parts: readonly TradeColumns[]): TradeColumns {
  const rows = parts.flatMap((part) =>
    Array.from(part.pnl, (pnl, i) => [part.openedAt[i] as number, part.closedAt[i] as number, pnl] as const),
  );
  rows.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  return {
    openedAt: Float64Array.from(rows, (r) => r[0]),
    closedAt: Float64Array.from(rows, (r) => r[1]),
    pnl: Float64Array.from(rows, (r) => r[2]),
  };
}

/** Cumulative P&L at the end of each UTC day of the test spans, both ways. */
function dailyEquity(
  outOfSample: TradeColumns,
  inSample: TradeColumns,
  span: Span,
): WalkForwardResult['equity'] {
  const firstDay = Math.floor(span.from / DAY);
  const days = Math.max(0, Math.ceil(span.to / DAY) - firstDay);
  const perDay = (trades: TradeColumns) => {
    const pnl = new Float64Array(days);
    trades.pnl.forEach((p, i) => {
      const day = Math.min(
        days - 1,
        Math.max(0, Math.floor((trades.closedAt[i] as number) / DAY) - firstDay),
      );
      pnl[day] = (pnl[day] ?? 0) + p;
    });
    return pnl;
  };
  const oos = perDay(outOfSample);
  const is = perDay(inSample);
  let a = 0;
  let b = 0;
  return Array.from({ length: days }, (_, d) => {
    a += oos[d] ?? 0;
    b += is[d] ?? 0;
    return { time: (firstDay + d) * DAY, outOfSample: a, inSample: b };
  });
}
