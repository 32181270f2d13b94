// `sigil sweep`'s terminal report: the ranked settings, the configuration as written beside them, the
// failed ones with their reasons, the walk-forward, and the statistics each in one plain sentence, ending
// with the verdict.
import type { Objective, SettingResult, SpanMetrics, SweepReport } from '../research/sweep-report.ts';
import { renderTable } from './table.ts';

export interface SweepTextOptions {
  /** The ranked rows shown; the rest are counted. */
  top: number;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const num = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);

export function sweepText(report: SweepReport, { top }: SweepTextOptions): string {
  const lines: string[] = [];
  lines.push(
    `Sweep of ${report.config} (variant ${report.variant}), ${day(report.from)} → ${day(report.to)}, ${report.symbols.length} symbols: ` +
      `${report.finished} of ${report.total} settings on ${report.workers} worker${report.workers === 1 ? '' : 's'} in ${report.seconds.toFixed(1)} s`,
  );
  lines.push(`Ranked by ${report.objective} (settings with at least ${report.minTrades} trades)`, '');
  const ranked = report.settings.filter((s) => s.rank !== null).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
  const shown = ranked.slice(0, top);
  const rows = shown.map((s) => row(String(s.rank), report.keys, s));
  if (report.own) rows.push(row('own', report.keys, report.own));
  const headers = ['rank', ...keyHeaders(report.keys), ...metricHeaders(report.objective)];
  // The rank column holds `own` too: left-aligned whether or not that row is there.
  lines.push(renderTable(headers, rows, { align: ['left'] }));
  if (ranked.length > shown.length)
    lines.push(`… and ${ranked.length - shown.length} more ranked (--top N shows more)`);
  const unranked = report.settings.filter((s) => s.status === 'ok' && s.rank === null);
  if (unranked.length > 0) {
    lines.push(
      `${unranked.length} setting${unranked.length === 1 ? '' : 's'} not ranked: fewer than ${report.minTrades} trades or the objective undefined`,
    );
  }
  const failed = report.settings.filter((s) => s.status === 'failed');
  for (const s of failed) lines.push(`failed: ${s.label}: ${s.error ?? 'unknown error'}`);
  if (report.walkForward) lines.push('', ...walkForwardLines(report));
  lines.push('');
  if (report.statistics === null) {
    lines.push(
      `Interrupted: ${report.finished} of ${report.total} settings finished. The statistics need the whole sweep; run it again to the end.`,
    );
    return lines.join('\n');
  }
  const { deflatedSharpe, overfitting, bootstrap, verdict } = report.statistics;
  lines.push(`Deflated Sharpe ratio: ${num(deflatedSharpe.value, 3)}. ${deflatedSharpe.explanation}`);
  lines.push(
    `Probability of backtest overfitting: ${overfitting.value === null ? '—' : `${(overfitting.value * 100).toFixed(overfitting.value < 0.1 ? 1 : 0)} %`}. ${overfitting.explanation}`,
  );
  lines.push(`Bootstrap: ${bootstrap.explanation}`);
  if (bootstrap.comparison) lines.push(`  ${bootstrap.comparison.summary}`);
  lines.push('', `Verdict: ${verdict.text}.`, ...verdict.reasons.map((r) => `  - ${r}`));
  return lines.join('\n');
}

const METRIC_HEADERS = ['trades', 'expectancy', 'total P&L', 'PF', 'Sharpe', 'Sortino', 'win %', 'max DD %'];
const OBJECTIVE_COLUMN: Record<Objective, string> = {
  expectancy: 'expectancy',
  total_pnl: 'total P&L',
  profit_factor: 'PF',
  sharpe: 'Sharpe',
  sortino: 'Sortino',
};

/** The metric columns, the objective's marked: the rows are ranked by it. */
function metricHeaders(objective: Objective): string[] {
  return METRIC_HEADERS.map((h) => (h === OBJECTIVE_COLUMN[objective] ? `${h} ▼` : h));
}

function row(rank: string, keys: readonly string[], s: SettingResult): (string | number)[] {
  const m = s.metrics;
  const values = keys.map((key) => (s.index < 0 ? 'as written' : valueText(s.values[key])));
  return [rank, ...values, ...metricCells(m)];
}

function metricCells(m: SpanMetrics | null): (string | number)[] {
  if (m === null) return METRIC_HEADERS.map(() => '—');
  return [
    m.trades,
    num(m.expectancy, 3),
    num(m.totalPnl),
    num(m.profitFactor),
    num(m.sharpe),
    num(m.sortino),
    num(m.winRate * 100, 1),
    num(m.maxDrawdownPct, 1),
  ];
}

function walkForwardLines(report: SweepReport): string[] {
  const wf = report.walkForward;
  if (!wf) return [];
  const label = (index: number | null) =>
    index === null
      ? '— (none had enough trades)'
      : (report.settings.find((s) => s.index === index)?.label ?? String(index));
  const rows = wf.windows.map((w) => [
    `${day(w.trainFrom)} → ${day(w.trainTo)}`,
    `${day(w.testFrom)} → ${day(w.testTo)}`,
    label(w.chosen),
    num(w.trainObjective, 3),
    w.test?.trades ?? 0,
    num(w.test?.expectancy, 3),
    num(w.test?.totalPnl),
  ]);
  const pair = (name: string, m: SpanMetrics) =>
    `${name}: ${m.trades} trades, expectancy ${num(m.expectancy, 3)}, total P&L ${num(m.totalPnl)}, Sharpe ${num(m.sharpe)}`;
  return [
    `Walk-forward ${wf.spec}: the best setting of each training span, traded on the span after it`,
    renderTable(
      ['train', 'test', 'chosen', `train ${report.objective}`, 'test trades', 'test expectancy', 'test P&L'],
      rows,
    ),
    pair('  stitched out of sample', wf.outOfSample),
    pair('  in sample (the whole-span best over the same test spans)', wf.inSample),
  ];
}

/** Each key's last part (`hard_stop_multiplier`), or the whole key where two would read the same. */
function keyHeaders(keys: readonly string[]): string[] {
  const last = keys.map((key) => key.split('.').at(-1) ?? key);
  return keys.map((key, i) => (last.filter((l) => l === last[i]).length > 1 ? key : (last[i] ?? key)));
}

function valueText(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? '';
}
