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
import type { VariantReport } from './metrics.ts';
import {
  escapeHtml,
  formatTime,
  fixed,
  grouped,
  jsonForScript,
  money,
  optional,
  percent,
  ratio,
  scriptSafe,
  pageHead,
  REPORT_STYLE,
  SORT_SCRIPT,
  table,
} from './html-table.ts';
import { balanceTable, openTable, pairTable, tradeTable } from './html-trade-tables.ts';

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
  /**
   * Buy and hold of the backtest's symbols on the same chart, scaled to the starting balance: one line
   * per distinct starting balance (one, as a rule); empty for a report without the market's change.
   */
  market: MarketSeries[];
  exits: ExitChartData;
}

/** A line drawn dashed and unstepped: it moves with every bar, not only when a trade closes. */
export type MarketSeries = ChartSeries & { dashed: true };

const DATA_ID = 'report-data';
const CHARTS_ID = 'report-charts';
const TABLES_ID = 'report-tables';
const MARKET_COLOR = '#495057';

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
    market: marketSeries(report, balances),
    exits: exitBars(report.variants, colors),
  };
  return [
    ...pageHead(options.title, STYLE),
    header(report, options.title),
    section('Variants', metricsTable(report.variants) + '\n' + balanceTable(report.variants)),
    section(
      'Realised equity',
      data.equity.length === 0
        ? '<p class="muted">No variants.</p>'
        : legend([...data.equity, ...data.market]) + '<div id="equity-chart" class="chart"></div>',
    ),
    section('Pairs', pairTable(report.variants)),
    ...(report.openAtEnd && report.openAtEnd.length > 0
      ? [section('Open at the end', openTable(report.openAtEnd))]
      : []),
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
    `<script id="${TABLES_ID}">${SORT_SCRIPT}</script>`,
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

function marketSeries(report: Report, balances: Map<string, number>): MarketSeries[] {
  const curve = report.market?.curve ?? [];
  if (curve.length === 0) return [];
  const distinct = [...new Set(balances.values())];
  return distinct.map((balance) => ({
    variant: distinct.length === 1 ? 'buy & hold' : `buy & hold (${money(balance)})`,
    color: MARKET_COLOR,
    dashed: true,
    points: curve.map((p) => ({
      time: Math.floor(Date.parse(p.time) / 1000),
      value: balance * (1 + p.change),
    })),
  }));
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
    ...(report.market
      ? [
          `<dt>Buy &amp; hold</dt><dd>${fixed(report.market.change * 100, 2)} % (the mean of ` +
            `${grouped(report.market.symbols.length)} symbols from the first open to the last close)</dd>`,
        ]
      : []),
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

// ---- The library and the page's own script ----

// The shared chart code (window.SigilCharts), then the calls that draw this page's two charts.
const PAGE_CHARTS = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('${DATA_ID}').textContent);
  var equityEl = document.getElementById('equity-chart');
  if (equityEl && data.equity.length > 0) {
    window.SigilCharts.equityChart(equityEl, data.equity.concat(data.market));
  }
  var exitsEl = document.getElementById('exits-chart');
  if (exitsEl && data.exits.series.length > 0) window.SigilCharts.exitChart(exitsEl, data.exits);
})();
`;

const STYLE = `${REPORT_STYLE}
.ab li { margin: .2rem 0; }
.verdict-a_better, .verdict-b_better { font-weight: 600; }
`;
