// A backtest report as one self-contained HTML file: tables for the numbers, TradingView's
// lightweight-charts for the equity curves, a plain SVG bar chart for the exit breakdown (drawn by the
// dashboard's src/web/sigil-charts.js). The library is inlined, not linked,
// so the file still works when opened from disk on a machine without network access, and the output is
// a pure function of the report (no timestamps), so two runs of the same backtest give the same file.
import { chartLibrary } from '../charts/chart-library.ts';
import {
  colorOf,
  equityCurve,
  exitBars,
  variantColors,
  type ChartSeries,
  type ExitChartData,
} from '../charts/chart-data.ts';
import { sigilCharts } from '../web/web-assets.ts';

export type { ChartPoint, ChartSeries } from '../charts/chart-data.ts';
import type { Report } from './backtest-report.ts';
import type { TradeRow, VariantReport } from './metrics.ts';

export interface HtmlReportOptions {
  title: string;
  /** Per variant id; every variant of the report needs one (the equity curves start from it). */
  startingBalances: Record<string, number>;
}

/** What the page embeds as JSON and its chart code reads. */
export interface HtmlReportData {
  title: string;
  /** The report as given, after a JSON round trip: the unbounded A/B intervals (±Infinity) become null. */
  report: Report;
  startingBalances: Record<string, number>;
  /** Realised equity per variant, in report order; times strictly increasing per series. */
  equity: ChartSeries[];
  exits: ExitChartData;
}

/** Rows of the trade table; a year of 15-minute bars can close thousands, and the page must stay light. */
export const TRADE_ROWS_SHOWN = 500;

const DATA_ID = 'report-data';
const CHARTS_ID = 'report-charts';

export function htmlReport(report: Report, options: HtmlReportOptions): string {
  const balances = startingBalances(report, options.startingBalances);
  const colors = variantColors(report.variants);
  const data: HtmlReportData = {
    title: options.title,
    report,
    startingBalances: Object.fromEntries(balances),
    equity: report.variants.map((v) => ({
      variant: v.variantId,
      color: colorOf(colors, v.variantId),
      points: equityCurve(report, v.variantId, balanceOf(balances, v.variantId)),
    })),
    exits: exitBars(report.variants, colors),
  };
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(options.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    header(report, options.title),
    section('Variants', metricsTable(report.variants)),
    section(
      'Realised equity',
      data.equity.length === 0
        ? '<p class="muted">No variants.</p>'
        : legend(data.equity) + '<div id="equity-chart" class="chart"></div>',
    ),
    section(
      'Exits',
      '<h3>Total P&amp;L per exit reason</h3>' +
        legend(data.exits.series) +
        (data.exits.series.length === 0
          ? '<p class="muted">No closed trades.</p>'
          : '<div id="exits-chart" class="chart"></div>') +
        exitTable(report.variants),
    ),
    section('A/B comparison', abList(report)),
    section('Trades', tradeTable(report.trades)),
    `<script type="application/json" id="${DATA_ID}">${jsonForScript(data)}</script>`,
    `<script>${scriptSafe(chartLibrary())}</script>`,
    `<script id="${CHARTS_ID}">${scriptSafe(sigilCharts())}\n${PAGE_CHARTS}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function startingBalances(report: Report, given: Record<string, number>): Map<string, number> {
  const balances = new Map<string, number>();
  for (const v of report.variants) {
    // Own keys only: a variant named "constructor" must not pick up Object.prototype's.
    const balance = Object.hasOwn(given, v.variantId) ? given[v.variantId] : undefined;
    if (balance === undefined) throw new RangeError(`no starting balance for variant ${v.variantId}`);
    if (!(Number.isFinite(balance) && balance > 0)) {
      throw new RangeError(
        `the starting balance of ${v.variantId} must be a finite number > 0, got ${balance}`,
      );
    }
    balances.set(v.variantId, balance);
  }
  return balances;
}

function balanceOf(balances: Map<string, number>, variant: string): number {
  const balance = balances.get(variant);
  if (balance === undefined) throw new RangeError(`no starting balance for variant ${variant}`);
  return balance;
}

// ---- HTML ----

function header(report: Report, title: string): string {
  return [
    '<header>',
    `<h1>${escapeHtml(title)}</h1>`,
    '<dl>',
    `<dt>Range</dt><dd>${escapeHtml(formatTime(report.from))} to ${escapeHtml(formatTime(report.to))}</dd>`,
    `<dt>Trades</dt><dd>${grouped(report.trades.length)}</dd>`,
    `<dt>Data gaps</dt><dd>${grouped(report.gaps)}</dd>`,
    `<dt>Fingerprint</dt><dd><code>${escapeHtml(report.fingerprint)}</code></dd>`,
    '</dl>',
    '</header>',
  ].join('\n');
}

function section(title: string, body: string): string {
  return `<section>\n<h2>${escapeHtml(title)}</h2>\n${body}\n</section>`;
}

function legend(series: readonly { variant: string; color: string }[]): string {
  if (series.length === 0) return '';
  const items = series.map(
    (s) =>
      `<li><span class="swatch" style="background:${escapeHtml(s.color)}"></span>${escapeHtml(s.variant)}</li>`,
  );
  return `<ul class="legend">${items.join('')}</ul>`;
}

interface Column<T> {
  title: string;
  cell: (row: T) => string;
  /** Text columns align left; numbers right, so their digits line up. */
  text?: boolean;
  /** Colour the cell by the sign of this value. */
  sign?: (row: T) => number;
}

function table<T>(columns: readonly Column<T>[], rows: readonly T[], rowClass = ''): string {
  const head = columns.map((c) => `<th${c.text ? ' class="text"' : ''}>${escapeHtml(c.title)}</th>`).join('');
  const body = rows.map((row) => {
    const cells = columns.map((c) => {
      const classes = [c.text ? 'text' : '', c.sign ? signClass(c.sign(row)) : ''].filter((k) => k !== '');
      const attr = classes.length === 0 ? '' : ` class="${classes.join(' ')}"`;
      return `<td${attr}>${escapeHtml(c.cell(row))}</td>`;
    });
    return `<tr${rowClass === '' ? '' : ` class="${rowClass}"`}>${cells.join('')}</tr>`;
  });
  // In its own scrolling box: the trade table is far wider than a phone, and the page must not be.
  return `<div class="table-scroll"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body.join('\n')}\n</tbody>\n</table></div>`;
}

function signClass(value: number): string {
  return value > 0 ? 'pos' : value < 0 ? 'neg' : '';
}

function metricsTable(variants: readonly VariantReport[]): string {
  if (variants.length === 0) return '<p class="muted">No variants.</p>';
  return (
    table<VariantReport>(
      [
        { title: 'Variant', cell: (v) => v.variantId, text: true },
        { title: 'Trades', cell: (v) => grouped(v.trades) },
        { title: 'Win rate', cell: (v) => percent(v.winRate) },
        { title: 'Expectancy', cell: (v) => money(v.expectancy), sign: (v) => v.expectancy },
        { title: 'Total P&L', cell: (v) => money(v.totalPnl), sign: (v) => v.totalPnl },
        { title: 'Fees', cell: (v) => money(v.fees) },
        { title: 'Max drawdown', cell: (v) => money(v.maxDrawdown) },
        // maxDrawdownPct is already in percent (0..100), unlike the 0..1 rates.
        { title: 'Max drawdown %', cell: (v) => `${fixed(v.maxDrawdownPct, 1)} %` },
        { title: 'Sharpe', cell: (v) => optional(v.sharpe, 2) },
        { title: 'Sortino', cell: (v) => optional(v.sortino, 2) },
        { title: 'Exposure', cell: (v) => percent(v.exposure) },
        { title: 'Hard stop / trail', cell: (v) => ratio(v.exits?.winLossRatio ?? null) },
        { title: 'Final equity', cell: (v) => money(v.finalEquity) },
      ],
      variants,
    ) +
    '\n<p class="muted">Hard stop / trail: the mean hard-stop loss over the mean trail win, i.e. how many trail wins one stop-out erases.</p>'
  );
}

interface ExitRow {
  variant: string;
  reason: string;
  count: number;
  share: number;
  avgPnl: number;
  totalPnl: number;
  winRate: number;
}

function exitTable(variants: readonly VariantReport[]): string {
  const rows: ExitRow[] = variants.flatMap((v) =>
    (v.exits?.byReason ?? []).map((r) => ({ variant: v.variantId, ...r })),
  );
  if (rows.length === 0) return '';
  return (
    '<h3>By exit reason</h3>\n' +
    table<ExitRow>(
      [
        { title: 'Variant', cell: (r) => r.variant, text: true },
        { title: 'Exit reason', cell: (r) => r.reason, text: true },
        { title: 'Count', cell: (r) => grouped(r.count) },
        { title: 'Share', cell: (r) => percent(r.share) },
        { title: 'Avg P&L', cell: (r) => money(r.avgPnl), sign: (r) => r.avgPnl },
        { title: 'Total P&L', cell: (r) => money(r.totalPnl), sign: (r) => r.totalPnl },
        { title: 'Win rate', cell: (r) => percent(r.winRate) },
      ],
      rows,
    )
  );
}

function abList(report: Report): string {
  if (report.ab.length === 0)
    return '<p class="muted">Nothing to compare: the report has fewer than two variants.</p>';
  const items = report.ab.map(
    (c) => `<li class="verdict-${escapeHtml(c.verdict)}">${escapeHtml(c.summary)}</li>`,
  );
  return `<ul class="ab">\n${items.join('\n')}\n</ul>`;
}

function tradeTable(trades: readonly TradeRow[]): string {
  if (trades.length === 0) return '<p class="muted">No closed trades.</p>';
  const shown = trades.slice(0, TRADE_ROWS_SHOWN);
  const more = trades.length - shown.length;
  const note =
    more > 0
      ? `<p class="note">The first ${grouped(shown.length)} of ${grouped(trades.length)} trades; ` +
        `${grouped(more)} more not shown.</p>\n`
      : '';
  return (
    note +
    table<TradeRow>(
      [
        { title: 'Variant', cell: (t) => t.variant, text: true },
        { title: 'Symbol', cell: (t) => t.symbol, text: true },
        { title: 'Side', cell: (t) => t.side, text: true },
        { title: 'Signal', cell: (t) => (t.signalTime ? formatTime(t.signalTime) : '—'), text: true },
        { title: 'Entry', cell: (t) => formatTime(t.entryTime), text: true },
        { title: 'Entry price', cell: (t) => plain(t.entryPrice) },
        { title: 'Initial stop', cell: (t) => plain(t.initialStop) },
        { title: 'Stop %', cell: (t) => (t.stopFraction * 100).toFixed(2) },
        { title: 'ATR at signal', cell: (t) => (t.atrAtSignal === null ? '—' : plain(t.atrAtSignal)) },
        { title: 'Qty', cell: (t) => plain(t.qty) },
        { title: 'Exit', cell: (t) => formatTime(t.exitTime), text: true },
        { title: 'Exit price', cell: (t) => plain(t.exitPrice) },
        { title: 'Bars', cell: (t) => String(t.barsHeld) },
        { title: 'Exit reason', cell: (t) => t.exitReason, text: true },
        { title: 'MAE (R)', cell: (t) => (t.maeR === null ? '—' : t.maeR.toFixed(2)) },
        { title: 'MFE (R)', cell: (t) => (t.mfeR === null ? '—' : t.mfeR.toFixed(2)) },
        { title: 'Fees', cell: (t) => money(t.fees) },
        { title: 'P&L', cell: (t) => money(t.pnl), sign: (t) => t.pnl },
      ],
      shown,
      'trade',
    )
  );
}

// ---- Escaping ----

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * JSON that can sit inside a <script> element: the HTML parser ends the element at the first `</script`
 * whatever the JavaScript means, and `<!--` can switch it into a mode where it does not end where it
 * should. Escaping every `<` as \u003c rules out both; JSON.parse reads the escape back as `<`.
 */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * The library's own code, made safe to inline for the same reason. It has no `</script` today; if a
 * release ever puts one in a string or a regular expression, `<\/` means the same there.
 */
function scriptSafe(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1');
}

// ---- Formatting (by hand, not toLocaleString: the file must not depend on the host's ICU data) ----

function grouped(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function fixed(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return String(value);
  const text = Math.abs(value).toFixed(decimals);
  const [whole = '', fraction] = text.split('.');
  const digits = fraction === undefined ? grouped(Number(whole)) : `${grouped(Number(whole))}.${fraction}`;
  // A typographic minus, as in the A/B summaries, and none on a value that rounds to zero.
  return value < 0 && Number(text) !== 0 ? `\u2212${digits}` : digits;
}

/** Two decimals, more when that would show a small amount as 0.00 (a forex variant's 0.0004 in fees). */
function money(value: number): string {
  const size = Math.abs(value);
  const decimals = size > 0 && size < 0.01 ? Math.min(8, 1 - Math.floor(Math.log10(size))) : 2;
  return fixed(value, decimals);
}

function percent(fraction: number): string {
  return `${fixed(fraction * 100, 1)} %`;
}

function optional(value: number | null, decimals: number): string {
  return value === null ? '—' : fixed(value, decimals);
}

function ratio(value: number | null): string {
  return value === null ? '—' : `${fixed(value, 1)}×`;
}

/** Prices and quantities as given, rounded to 12 significant digits to drop float noise (0.1 + 0.2). */
function plain(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(12))) : String(value);
}

/** "2026-01-05 10:00:00Z" from the report's ISO strings; anything else is shown as it came. */
function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.000Z$/, 'Z');
}

// ---- The library and the page's own script ----

// The shared chart code (window.SigilCharts), then the calls that draw this page's two charts.
const PAGE_CHARTS = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('${DATA_ID}').textContent);
  var equityEl = document.getElementById('equity-chart');
  if (equityEl && data.equity.length > 0) window.SigilCharts.equityChart(equityEl, data.equity);
  var exitsEl = document.getElementById('exits-chart');
  if (exitsEl && data.exits.series.length > 0) window.SigilCharts.exitChart(exitsEl, data.exits);
})();
`;

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #212529; margin: 0 auto; padding: 1.5rem; max-width: 1280px; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; border-bottom: 1px solid #dee2e6; padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dt { color: #868e96; }
dd { margin: 0; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; word-break: break-all; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: .3rem 0; }
th, td { padding: .25rem .6rem; text-align: right; border-bottom: 1px solid #e9ecef; white-space: nowrap; }
th { background: #f8f9fa; font-weight: 600; position: sticky; top: 0; }
.text { text-align: left; }
.pos { color: #2b8a3e; }
.neg { color: #c92a2a; }
.muted, .note { color: #868e96; }
.table-scroll { overflow-x: auto; max-width: 100%; }
.chart { height: 360px; position: relative; }
.legend { list-style: none; padding: 0; margin: .2rem 0 .4rem; display: flex; flex-wrap: wrap; gap: 1rem; }
.swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin-right: .35rem; vertical-align: -1px; }
.ab li { margin: .2rem 0; }
.verdict-a_better, .verdict-b_better { font-weight: 600; }
`;
