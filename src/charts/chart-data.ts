// The data behind Sigil's charts — realised equity curves and the exit-reason breakdown — shaped for
// lightweight-charts. The backtest HTML report embeds it and the dashboard's API serves it, so both draw
// the same charts from the same numbers (src/web/sigil-charts.js draws them).
import { EXIT_REASONS } from '../domain/position.ts';
import type { Report } from '../backtest/backtest-report.ts';
import type { TradeRow, VariantReport } from '../backtest/metrics.ts';

/** A chart point; without `value` it is whitespace, a slot on the time axis with nothing drawn. */
export interface ChartPoint {
  /** Seconds since the epoch (lightweight-charts' UTCTimestamp); a category slot in the exit chart. */
  time: number;
  value?: number;
}

export interface ChartSeries {
  variant: string;
  color: string;
  points: ChartPoint[];
}

export interface ExitChartData {
  /** Total P&L per exit reason, one series per variant, on slots grouped by reason. */
  series: ChartSeries[];
  /** Slot → exit reason, for the axis labels ('' on the gaps between groups). */
  labels: Record<string, string>;
  /** Slot → "reason · variant", for the crosshair. */
  tooltips: Record<string, string>;
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
 * lightweight-charts only knows a time axis, so the bar chart puts categories on fake times: one slot per
 * (reason, variant), grouped by reason with an empty slot between groups, and labels mapped back by slot.
 * Every series carries whitespace on the slots it does not fill so that each slot stays on the axis and
 * the groups line up even when a variant never exited for some reason.
 */
export function exitBars(variants: readonly VariantReport[], colors: Map<string, string>): ExitChartData {
  const withExits = variants.filter((v) => v.exits !== null && v.exits.byReason.length > 0);
  // The exit precedence order, as in each variant's byReason; first-seen order would depend on which
  // variant happens to lack a reason.
  const order = (reason: string): number => {
    const index = (EXIT_REASONS as readonly string[]).indexOf(reason);
    return index < 0 ? EXIT_REASONS.length : index;
  };
  const reasons = [...new Set(withExits.flatMap((v) => (v.exits?.byReason ?? []).map((r) => r.reason)))].sort(
    (a, b) => order(a) - order(b),
  );
  const labels: Record<string, string> = {};
  const tooltips: Record<string, string> = {};
  const group = withExits.length + 1;
  // Slot 0 would be the epoch itself; starting at 1 keeps every time a positive timestamp.
  const slot = (reason: number, variant: number): number => 1 + reason * group + variant;
  const series = withExits.map((v, vi): ChartSeries => {
    const points: ChartPoint[] = [];
    reasons.forEach((reason, ri) => {
      const time = slot(ri, vi);
      labels[time] = reason;
      tooltips[time] = `${reason} · ${v.variantId}`;
      const stats = v.exits?.byReason.find((r) => r.reason === reason);
      points.push(stats === undefined ? { time } : { time, value: stats.totalPnl });
      // The gap after each group but the last, carried by the first series alone.
      if (vi === 0 && ri < reasons.length - 1) {
        const gap = slot(ri, withExits.length);
        labels[gap] = '';
        tooltips[gap] = '';
        points.push({ time: gap });
      }
    });
    return { variant: v.variantId, color: colorOf(colors, v.variantId), points };
  });
  return { series, labels, tooltips };
}
