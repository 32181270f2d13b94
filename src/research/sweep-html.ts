// `sigil sweep --html`: a parameter sweep as one self-contained HTML file, built like the backtest report
// (src/backtest/html-report.ts): lightweight-charts and the shared chart code inlined for the equity
// curves, so the file works from disk without network access; the heatmap and the scatter drawn here as
// markup (sweep-svg.ts). A pure function of the report, no timestamps: two identical sweeps give
// identical files.
import {
  fixed,
  grouped,
  jsonForScript,
  money,
  percent,
  scriptSafe,
  pageHead,
  REPORT_STYLE,
  SORT_SCRIPT,
  escapeHtml,
} from '../backtest/html-table.ts';
import { chartLibrary } from '../charts/chart-library.ts';
import type { ChartPoint, ChartSeries } from '../charts/chart-data.ts';
import { sigilCharts } from '../web/web-assets.ts';
import { labelOf, span } from './sweep-format.ts';
import type { EquityPoint, SweepReport, SweepStatistics } from './sweep-report.ts';
import { heatmap, heatmapKeys, scatter } from './sweep-svg.ts';
import { rankingTable, stitchedTable, windowsTable } from './sweep-tables.ts';

export interface SweepHtmlOptions {
  title: string;
  /** The heatmap's two keys; by default the first two swept keys that take more than one value. */
  heatmap?: [string, string] | undefined;
}

/** What the page embeds as JSON: the equity charts' series by the id of the element they are drawn in. */
export interface SweepHtmlData {
  charts: Record<string, (ChartSeries & { dashed?: true })[]>;
}

const DATA_ID = 'sweep-data';

export function sweepHtml(report: SweepReport, options: SweepHtmlOptions): string {
  // First, so a wrong key fails before anything is drawn.
  const keys = heatmapKeys(report, options.heatmap);
  const data: SweepHtmlData = { charts: {} };
  const chart = (id: string, series: (ChartSeries & { dashed?: true })[]): string => {
    const drawn = series.filter((s) => s.points.length > 0);
    if (drawn.length === 0) return '<p class="muted">No equity to draw.</p>';
    data.charts[id] = drawn;
    return legend(drawn) + `<div id="${id}" class="chart"></div>`;
  };
  const sections = [
    section('Verdict', verdict(report)),
    section('Settings', rankingTable(report) + `\n<p class="muted">${settingsNote(report)}</p>`),
    section(keys === null ? 'Heatmap' : `Heatmap: ${keys[0]} × ${keys[1]}`, heatmapBody(report, keys)),
    section('In sample vs out of sample', scatterBody(report)),
    ...(report.walkForward === null
      ? []
      : [
          section(
            `Walk-forward (${report.walkForward.spec})`,
            windowsTable(report, report.walkForward) +
              '\n<h3>Stitched test spans</h3>\n' +
              stitchedTable(report.walkForward) +
              '\n<h3>Cumulative P&amp;L over the test spans</h3>\n' +
              chart('walk-forward-chart', [
                {
                  variant: 'out of sample (walk-forward)',
                  color: '#2962ff',
                  points: cumulative(report.walkForward.equity, 'outOfSample'),
                },
                {
                  variant: 'in sample (hindsight best)',
                  color: '#868e96',
                  dashed: true,
                  points: cumulative(report.walkForward.equity, 'inSample'),
                },
              ]),
          ),
        ]),
    section(
      'Equity: best setting vs config as written',
      chart('equity-chart', [
        {
          variant: report.best === null ? 'best setting' : `best: ${labelOf(report, report.best)}`,
          color: '#2b8a3e',
          points: chartPoints(report.bestEquity),
        },
        { variant: 'config as written', color: '#e8590c', points: chartPoints(report.ownEquity) },
      ]),
    ),
  ];
  return [
    ...pageHead(options.title, STYLE),
    header(report, options.title),
    ...sections,
    `<script type="application/json" id="${DATA_ID}">${jsonForScript(data)}</script>`,
    `<script>${scriptSafe(chartLibrary())}</script>`,
    `<script>${scriptSafe(sigilCharts())}\n${PAGE_CHARTS}</script>`,
    `<script>${SORT_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

// ---- Sections ----

function header(report: SweepReport, title: string): string {
  const symbols = report.symbols.length <= 10 ? ` (${report.symbols.join(', ')})` : '';
  return [
    '<header>',
    `<h1>${escapeHtml(title)}</h1>`,
    ...(report.interrupted
      ? [
          `<p class="banner">Interrupted: ${grouped(report.finished)} of ${grouped(report.total)} settings finished. ` +
            'The tables cover only those, and the statistics are left out.</p>',
        ]
      : []),
    '<dl>',
    `<dt>Config</dt><dd><code>${escapeHtml(report.config)}</code>, variant ${escapeHtml(report.variant)}</dd>`,
    `<dt>Span</dt><dd>${escapeHtml(span(report.from, report.to))} (UTC)</dd>`,
    `<dt>Symbols</dt><dd>${grouped(report.symbols.length)}${escapeHtml(symbols)}</dd>`,
    `<dt>Swept keys</dt><dd>${escapeHtml(report.keys.join(', '))}</dd>`,
    `<dt>Objective</dt><dd>${escapeHtml(report.objective)}, at least ${grouped(report.minTrades)} trades</dd>`,
    `<dt>Settings</dt><dd>${grouped(report.finished)} of ${grouped(report.total)} finished</dd>`,
    `<dt>Workers</dt><dd>${grouped(report.workers)}</dd>`,
    `<dt>Time</dt><dd>${fixed(report.seconds, 1)} s</dd>`,
    '</dl>',
    '</header>',
  ].join('\n');
}

function verdict(report: SweepReport): string {
  const stats = report.statistics;
  if (stats === null) {
    return report.interrupted
      ? '<p class="verdict">The statistics need the whole sweep: over part of it they would mislead.</p>'
      : '<p class="verdict">No statistics in this report.</p>';
  }
  const { verdict: v } = stats;
  const reasons = v.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('\n');
  return [
    `<div class="verdict ${v.likelyReal ? 'likely-real' : 'luck'}">`,
    `<p class="verdict-text">${escapeHtml(v.text)}</p>`,
    `<ul>\n${reasons}\n</ul>`,
    '</div>',
    `<dl class="statistics">\n${statistics(report, stats)}\n</dl>`,
  ].join('\n');
}

function statistics(report: SweepReport, stats: SweepStatistics): string {
  const { deflatedSharpe: ds, overfitting: pbo, bootstrap: boot } = stats;
  const sharpe =
    ds.value === null
      ? '—'
      : `${percent(ds.value)} probability that the best setting's true Sharpe ratio is above zero` +
        ` (daily Sharpe ${optionalFixed(ds.sharpe, 3)}, luck alone reaches ${optionalFixed(ds.expectedMaxSharpe, 3)} over ${grouped(ds.trials)} trials and ${grouped(ds.observations)} days)`;
  const overfit =
    pbo.value === null
      ? '—'
      : `${percent(pbo.value)} of ${grouped(pbo.combinations)} train/test combinations of ${grouped(pbo.blocks)} blocks`;
  const best =
    boot.best === null
      ? '—'
      : `best (${labelOf(report, boot.best.index)}): ${money(boot.best.expectancy)} a trade over ${grouped(boot.best.trades)} trades, interval ${money(boot.best.ci[0])} to ${money(boot.best.ci[1])}`;
  const own =
    boot.own === null
      ? ''
      : `; config as written: ${money(boot.own.expectancy)} a trade over ${grouped(boot.own.trades)} trades`;
  const stat = (name: string, value: string, explanation: string, extra = ''): string =>
    `<dt>${escapeHtml(name)}</dt><dd><strong>${escapeHtml(value)}</strong>${extra}<br><span class="muted">${escapeHtml(explanation)}</span></dd>`;
  return [
    stat('Deflated Sharpe', sharpe, ds.explanation),
    stat('Probability of overfitting', overfit, pbo.explanation),
    stat(
      'Bootstrap',
      best + own,
      boot.explanation,
      boot.comparison === null ? '' : `<br>${escapeHtml(boot.comparison.summary)}`,
    ),
  ].join('\n');
}

function optionalFixed(value: number | null, decimals: number): string {
  return value === null ? '—' : fixed(value, decimals);
}

function settingsNote(report: SweepReport): string {
  const ranked = report.settings.filter((s) => s.rank !== null).length;
  const failed = report.settings.filter((s) => s.status === 'failed').length;
  return (
    `${grouped(ranked)} settings ranked by ${escapeHtml(report.objective)}, ` +
    `${grouped(report.settings.length - ranked - failed)} without one (fewer than ${grouped(report.minTrades)} trades, or undefined), ` +
    `${grouped(failed)} failed. Click a column header to sort by it.`
  );
}

function heatmapBody(report: SweepReport, keys: [string, string] | null): string {
  if (keys === null) {
    return '<p class="muted">No heatmap: it needs two swept keys that take more than one value, and this sweep has fewer.</p>';
  }
  const others = report.keys.filter((k) => !keys.includes(k));
  const what =
    others.length === 0
      ? `Each cell is the ${escapeHtml(report.objective)} of the setting with those two values.`
      : `Each cell is the best ${escapeHtml(report.objective)} over the other keys (${escapeHtml(others.join(', '))}).`;
  return `<p class="muted">${what} A grey cell had no setting with enough trades. Hover a cell for its setting.</p>\n${heatmap(report, keys)}`;
}

function scatterBody(report: SweepReport): string {
  const basis =
    report.scatter.basis === 'halves'
      ? `Each dot is a setting's ${escapeHtml(report.objective)} in the first half of the data (across) and in the second half (up).`
      : `Each dot is a setting's ${escapeHtml(report.objective)} in a walk-forward training window (across) and in the test window after it (up).`;
  return (
    `<p class="muted">${basis} Dots near the dashed diagonal: the objective holds out of sample. ` +
    'A cloud with no slope: the in-sample rank says little about what comes next. The best setting is orange.</p>\n' +
    scatter(report)
  );
}

function section(title: string, body: string): string {
  return `<section>\n<h2>${escapeHtml(title)}</h2>\n${body}\n</section>`;
}

function legend(series: readonly { variant: string; color: string }[]): string {
  const items = series.map(
    (s) =>
      `<li><span class="swatch" style="background:${escapeHtml(s.color)}"></span>${escapeHtml(s.variant)}</li>`,
  );
  return `<ul class="legend">${items.join('')}</ul>`;
}

// ---- Chart data ----

function chartPoints(points: readonly EquityPoint[]): ChartPoint[] {
  return seconds(points.map((p) => ({ time: p.time, value: p.equity })));
}

function cumulative(points: WalkForwardEquity, side: 'outOfSample' | 'inSample'): ChartPoint[] {
  return seconds(points.map((p) => ({ time: p.time, value: p[side] })));
}

type WalkForwardEquity = NonNullable<SweepReport['walkForward']>['equity'];

/**
 * In whole seconds, sorted: lightweight-charts rejects times that do not strictly increase, so points in
 * the same second become one with the last value. A non-finite value would turn into null in the JSON and
 * break the chart without a word: refused here.
 */
function seconds(points: readonly { time: number; value: number }[]): ChartPoint[] {
  const result: ChartPoint[] = [];
  for (const p of [...points].sort((a, b) => a.time - b.time)) {
    if (!Number.isFinite(p.value) || !Number.isFinite(p.time)) {
      throw new RangeError(`an equity point is not a finite number: ${p.time} → ${p.value}`);
    }
    const time = Math.floor(p.time / 1000);
    const last = result[result.length - 1];
    if (last !== undefined && last.time === time) last.value = p.value;
    else result.push({ time, value: p.value });
  }
  return result;
}

// ---- The page's own script and style ----

// The shared chart code (window.SigilCharts) draws each embedded chart into its element.
const PAGE_CHARTS = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('${DATA_ID}').textContent);
  Object.keys(data.charts).forEach(function (id) {
    var element = document.getElementById(id);
    if (element) window.SigilCharts.equityChart(element, data.charts[id]);
  });
})();
`;

// The backtest report's look (html-report.ts), plus the verdict box, the highlighted row and the heatmap.
const STYLE = `${REPORT_STYLE}
.banner { background: #fff3bf; border: 1px solid #fcc419; padding: .5rem .8rem; border-radius: 4px; font-weight: 600; }
.verdict { border-left: 6px solid #fab005; background: #fff9db; padding: .6rem 1rem; margin: .5rem 0 1rem; }
.verdict.likely-real { border-color: #2b8a3e; background: #ebfbee; }
.verdict-text { font-size: 1.35rem; font-weight: 700; margin: 0 0 .3rem; }
.verdict ul { margin: 0; padding-left: 1.2rem; }
.statistics { gap: .6rem 1rem; }
tr.own td { background: #e7f5ff; font-weight: 600; }
tr.failed td { color: #868e96; }
.heatmap td.heat { text-align: center; min-width: 4.5rem; border: 1px solid #ffffff; }
.heatmap td.empty { background: #e9ecef; color: #868e96; }
.scatter { max-width: 100%; height: auto; }
`;
