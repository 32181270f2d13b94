import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import { variantId } from '../domain/ids.ts';
import type { ExitReasonStats, VariantExitStats } from '../risk/exit-stats.ts';
import type { AbComparison } from './ab-test.ts';
import type { Report } from './backtest-report.ts';
import { htmlReport, TRADE_ROWS_SHOWN, type ChartPoint, type HtmlReportData } from './html-report.ts';
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
    // Exactly the page's three scripts close: the symbol did not end the JSON one early.
    assert.equal(count(html.toLowerCase(), '</script'), 3);
    assert.equal(count(html.toLowerCase(), '<script'), 3);
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

  it(`shows the first ${TRADE_ROWS_SHOWN} trades and says how many more there are`, () => {
    const report = sampleReport();
    report.trades = Array.from({ length: TRADE_ROWS_SHOWN + 3 }, (_, i) =>
      trade('alpha', new Date(Date.UTC(2026, 0, 5, 1) + i * 60_000).toISOString(), 1),
    );
    const html = render(report);
    assert.equal(count(html, '<tr class="trade">'), TRADE_ROWS_SHOWN);
    assert.ok(html.includes('The first 500 of 503 trades; 3 more not shown.'));
    assert.ok(!render().includes('more not shown'));
    // The curve still covers every trade, one point per minute after the opening one.
    const alpha = embedded(html).equity[0]?.points ?? [];
    assert.equal(alpha.length, TRADE_ROWS_SHOWN + 4);
    assertNear(alpha.at(-1)?.value, 1000 + TRADE_ROWS_SHOWN + 3);
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
    const LightweightCharts = {
      LineSeries: 'line',
      HistogramSeries: 'histogram',
      LineType: { WithSteps: 1 },
      createChart(element: { id: string }, options: Record<string, unknown>) {
        const chart = { element: element.id, options, series: [] as unknown[][] };
        charts.push(chart);
        return {
          addSeries: (kind: string, seriesOptions: Record<string, unknown>) => ({
            // Cloned into this realm: the script's arrays have the vm context's prototypes, which deepEqual rejects.
            setData: (points: unknown) =>
              chart.series.push([kind, seriesOptions['title'], structuredClone(points)]),
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
    ]);

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
