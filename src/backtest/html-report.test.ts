import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import { variantId } from '../domain/ids.ts';
import type { ExitReasonStats, VariantExitStats } from '../risk/exit-stats.ts';
import type { AbComparison } from './ab-test.ts';
import type { Report } from './backtest-report.ts';
import { htmlReport, type ChartPoint, type HtmlReportData } from './html-report.ts';
import type { TradeRow, VariantReport } from './metrics.ts';

const XSS = '<script>alert(1)</script>';
const FINGERPRINT = 'f00dfeed'.repeat(8);
const BALANCES = { alpha: 1000, beta: 500 };

function trade(variant: string, exitTime: string, pnl: number, overrides: Partial<TradeRow> = {}): TradeRow {
  return {
    variant,
    symbol: 'BTC/USDT',
    side: 'long',
    signalTime: '2026-01-05T01:00:00.000Z',
    entryTime: '2026-01-05T01:00:00.000Z',
    entryPrice: 100,
    exitTime,
    exitPrice: 100 + pnl,
    qty: 1,
    initialStop: 97,
    stopFraction: 0.03,
    atrAtSignal: 2,
    barsHeld: 3,
    exitReason: pnl > 0 ? 'atr_trail' : 'hard_stop',
    fees: 0.1,
    pnl,
    mae: 1,
    mfe: 4,
    maeR: 1 / 3,
    mfeR: 4 / 3,
    ...overrides,
  };
}

function reason(stats: Omit<ExitReasonStats, 'share'>, of: number): ExitReasonStats {
  return { ...stats, share: stats.count / of };
}

/** A VariantReport with only what the page shows filled in meaningfully. */
function variant(id: string, fields: Partial<VariantReport>, byReason: ExitReasonStats[]): VariantReport {
  const trades = byReason.reduce((n, r) => n + r.count, 0);
  const exits: VariantExitStats | null =
    trades === 0
      ? null
      : {
          variantId: variantId(id),
          trades,
          totalPnl: byReason.reduce((n, r) => n + r.totalPnl, 0),
          winRate: 0.5,
          byReason,
          avgHardStopLoss: null,
          avgTrailWin: null,
          winLossRatio: null,
        };
  return {
    variantId: variantId(id),
    trades,
    wins: 0,
    winRate: 0,
    totalPnl: 0,
    avgPnl: 0,
    expectancy: 0,
    avgWin: null,
    avgLoss: null,
    fees: 0,
    maxDrawdown: 0,
    maxDrawdownPct: 0,
    sharpe: null,
    sortino: null,
    exposure: 0,
    finalEquity: 0,
    exits,
    startingBalance: 1000,
    totalReturnPct: 0,
    profitFactor: null,
    avgDurationMs: null,
    bestTrade: null,
    worstTrade: null,
    bestPair: null,
    worstPair: null,
    maxConsecutiveLosses: 0,
    maxConsecutiveWins: 0,
    pairs: [],
    openAtEnd: null,
    ...fields,
  };
}

const AB: AbComparison = {
  a: 'alpha',
  b: 'beta',
  tradesA: 3,
  tradesB: 2,
  expectancyA: 2.8333,
  expectancyB: 1.875,
  expectancyDiff: -0.9583,
  expectancyCi: [-Infinity, Infinity],
  totalPnlDiff: -4.75,
  totalPnlCi: [-Infinity, Infinity],
  confidence: 0.95,
  verdict: 'undecided',
  moreTradesNeeded: null,
  summary: 'alpha vs beta: too few trades to compare (3 and 2; at least 2 each are needed) <b>',
};

/**
 * alpha: +10 and −4 in the same second (10:00:00.000 and .400), then +2.5.
 * beta: +5 in that same second (another variant: not merged with alpha's), then −1.25; its symbol is XSS.
 */
function sampleReport(): Report {
  return {
    from: '2026-01-05T00:00:00.000Z',
    to: '2026-01-08T00:00:00.000Z',
    gaps: 3,
    fingerprint: FINGERPRINT,
    trades: [
      trade('alpha', '2026-01-05T10:00:00.000Z', 10),
      trade('beta', '2026-01-05T10:00:00.000Z', 5, { symbol: XSS }),
      trade('alpha', '2026-01-05T10:00:00.400Z', -4, { symbol: 'ETH/USDT' }),
      trade('alpha', '2026-01-06T12:00:00.000Z', 2.5, { exitReason: 'take_profit' }),
      trade('beta', '2026-01-07T08:30:00.000Z', -1.25, { exitReason: 'time_stop', qty: 0.1 + 0.2 }),
    ],
    variants: [
      variant(
        'alpha',
        {
          wins: 2,
          winRate: 2 / 3,
          totalPnl: 8.5,
          avgPnl: 8.5 / 3,
          expectancy: 8.5 / 3,
          fees: 0.3,
          maxDrawdown: 4,
          maxDrawdownPct: 0.3976,
          sharpe: 1.234,
          sortino: 2.5,
          exposure: 0.25,
          finalEquity: 1008.5,
        },
        [
          reason({ reason: 'hard_stop', count: 1, avgPnl: -4, totalPnl: -4, winRate: 0 }, 3),
          reason({ reason: 'atr_trail', count: 1, avgPnl: 10, totalPnl: 10, winRate: 1 }, 3),
          reason({ reason: 'take_profit', count: 1, avgPnl: 2.5, totalPnl: 2.5, winRate: 1 }, 3),
        ],
      ),
      variant(
        'beta',
        { wins: 1, winRate: 0.5, totalPnl: 3.75, fees: 0.2, finalEquity: 503.75, expectancy: 1.875 },
        [
          reason({ reason: 'atr_trail', count: 1, avgPnl: 5, totalPnl: 5, winRate: 1 }, 2),
          reason({ reason: 'time_stop', count: 1, avgPnl: -1.25, totalPnl: -1.25, winRate: 0 }, 2),
        ],
      ),
    ],
    ab: [AB],
    // Two symbols: +10 % and −2 % over the span, +4 % on average; the curve's middle point is hand-made.
    market: {
      change: 0.04,
      symbols: [
        { symbol: 'BTC/USDT', firstOpen: 100, lastClose: 110, change: 0.1 },
        { symbol: 'ETH/USDT', firstOpen: 50, lastClose: 49, change: -0.02 },
      ],
      curve: [
        { time: '2026-01-05T00:00:00.000Z', change: 0 },
        { time: '2026-01-06T12:00:00.000Z', change: -0.01 },
        { time: '2026-01-08T00:00:00.000Z', change: 0.04 },
      ],
    },
  };
}

function render(report: Report = sampleReport()): string {
  return htmlReport(report, { title: 'Reference <run> & co', startingBalances: BALANCES });
}

function embedded(html: string): HtmlReportData {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(match?.[1] !== undefined, 'no embedded JSON');
  return JSON.parse(match[1]) as HtmlReportData;
}

function seconds(iso: string): number {
  return Date.parse(iso) / 1000;
}

function assertNear(actual: number | undefined, expected: number): void {
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) < 1e-9,
    `expected ${expected}, got ${actual}`,
  );
}

function assertPoints(
  actual: readonly ChartPoint[] | undefined,
  expected: readonly [string, number][],
): void {
  assert.ok(actual !== undefined);
  assert.deepEqual(
    actual.map((p) => p.time),
    expected.map(([iso]) => seconds(iso)),
  );
  expected.forEach(([, value], i) => assertNear(actual[i]?.value, value));
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('htmlReport', () => {
  it('is one HTML document with the library inlined and the header facts', () => {
    const html = render();
    assert.ok(html.startsWith('<!DOCTYPE html>'));
    assert.ok(html.trimEnd().endsWith('</html>'));
    // The standalone build, inlined: no external script or stylesheet to fetch.
    assert.ok(html.includes('createChart'));
    assert.ok(html.includes('window.LightweightCharts='));
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=/);
    assert.ok(html.includes(FINGERPRINT));
    assert.ok(html.includes('<title>Reference &lt;run&gt; &amp; co</title>'));
    assert.ok(html.includes('<dt>Data gaps</dt><dd>3</dd>'));
    assert.ok(html.includes('2026-01-05 00:00:00Z to 2026-01-08 00:00:00Z'));
    for (const name of ['alpha', 'beta']) assert.ok(html.includes(`<td class="text">${name}</td>`), name);
    assert.ok(html.includes('id="equity-chart"') && html.includes('id="exits-chart"'));
  });

  it('shows each hostile string only escaped, in the tables and in the embedded JSON', () => {
    const html = render();
    assert.ok(!html.includes(XSS));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('(3 and 2; at least 2 each are needed) &lt;b&gt;'));
    // Exactly the page's four scripts close: the symbol did not end the JSON one early.
    assert.equal(count(html.toLowerCase(), '</script'), 4);
    assert.equal(count(html.toLowerCase(), '<script'), 4);
    // …and it reads back intact.
    const data = embedded(html);
    assert.equal(data.report.trades[1]?.symbol, XSS);
    assert.equal(data.report.ab[0]?.summary, AB.summary);
    assert.equal(data.title, 'Reference <run> & co');
  });

  it('embeds realised equity per variant: strictly increasing seconds, same-second exits merged', () => {
    const data = embedded(render());
    assert.deepEqual(
      data.equity.map((s) => s.variant),
      ['alpha', 'beta'],
    );
    for (const series of data.equity) {
      for (let i = 1; i < series.points.length; i++) {
        assert.ok(
          (series.points[i]?.time ?? 0) > (series.points[i - 1]?.time ?? 0),
          `${series.variant} at ${i}`,
        );
      }
      for (const p of series.points) assert.ok(Number.isInteger(p.time));
    }
    // alpha's +10 and −4 close 400 ms apart: one point with the equity after both (1000 + 6).
    assertPoints(data.equity[0]?.points, [
      ['2026-01-05T00:00:00Z', 1000],
      ['2026-01-05T10:00:00Z', 1006],
      ['2026-01-06T12:00:00Z', 1008.5],
    ]);
    // beta closes in that same second too, but its curve is its own.
    assertPoints(data.equity[1]?.points, [
      ['2026-01-05T00:00:00Z', 500],
      ['2026-01-05T10:00:00Z', 505],
      ['2026-01-07T08:30:00Z', 503.75],
    ]);
    assert.deepEqual(data.startingBalances, BALANCES);
    // The unbounded intervals of a too-small comparison survive as null, not as a JSON error.
    assert.deepEqual(data.report.ab[0]?.expectancyCi, [null, null]);
  });

  it('sorts exits by time and opens before a trade that closed before the range', () => {
    const report = sampleReport();
    report.trades = [
      trade('alpha', '2026-01-06T00:00:00.000Z', 1),
      // Closed before `from`: still counted, so the curve opens a second before it.
      trade('alpha', '2026-01-04T23:59:59.999Z', -2),
    ];
    const data = embedded(render(report));
    assertPoints(data.equity[0]?.points, [
      ['2026-01-04T23:59:58Z', 1000],
      ['2026-01-04T23:59:59Z', 998],
      ['2026-01-06T00:00:00Z', 999],
    ]);
    // A variant without trades is a flat start at `from`.
    assertPoints(data.equity[1]?.points, [['2026-01-05T00:00:00Z', 500]]);
  });

  it('formats the metrics table', () => {
    const html = render();
    const alphaRow = html.split('\n').find((line) => line.startsWith('<tr><td class="text">alpha</td>'));
    assert.ok(alphaRow !== undefined);
    const cells = [...alphaRow.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    assert.deepEqual(cells, [
      'alpha',
      '3',
      '66.7 %',
      '2.83',
      '8.50',
      '0.30',
      '4.00',
      '0.4 %',
      '1.23',
      '2.50',
      '25.0 %',
      '—',
      '1,008.50',
    ]);
    assert.ok(html.includes('<td class="pos">8.50</td>'));
  });

  it('breaks exits down per reason: a table and one group of bars per reason, in reason order', () => {
    const html = render();
    assert.ok(
      html.includes('<td class="text">beta</td><td class="text">time_stop</td><td>1</td><td>50.0 %</td>'),
    );
    assert.ok(html.includes('<td class="neg">\u22121.25</td>'));
    const { exits } = embedded(html);
    // Each reason once, in EXIT_REASONS order across variants; a variant's bars line up with them.
    const reasons = ['hard_stop', 'atr_trail', 'take_profit', 'time_stop'];
    assert.deepEqual(exits.reasons, reasons);
    assert.deepEqual(
      exits.series.map((s) => [s.variant, s.totals, s.counts]),
      [
        ['alpha', [-4, 10, 2.5, null], [1, 1, 1, 0]],
        ['beta', [null, 5, null, -1.25], [0, 1, 0, 1]],
      ],
    );
    assert.deepEqual(
      exits.series.map((s) => s.color),
      embedded(html).equity.map((s) => s.color),
    );

    // beta first: its reasons are seen first, yet the groups keep the exit precedence order.
    const swapped = sampleReport();
    swapped.variants.reverse();
    const swappedExits = embedded(render(swapped)).exits;
    assert.equal(swappedExits.series[0]?.variant, 'beta');
    assert.deepEqual(swappedExits.reasons, reasons);
    assert.deepEqual(swappedExits.series[0]?.totals, [null, 5, null, -1.25]);
  });

  it('lists the A/B summaries', () => {
    assert.match(render(), /<ul class="ab">\n<li class="verdict-undecided">alpha vs beta: too few trades/);
    const single = sampleReport();
    single.ab = [];
    assert.ok(render(single).includes('Nothing to compare'));
  });

  it('lists every trade, not the first 500, with prices to their significant digits', () => {
    const report = sampleReport();
    report.trades = Array.from({ length: 503 }, (_, i) =>
      trade('alpha', new Date(Date.UTC(2026, 0, 5, 1) + i * 60_000).toISOString(), 1),
    );
    const html = render(report);
    assert.equal(count(html, '<tr class="trade">'), 503);
    assert.ok(html.includes('503 trades; click a column header to sort by it.'));
    assert.ok(!html.includes('not shown'));
    // The curve covers every trade, one point per minute after the opening one.
    const alpha = embedded(html).equity[0]?.points ?? [];
    assert.equal(alpha.length, 503 + 1);
    assertNear(alpha.at(-1)?.value, 1000 + 503);

    // A PEPE trade: its prices keep their digits (0.00 before), its ATR too.
    const pepe = sampleReport();
    pepe.trades = [
      trade('alpha', '2026-01-06T00:00:00.000Z', 0.5, {
        symbol: 'PEPE/USDT',
        entryPrice: 0.0000012,
        exitPrice: 0.00000135,
        initialStop: 0.00000114,
        atrAtSignal: 0.0000000234,
      }),
    ];
    const row = render(pepe)
      .split('\n')
      .find((line) => line.startsWith('<tr class="trade">'));
    const cells = [...(row ?? '').matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    assert.deepEqual(
      [cells[5], cells[6], cells[8], cells[11]],
      ['0.0000012', '0.00000114', '0.0000000234', '0.00000135'],
    );
  });

  it('sorts the trade table by the column header clicked, numbers by value, missing values last', () => {
    const report = sampleReport();
    // beta's first trade has no ATR: it sorts last whichever way.
    report.trades[1] = { ...(report.trades[1] as TradeRow), atrAtSignal: null, pnl: 1000 };
    const tables = runTableScript(render(report));
    const trades = tables.find((t) => t.heads[0]?.textContent === 'Variant' && t.heads.length === 18);
    assert.ok(trades);
    const column = (title: string) => trades.heads.findIndex((h) => h.textContent === title);
    const pnls = () => trades.body.rows.map((r) => r.cells[column('P&L')]?.textContent);
    assert.deepEqual(pnls(), ['10.00', '1,000.00', '\u22124.00', '2.50', '\u22121.25']);

    trades.heads[column('P&L')]?.click();
    assert.deepEqual(pnls(), ['\u22124.00', '\u22121.25', '2.50', '10.00', '1,000.00']);
    assert.equal(trades.heads[column('P&L')]?.attributes.get('aria-sort'), 'ascending');
    trades.heads[column('P&L')]?.click();
    assert.deepEqual(pnls(), ['1,000.00', '10.00', '2.50', '\u22121.25', '\u22124.00']);
    assert.equal(trades.heads[column('P&L')]?.attributes.get('aria-sort'), 'descending');

    const atrs = () => trades.body.rows.map((r) => r.cells[column('ATR at signal')]?.textContent);
    trades.heads[column('ATR at signal')]?.click();
    assert.equal(atrs().at(-1), '—');
    assert.equal(trades.heads[column('P&L')]?.attributes.has('aria-sort'), false);
    trades.heads[column('ATR at signal')]?.click();
    assert.equal(atrs().at(-1), '—');

    // Text columns sort as text; equal keys keep their order (alpha's trades stay in time order).
    trades.heads[column('Exit')]?.click();
    trades.heads[column('Variant')]?.click();
    assert.deepEqual(
      trades.body.rows.map((r) => [r.cells[0]?.textContent, r.cells[column('Exit')]?.textContent]),
      [
        ['alpha', '2026-01-05 10:00:00Z'],
        ['alpha', '2026-01-05 10:00:00.400Z'],
        ['alpha', '2026-01-06 12:00:00Z'],
        ['beta', '2026-01-05 10:00:00Z'],
        ['beta', '2026-01-07 08:30:00Z'],
      ],
    );
  });

  it('draws buy and hold on the equity chart, scaled to the starting balance, and says it in the header', () => {
    const html = render();
    assert.ok(
      html.includes(
        '<dt>Buy &amp; hold</dt><dd>4.00 % (the mean of 2 symbols from the first open to the last close)</dd>',
      ),
    );
    const { market } = embedded(html);
    // alpha and beta start from different balances: a line for each.
    assert.deepEqual(
      market.map((s) => [s.variant, s.dashed]),
      [
        ['buy & hold (1,000.00)', true],
        ['buy & hold (500.00)', true],
      ],
    );
    assertPoints(market[0]?.points, [
      ['2026-01-05T00:00:00Z', 1000],
      ['2026-01-06T12:00:00Z', 990],
      ['2026-01-08T00:00:00Z', 1040],
    ]);
    assertPoints(market[1]?.points, [
      ['2026-01-05T00:00:00Z', 500],
      ['2026-01-06T12:00:00Z', 495],
      ['2026-01-08T00:00:00Z', 520],
    ]);
    assert.ok(html.includes('buy &amp; hold (500.00)</li>'), 'in the legend');

    const same = htmlReport(sampleReport(), { title: 't', startingBalances: { alpha: 1000, beta: 1000 } });
    assert.deepEqual(
      embedded(same).market.map((s) => s.variant),
      ['buy & hold'],
    );
    // A report from a store has no market change: no line, no header entry.
    const stored = sampleReport();
    delete stored.market;
    assert.deepEqual(embedded(render(stored)).market, []);
    assert.ok(!render(stored).includes('Buy &amp; hold'));
  });

  it('shows the balance figures, the per-pair table and the positions open at the end', () => {
    const report = sampleReport();
    const alpha = report.variants[0] as VariantReport;
    Object.assign(alpha, {
      startingBalance: 1000,
      totalReturnPct: 0.85,
      profitFactor: 3.125,
      avgDurationMs: 5 * 3_600_000 + 20 * 60_000,
      bestTrade: { symbol: 'BTC/USDT', pnl: 10, exitTime: '2026-01-05T10:00:00.000Z' },
      worstTrade: { symbol: 'ETH/USDT', pnl: -4, exitTime: '2026-01-05T10:00:00.400Z' },
      bestPair: { symbol: 'BTC/USDT', totalPnl: 12.5 },
      worstPair: { symbol: 'ETH/USDT', totalPnl: -4 },
      maxConsecutiveLosses: 1,
      pairs: [
        { symbol: 'BTC/USDT', trades: 2, wins: 2, winRate: 1, totalPnl: 12.5, avgDurationMs: 3_600_000 },
        { symbol: 'ETH/USDT', trades: 1, wins: 0, winRate: 0, totalPnl: -4, avgDurationMs: 2 * 86_400_000 },
      ],
      openAtEnd: { positions: 1, unrealisedPnl: -0.75 },
    });
    report.openAtEnd = [
      {
        variant: 'alpha',
        symbol: 'PEPE/USDT',
        side: 'long',
        entryTime: '2026-01-07T00:00:00.000Z',
        entryPrice: 0.0000012,
        qty: 1_000_000,
        lastClose: 0.00000115,
        unrealisedPnl: -0.75,
      },
    ];
    const html = render(report);
    const cellsOf = (prefix: string) => {
      const line = html.split('\n').find((l) => l.startsWith(prefix));
      assert.ok(line !== undefined, prefix);
      return [...line.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    };
    assert.deepEqual(cellsOf('<tr class="balance"><td class="text">alpha</td>'), [
      'alpha',
      '1,000.00',
      '1,008.50',
      '0.85 %',
      '3.13',
      '5h 20m',
      '1',
      'BTC/USDT 10.00',
      'ETH/USDT \u22124.00',
      'BTC/USDT 12.50',
      'ETH/USDT \u22124.00',
      '1',
      '\u22120.75',
    ]);
    // beta's report knows nothing of open positions (a store's): a dash, not a 0.
    assert.deepEqual(cellsOf('<tr class="balance"><td class="text">beta</td>').slice(-2), ['—', '—']);
    assert.deepEqual(cellsOf('<tr class="pair"><td class="text">alpha</td><td class="text">ETH'), [
      'alpha',
      'ETH/USDT',
      '1',
      '0.0 %',
      '\u22124.00',
      '2d',
    ]);
    assert.equal(count(html, '<tr class="pair">'), 2);
    assert.deepEqual(cellsOf('<tr class="open">'), [
      'alpha',
      'PEPE/USDT',
      'long',
      '2026-01-07 00:00:00Z',
      '0.0000012',
      '1000000',
      '0.00000115',
      '\u22120.75',
    ]);
    assert.ok(!render().includes('<tr class="open">'), 'no section without open positions');
  });

  it('is deterministic and refuses a report it cannot chart', () => {
    assert.equal(render(), render());
    assert.throws(
      () => htmlReport(sampleReport(), { title: 't', startingBalances: { alpha: 1000 } }),
      /no starting balance for variant beta/,
    );
    assert.throws(
      () => htmlReport(sampleReport(), { title: 't', startingBalances: { alpha: 1000, beta: 0 } }),
      /starting balance of beta/,
    );
    const bad = sampleReport();
    bad.trades = [trade('alpha', 'yesterday', 1)];
    assert.throws(() => render(bad), /not a valid time/);
  });

  it('runs its chart script: equity on the library API, exits as SVG bars with each reason once', () => {
    const html = render();
    const script = /<script id="report-charts">([\s\S]*?)<\/script>/.exec(html)?.[1];
    assert.ok(script !== undefined);
    const json = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
    // A stand-in for window.LightweightCharts that records the calls a browser would make.
    const charts: { element: string; options: Record<string, unknown>; series: unknown[][] }[] = [];
    const styles: Record<string, unknown>[] = [];
    const LightweightCharts = {
      LineSeries: 'line',
      HistogramSeries: 'histogram',
      LineType: { WithSteps: 1 },
      LineStyle: { Dashed: 2 },
      createChart(element: { id: string }, options: Record<string, unknown>) {
        const chart = { element: element.id, options, series: [] as unknown[][] };
        charts.push(chart);
        return {
          addSeries: (kind: string, seriesOptions: Record<string, unknown>) => ({
            // Cloned into this realm: the script's arrays have the vm context's prototypes, which deepEqual rejects.
            setData: (points: unknown) => {
              chart.series.push([kind, seriesOptions['title'], structuredClone(points)]);
              styles.push(structuredClone(seriesOptions));
            },
          }),
          timeScale: () => ({ fitContent: () => undefined }),
        };
      },
    };
    const exitsElement = new FakeElement('div', 'exits-chart');
    const document = {
      getElementById: (id: string) =>
        id === 'report-data' ? { id, textContent: json } : id === 'exits-chart' ? exitsElement : { id },
      createElementNS: (_ns: string, tag: string) => new FakeElement(tag),
    };
    runInNewContext(script, { window: { LightweightCharts }, document });
    const data = embedded(html);
    assert.deepEqual(
      charts.map((c) => c.element),
      ['equity-chart'],
    );
    assert.deepEqual(charts[0]?.series, [
      ['line', 'alpha', data.equity[0]?.points],
      ['line', 'beta', data.equity[1]?.points],
      ['line', 'buy & hold (1,000.00)', data.market[0]?.points],
      ['line', 'buy & hold (500.00)', data.market[1]?.points],
    ]);
    // The variants step, buy and hold is a dashed line.
    assert.deepEqual(
      styles.map((s) => [s['lineType'], s['lineStyle']]),
      [
        [1, undefined],
        [1, undefined],
        [undefined, 2],
        [undefined, 2],
      ],
    );

    // The exit chart: one label per reason, under its group, left to right; one bar per variant and reason.
    const labels = exitsElement.all('text').filter((t) => t.attributes.get('class') === 'reason');
    assert.deepEqual(
      labels.map((t) => t.textContent),
      data.exits.reasons,
    );
    const xs = labels.map((t) => Number(t.attributes.get('x')));
    assert.deepEqual(
      xs,
      [...xs].sort((a, b) => a - b),
    );
    const bars = exitsElement.all('rect');
    assert.deepEqual(
      bars.map((r) => [r.attributes.get('data-reason'), r.attributes.get('data-variant')]),
      [
        ['hard_stop', 'alpha'],
        ['atr_trail', 'alpha'],
        ['atr_trail', 'beta'],
        ['take_profit', 'alpha'],
        ['time_stop', 'beta'],
      ],
    );
    assert.equal(bars[4]?.children[0]?.textContent, 'time_stop \u00b7 beta: \u22121.25 over 1 trade');
    // Heights in proportion to the totals: alpha's +10 trail twice beta's +5.
    const height = (i: number): number => Number(bars[i]?.attributes.get('height'));
    assertNear(height(1) / height(2), 2);
    // A loss hangs below the zero line, a win stands on it.
    const top = (i: number): number => Number(bars[i]?.attributes.get('y'));
    assertNear(top(0), top(1) + height(1));
  });

  it('turns the exit labels on a chart too narrow for them side by side', () => {
    const html = render();
    const script = /<script id="report-charts">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const json = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
    const labelsAt = (width: number): FakeElement[] => {
      const exitsElement = new FakeElement('div', 'exits-chart');
      exitsElement.clientWidth = width;
      const document = {
        getElementById: (id: string) =>
          id === 'report-data' ? { id, textContent: json } : id === 'exits-chart' ? exitsElement : null,
        createElementNS: (_ns: string, tag: string) => new FakeElement(tag),
      };
      runInNewContext(script, { window: {}, document });
      return exitsElement.all('text').filter((t) => t.attributes.get('class') === 'reason');
    };
    assert.ok(labelsAt(900).every((t) => !t.attributes.has('transform')));
    const narrow = labelsAt(300);
    assert.equal(narrow.length, 4);
    assert.ok(narrow.every((t) => /^rotate\(-40 /.test(t.attributes.get('transform') ?? '')));
  });
});

interface FakeCell {
  textContent: string;
  getAttribute(name: string): string | null;
}

class FakeHead {
  readonly attributes = new Map<string, string>();
  private readonly listeners: (() => void)[] = [];
  constructor(readonly textContent: string) {}
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  removeAttribute(name: string): void {
    this.attributes.delete(name);
  }
  addEventListener(_type: string, listener: () => void): void {
    this.listeners.push(listener);
  }
  click(): void {
    for (const listener of this.listeners) listener();
  }
}

interface FakeTable {
  heads: FakeHead[];
  body: { rows: { cells: FakeCell[] }[] };
}

/** The page's sortable tables, read from its HTML into a DOM stand-in, with its table script run on them. */
function runTableScript(html: string): FakeTable[] {
  const script = /<script id="report-tables">([\s\S]*?)<\/script>/.exec(html)?.[1];
  assert.ok(script !== undefined, 'no table script');
  const unescape = (text: string) =>
    text.replace(
      /&(amp|lt|gt|quot|#39);/g,
      (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? e,
    );
  const tables = [...html.matchAll(/<table class="sortable">([\s\S]*?)<\/table>/g)].map((m): FakeTable => {
    const markup = m[1] ?? '';
    const heads = [...markup.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map(
      (h) => new FakeHead(unescape(h[1] ?? '')),
    );
    const rows = [...markup.matchAll(/<tr class="[a-z]+">(.*?)<\/tr>/g)].map((r) => ({
      cells: [...(r[1] ?? '').matchAll(/<td([^>]*)>([^<]*)<\/td>/g)].map((c): FakeCell => {
        const value = /data-v="([^"]*)"/.exec(c[1] ?? '')?.[1];
        return {
          textContent: unescape(c[2] ?? ''),
          getAttribute: () => (value === undefined ? null : value),
        };
      }),
    }));
    const body = {
      rows,
      appendChild(row: { cells: FakeCell[] }) {
        body.rows = body.rows.filter((r) => r !== row);
        body.rows.push(row);
        return row;
      },
    };
    return { heads, body };
  });
  const dom = tables.map((t) => ({ tHead: { rows: [{ cells: t.heads }] }, tBodies: [t.body] }));
  runInNewContext(script, { window: {}, document: { querySelectorAll: () => dom } });
  return tables;
}

/** Just enough of the DOM for the SVG exit chart: elements with attributes, children and a text. */
class FakeElement {
  readonly attributes = new Map<string, string>();
  children: FakeElement[] = [];
  textContent = '';
  clientWidth = 700;
  clientHeight = 360;
  constructor(
    readonly tagName: string,
    readonly id = '',
  ) {}
  get firstChild(): FakeElement | null {
    return this.children[0] ?? null;
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, String(value));
  }
  appendChild(child: FakeElement): FakeElement {
    this.children.push(child);
    return child;
  }
  removeChild(child: FakeElement): FakeElement {
    this.children = this.children.filter((c) => c !== child);
    return child;
  }
  /** Descendants with this tag, in document order. */
  all(tag: string): FakeElement[] {
    return this.children.flatMap((c) => [...(c.tagName === tag ? [c] : []), ...c.all(tag)]);
  }
}
