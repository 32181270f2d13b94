// The data behind Sigil's charts — realised equity curves (for lightweight-charts) and the exit-reason
// breakdown (for a plain SVG bar chart: lightweight-charts knows only a time axis, and categories faked on
// it repeated each reason's label once per variant). The backtest HTML report embeds it and the
// dashboard's API serves it, so both draw the same charts from the same numbers (src/web/sigil-charts.js
// draws them).
import { EXIT_REASONS } from '../domain/position.ts';
import type { Report } from '../backtest/backtest-report.ts';
import type { TradeRow, VariantReport } from '../backtest/metrics.ts';

/** A point of a time series, in seconds since the epoch (lightweight-charts' UTCTimestamp). */
export interface ChartPoint {
  time: number;
  value: number;
}

export interface ChartSeries {
  variant: string;
  color: string;
  points: ChartPoint[];
}

/** One variant's bars in the exit chart, aligned with ExitChartData.reasons. */
export interface ExitBarSeries {
  variant: string;
  color: string;
  /** Total P&L per reason; null where the variant never exited for that reason (no bar, not a 0 bar). */
  totals: (number | null)[];
  /** Closed trades per reason, 0 where totals is null. */
  counts: number[];
}

export interface ExitChartData {
  /** The categories, each once, in the exit precedence order: one group of bars per reason. */
  reasons: string[];
  /** One per variant that closed a trade, in report order. */
  series: ExitBarSeries[];
}

// Distinct on white and for the common colour-vision deficiencies; cycled past eight variants.
const PALETTE = ['#2962ff', '#e8590c', '#2b8a3e', '#c2255c', '#7048e8', '#0c8599', '#868e96', '#a61e4d'];

/** One colour per variant, by its place in the report, so a variant looks the same in both charts. */
export function variantColors(variants: readonly VariantReport[]): Map<string, string> {
  return new Map(variants.map((v, i) => [v.variantId as string, PALETTE[i % PALETTE.length] ?? '#000000']));
}

export function colorOf(colors: Map<string, string>, variant: string): string {
  return colors.get(variant) ?? '#000000';
}

/**
 * Starting balance plus cumulative P&L at each exit, in whole seconds. lightweight-charts rejects a
 * series whose times do not strictly increase, so exits within the same second become one point carrying
 * the equity after all of them. The curve opens at the starting balance at `from`, or one second before
 * the first exit when a trade closed at or before `from` (the totals count those too).
 */
export function equityCurve(report: Report, variant: string, startingBalance: number): ChartPoint[] {
  const exits = report.trades
    .filter((t) => t.variant === variant)
    .map((t) => ({ time: exitSecond(t), pnl: finitePnl(t) }))
    // Stable, so same-second exits keep the report's (fingerprint) order; a hand-built report may be unsorted.
    .sort((a, b) => a.time - b.time);
  const from = Math.floor(parseTime(report.from, 'the report start') / 1000);
  const first = exits[0];
  const points: ChartPoint[] = [
    { time: first === undefined ? from : Math.min(from, first.time - 1), value: startingBalance },
  ];
  let equity = startingBalance;
  for (const exit of exits) {
    equity += exit.pnl;
    const last = points[points.length - 1];
    if (last !== undefined && last.time === exit.time) last.value = equity;
    else points.push({ time: exit.time, value: equity });
  }
  return points;
}

function exitSecond(trade: TradeRow): number {
  return Math.floor(
    parseTime(trade.exitTime, `the exit time of a ${trade.variant} ${trade.symbol} trade`) / 1000,
  );
}

function finitePnl(trade: TradeRow): number {
  // JSON turns NaN into null, and a null in a series breaks the chart without a word: fail here instead.
  if (!Number.isFinite(trade.pnl)) {
    throw new RangeError(`a ${trade.variant} ${trade.symbol} trade has a non-finite pnl (${trade.pnl})`);
  }
  return trade.pnl;
}

function parseTime(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new RangeError(`${what} is not a valid time: ${JSON.stringify(iso)}`);
  return ms;
}

/**
 * Total P&L per exit reason and variant, grouped by reason: the reasons any variant exited for, in the
 * exit precedence order (first-seen order would depend on which variant happens to lack a reason).
 */
export function exitBars(variants: readonly VariantReport[], colors: Map<string, string>): ExitChartData {
  const withExits = variants.filter((v) => v.exits !== null && v.exits.byReason.length > 0);
  const order = (reason: string): number => {
    const index = (EXIT_REASONS as readonly string[]).indexOf(reason);
    return index < 0 ? EXIT_REASONS.length : index;
  };
  const reasons = [...new Set(withExits.flatMap((v) => (v.exits?.byReason ?? []).map((r) => r.reason)))].sort(
    (a, b) => order(a) - order(b),
  );
  const series = withExits.map((v): ExitBarSeries => {
    const stats = reasons.map((reason) => v.exits?.byReason.find((r) => r.reason === reason));
    return {
      variant: v.variantId,
      color: colorOf(colors, v.variantId),
      totals: stats.map((r) => (r === undefined ? null : r.totalPnl)),
      counts: stats.map((r) => r?.count ?? 0),
    };
  });
  return { reasons, series };
}
