import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import type { AbComparison } from '../backtest/ab-test.ts';
import { sweepHtml, type SweepHtmlData } from './sweep-html.ts';
import type { SettingResult, SpanMetrics, SweepReport } from './sweep-report.ts';

const XSS = '<script>alert(1)</script>';
const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const KEYS = ['strategy.period', 'risk.atrMult', 'exit.mode'];
const PERIODS = [5, 20, 100];
const ATR = [1.5, 2];
const MODES = ['trail', XSS];
// Per setting index; 'failed' fails, null is below the minimum trades. The heatmap (period × atrMult) holds
// the better of each pair: 0.5, 1.1 / 2.4, −0.4 (its partner failed) / 0.8 (its partner has none), −0.6.
const OBJECTIVES: (number | null | 'failed')[] = [
  0.5,
  -1.2,
  1.1,
  0.3,
  2.4,
  1.9,
  -0.4,
  'failed',
  0.8,
  null,
  -2,
  -0.6,
];

function metrics(expectancy: number, trades: number): SpanMetrics {
  return {
    trades,
    totalPnl: expectancy * trades,
    expectancy,
    profitFactor: expectancy > 0 ? 1.4 : 0.8,
    sharpe: expectancy / 2,
    sortino: null,
    winRate: 0.45,
    maxDrawdownPct: 12.5,
  };
}

function label(values: Record<string, unknown>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

function settings(): SettingResult[] {
  const ranked = OBJECTIVES.map((o, i) => ({ o, i }))
    .filter((x): x is { o: number; i: number } => typeof x.o === 'number')
    .sort((a, b) => b.o - a.o)
    .map((x) => x.i);
  return OBJECTIVES.map((objective, index) => {
    const values = {
      'strategy.period': PERIODS[Math.floor(index / 4)],
      'risk.atrMult': ATR[Math.floor(index / 2) % 2],
      'exit.mode': MODES[index % 2],
    };
    const failed = objective === 'failed';
    return {
      index,
      values,
      label: label(values),
      status: failed ? 'failed' : 'ok',
      error: failed ? 'strategy.period 20 with atrMult 2: <boom>' : null,
      metrics: failed ? null : metrics(objective ?? 0.1, objective === null ? 3 : 30 + index),
      objective: failed ? null : objective,
      rank: ranked.includes(index) ? ranked.indexOf(index) + 1 : null,
      seconds: 1.5 + index / 10,
    };
  });
}

const COMPARISON: AbComparison = {
  a: 'config as written',
  b: 'best',
  tradesA: 29,
  tradesB: 34,
  expectancyA: 0.2,
  expectancyB: 2.4,
  expectancyDiff: 2.2,
  expectancyCi: [-0.5, 4.9],
  totalPnlDiff: 75.8,
  totalPnlCi: [-10, 160],
  confidence: 0.95,
  verdict: 'undecided',
  moreTradesNeeded: 40,
  summary: 'config as written vs best: undecided, about 40 more trades each needed',
};

function sampleReport(): SweepReport {
  const all = settings();
  const equity = (slope: number) =>
    Array.from({ length: 10 }, (_, d) => ({ time: START + d * DAY, equity: 1000 + slope * d }));
  const window = (n: number, chosen: number | null) => ({
    trainFrom: START + n * 90 * DAY,
    trainTo: START + (n * 90 + 365) * DAY,
    testFrom: START + (n * 90 + 365) * DAY,
    testTo: START + (n * 90 + 455) * DAY,
    chosen,
    trainObjective: chosen === null ? null : 2 - n / 2,
    test: chosen === null ? null : metrics(0.7 - n, 12),
  });
  return {
    config: 'configs/<mine>.yaml',
    variant: 'main',
    from: START,
    to: START + 730 * DAY,
    symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'],
    objective: 'expectancy',
    minTrades: 10,
    keys: KEYS,
    settings: all,
    own: {
      index: -1,
      values: { 'strategy.period': 14, 'risk.atrMult': 2, 'exit.mode': 'trail' },
      label: 'strategy.period=14 risk.atrMult=2 exit.mode=trail',
      status: 'ok',
      error: null,
      metrics: metrics(0.2, 29),
      objective: 0.2,
      rank: null,
      seconds: 1.2,
    },
    best: 4,
    bestEquity: equity(3),
    ownEquity: equity(0.5),
    scatter: {
      basis: 'halves',
      points: all
        .filter((s) => s.objective !== null)
        .map((s) => ({
          index: s.index,
          inSample: s.objective ?? 0,
          outOfSample: (s.objective ?? 0) / 3 - 0.2,
        })),
    },
    walkForward: {
      spec: 'train=12mo,test=3mo,step=3mo',
      windows: [window(0, 4), window(1, 5), window(2, null)],
      outOfSample: metrics(0.15, 24),
      inSample: metrics(0.9, 26),
      equity: Array.from({ length: 5 }, (_, d) => ({
        time: START + (365 + d) * DAY,
        outOfSample: d * 1.5,
        inSample: d * 4,
      })),
    },
    statistics: {
      deflatedSharpe: {
        value: 0.42,
        sharpe: 0.081,
        expectedMaxSharpe: 0.112,
        trials: 11,
        observations: 730,
        explanation: 'Luck alone would give a best daily Sharpe of 0.112 among 11 settings.',
      },
      overfitting: {
        value: 0.55,
        blocks: 8,
        combinations: 70,
        explanation: 'In 55 % of the splits the in-sample best fell below the median out of sample.',
      },
      bootstrap: {
        best: { index: 4, trades: 34, expectancy: 2.4, ci: [-0.3, 5.1] },
        own: { trades: 29, expectancy: 0.2 },
        comparison: COMPARISON,
        explanation: 'The interval of the best expectancy includes zero.',
      },
      verdict: {
        likelyReal: false,
        text: 'the data cannot tell it from luck',
        reasons: ['deflated Sharpe 42 % is below 95 %', 'overfitting probability 55 % is above 50 %'],
      },
    },
    interrupted: false,
    total: 12,
    finished: 12,
    workers: 4,
    seconds: 21.3,
  };
}

function render(report: SweepReport = sampleReport(), heatmap?: [string, string]): string {
  return sweepHtml(report, { title: 'Sweep <of> ema', heatmap });
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

function heatCell(html: string, period: string, atr: string): string | undefined {
  const pattern = new RegExp(
    `title="strategy\\.period=${period}, risk\\.atrMult=${atr}: [^"]*">([^<]*)</td>`,
  );
  return pattern.exec(html)?.[1];
}

function embedded(html: string): SweepHtmlData {
  const match = /<script type="application\/json" id="sweep-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(match?.[1] !== undefined, 'no embedded JSON');
  return JSON.parse(match[1]) as SweepHtmlData;
}

describe('sweepHtml', () => {
  it('is one offline HTML document with the header facts', () => {
    const html = render();
    assert.ok(html.startsWith('<!DOCTYPE html>') && html.trimEnd().endsWith('</html>'));
    assert.ok(html.includes('window.LightweightCharts='));
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=/);
    assert.ok(html.includes('<title>Sweep &lt;of&gt; ema</title>'));
    assert.ok(html.includes('<code>configs/&lt;mine&gt;.yaml</code>, variant main'));
    assert.ok(html.includes('2024-01-01 → 2025-12-31 (UTC)'));
    assert.ok(html.includes('<dt>Settings</dt><dd>12 of 12 finished</dd>'));
    assert.ok(html.includes('expectancy, at least 10 trades'));
    assert.ok(!html.includes('class="banner"'));
  });

  it('shows the verdict, its reasons and each statistic with its explanation', () => {
    const html = render();
    assert.ok(html.includes('<p class="verdict-text">the data cannot tell it from luck</p>'));
    assert.ok(html.includes('<li>overfitting probability 55 % is above 50 %</li>'));
    const stats = sampleReport().statistics;
    assert.ok(stats !== null);
    for (const explanation of [
      stats.deflatedSharpe.explanation,
      stats.overfitting.explanation,
      stats.bootstrap.explanation,
      COMPARISON.summary,
    ]) {
      assert.ok(html.includes(explanation), explanation);
    }
    assert.ok(html.includes('42.0 % probability that the best setting'));
    assert.ok(html.includes('55.0 % of 70 train/test combinations of 8 blocks'));
    assert.ok(html.includes('2.40 a trade over 34 trades, interval \u22120.30 to 5.10'));
    assert.ok(html.includes('config as written: 0.20 a trade over 29 trades'));
  });

  it('shows a missing statistic as a dash beside its explanation', () => {
    const report = sampleReport();
    assert.ok(report.statistics !== null);
    report.statistics.deflatedSharpe.value = null;
    report.statistics.overfitting.value = null;
    report.statistics.bootstrap = { best: null, own: null, comparison: null, explanation: 'Too few trades.' };
    const html = render(report);
    assert.equal(count(html, '<strong>—</strong>'), 3);
    assert.ok(html.includes('Too few trades.'));
  });

  it('ranks the settings, the config as written on top and the failed one last with its error', () => {
    const html = render();
    const rows = html.split('\n').filter((line) => line.startsWith('<tr') && line.includes('data-v'));
    const ranking = rows.filter((line) => !line.includes('class="heat'));
    assert.ok(
      ranking[0]?.startsWith('<tr class="own"><td data-v="">config as written</td><td data-v="14">14</td>'),
    );
    assert.ok(ranking[1]?.includes('<td data-v="1">1</td><td data-v="20">20</td><td data-v="1.5">1.5</td>'));
    assert.ok(ranking.at(-1)?.startsWith('<tr class="failed"><td data-v="">—</td><td data-v="20">20</td>'));
    assert.ok(ranking.at(-1)?.includes('failed: strategy.period 20 with atrMult 2: &lt;boom&gt;'));
    assert.ok(ranking.at(-2)?.includes('fewer than 10 trades'));
    assert.equal(ranking.length, 1 + 12);
    assert.ok(html.includes('<table class="sortable">'), 'sortable by a click on a header');
  });

  it('draws the heatmap: one cell per pair, the best over the other key, axes sorted numerically', () => {
    const html = render();
    assert.ok(html.includes('<h2>Heatmap: strategy.period × risk.atrMult</h2>'));
    assert.ok(html.includes('best expectancy over the other keys (exit.mode)'));
    assert.equal(count(html, '<td class="heat'), PERIODS.length * ATR.length);
    assert.equal(heatCell(html, '20', '1.5'), '2.40');
    // Its partner failed: the cell is the one setting left, not an average with nothing.
    assert.equal(heatCell(html, '20', '2'), '\u22120.40');
    assert.equal(heatCell(html, '100', '2'), '\u22120.60');
    assert.match(
      html,
      /<table class="heatmap">\n<thead><tr><th[^>]*>[^<]*<\/th><th>5<\/th><th>20<\/th><th>100<\/th>/,
    );
    // Diverging: the top cell full green, a negative one red.
    assert.match(
      html,
      /style="background:#2b8a3e;color:#ffffff" title="strategy\.period=20, risk\.atrMult=1\.5/,
    );
    assert.match(
      html,
      /style="background:#f[0-9a-f]{5};color:#212529" title="strategy\.period=20, risk\.atrMult=2:/,
    );
  });

  it('greys a pair without an eligible setting, and omits the heatmap when fewer than two keys vary', () => {
    const report = sampleReport();
    for (const s of report.settings) if (s.index >= 10) s.objective = null;
    const html = render(report);
    assert.equal(count(html, '<td class="heat empty"'), 1);
    assert.equal(heatCell(html, '100', '2'), '—');

    const single = sampleReport();
    single.settings = single.settings.filter(
      (s) => s.values['risk.atrMult'] === 1.5 && s.values['exit.mode'] === 'trail',
    );
    const omitted = render(single);
    assert.equal(count(omitted, '<td class="heat'), 0);
    assert.ok(omitted.includes('No heatmap: it needs two swept keys that take more than one value'));
  });

  it('takes the heatmap keys asked for, and refuses a key that was not swept', () => {
    const html = render(sampleReport(), ['exit.mode', 'strategy.period']);
    assert.ok(html.includes('<h2>Heatmap: exit.mode × strategy.period</h2>'));
    assert.equal(count(html, '<td class="heat'), MODES.length * PERIODS.length);
    assert.throws(
      () => render(sampleReport(), ['strategy.period', 'risk.stop']),
      (error: unknown) =>
        error instanceof RangeError &&
        error.message.includes('risk.stop') &&
        error.message.includes('strategy.period, risk.atrMult, exit.mode'),
    );
  });

  it('draws one scatter dot per point, with the diagonal and the setting in the tooltip', () => {
    const report = sampleReport();
    const html = render(report);
    assert.equal(count(html, '<circle '), report.scatter.points.length);
    assert.equal(count(html, 'class="diagonal"'), 1);
    assert.ok(
      html.includes(
        '<title>strategy.period=20 risk.atrMult=1.5 exit.mode=trail: in sample 2.40, out of sample 0.60</title>',
      ),
    );
    assert.ok(html.includes('Dots near the dashed diagonal: the objective holds out of sample.'));
  });

  it('shows a hostile key value only escaped', () => {
    const html = render();
    assert.ok(!html.includes(XSS));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.equal(count(html.toLowerCase(), '<script'), 4);
    assert.equal(count(html.toLowerCase(), '</script'), 4);
  });

  it('shows the walk-forward windows and embeds both equity charts in strictly increasing seconds', () => {
    const html = render();
    assert.ok(html.includes('<h2>Walk-forward (train=12mo,test=3mo,step=3mo)</h2>'));
    assert.ok(
      html.includes(
        '<td class="text">2024-01-01 → 2024-12-31</td><td class="text">2024-12-31 → 2025-03-31</td>',
      ),
    );
    assert.ok(html.includes('none had enough trades'));
    assert.ok(html.includes('<th>Out of sample (walk-forward)</th><th>In sample (hindsight best)</th>'));
    const { charts } = embedded(html);
    assert.deepEqual(Object.keys(charts), ['walk-forward-chart', 'equity-chart']);
    assert.deepEqual(
      charts['equity-chart']?.map((s) => s.variant),
      ['best: strategy.period=20 risk.atrMult=1.5 exit.mode=trail', 'config as written'],
    );
    for (const series of Object.values(charts).flat()) {
      series.points.forEach((p, i) => {
        assert.ok(Number.isInteger(p.time));
        if (i > 0) assert.ok(p.time > (series.points[i - 1]?.time ?? Infinity));
      });
    }
    assert.equal(charts['walk-forward-chart']?.[1]?.points.at(-1)?.value, 16);
    assert.ok(html.includes('id="walk-forward-chart"') && html.includes('id="equity-chart"'));
  });

  it("runs the page's chart script: each embedded chart drawn in its element, series by series", () => {
    const html = render();
    const { charts } = embedded(html);
    const script = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '')[1] ?? '';
    assert.ok(script.includes('window.SigilCharts'));
    // A stand-in for lightweight-charts that records what each chart is given.
    const drawn: { element: string; series: { title: string; points: unknown }[] }[] = [];
    const LightweightCharts = {
      LineSeries: 'line',
      LineType: { WithSteps: 1 },
      LineStyle: { Dashed: 2 },
      createChart: (element: { id: string }) => {
        const chart = { element: element.id, series: [] as { title: string; points: unknown }[] };
        drawn.push(chart);
        return {
          addSeries: (_kind: string, options: { title: string }) => ({
            setData: (points: unknown) => chart.series.push({ title: options.title, points }),
          }),
          timeScale: () => ({ fitContent: () => undefined }),
        };
      },
    };
    const json = /<script type="application\/json" id="sweep-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
    const document = {
      getElementById: (id: string) => (id === 'sweep-data' ? { textContent: json } : { id }),
    };
    runInNewContext(script, { window: { LightweightCharts }, document });
    assert.deepEqual(
      drawn.map((c) => [c.element, c.series.map((s) => s.title)]),
      Object.entries(charts).map(([id, series]) => [id, series.map((s) => s.variant)]),
    );
    // Through JSON: the points were made in the script's own realm, with its own Object prototype.
    assert.deepEqual(
      JSON.parse(JSON.stringify(drawn[1]?.series[0]?.points)),
      charts['equity-chart']?.[0]?.points,
    );
  });

  it('gives the same file for the same report', () => {
    assert.equal(render(), render());
  });

  it('renders an interrupted sweep without statistics or walk-forward', () => {
    const report = sampleReport();
    report.interrupted = true;
    report.statistics = null;
    report.walkForward = null;
    report.finished = 7;
    report.settings = report.settings.slice(0, 7);
    report.scatter = { basis: 'walk-forward', points: [] };
    const html = render(report);
    assert.ok(html.includes('<p class="banner">Interrupted: 7 of 12 settings finished.'));
    assert.ok(html.includes('The statistics need the whole sweep'));
    assert.ok(!html.includes('<p class="verdict-text">') && !html.includes('Walk-forward ('));
    assert.ok(html.includes('No points: no setting had an objective in both parts.'));
    assert.equal(count(html, '<td class="heat'), 4);
  });
});
