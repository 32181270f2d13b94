// `sigil backtest`'s report as a trader reads it first: balance, return, profit factor, durations, best and
// worst, the per-pair table, buy and hold and what was left open — in the text, in --json and in --html.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sigil } from '../../test/support/sigil-cli.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import type { Report } from '../backtest/backtest-report.ts';

const CONFIG = fileURLToPath(new URL('../../config/reference-strategy.yaml', import.meta.url));
const RANGE = ['--from', '2021-04-05T00:00:00Z', '--to', '2021-04-25T00:00:00Z'];

function near(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-6, `${what}: ${actual} ≠ ${expected}`);
}

describe('sigil backtest report', () => {
  const dir = tempDir('sigil-backtest-report-');
  after(() => dir.remove());

  it('carries the new figures in --json and the full sortable trade table in --html', () => {
    const html = join(dir.path, 'report.html');
    const run = sigil(
      ['--config', CONFIG, 'backtest', ...RANGE, '--json', '--html', html, '--quiet'],
      dir.path,
    );
    assert.equal(run.code, 0, run.err);
    const report = JSON.parse(run.out) as Report;
    const [v] = report.variants;
    assert.ok(v && v.trades > 10);

    // Figures that follow from the trade list, checked against it.
    const pnls = report.trades.map((t) => t.pnl);
    near(v.finalEquity, v.startingBalance + v.totalPnl, 'final balance');
    near(v.totalReturnPct, (v.totalPnl / v.startingBalance) * 100, 'total return');
    const won = pnls.filter((p) => p > 0).reduce((a, b) => a + b, 0);
    const lost = -pnls.filter((p) => p < 0).reduce((a, b) => a + b, 0);
    near(v.profitFactor ?? undefined, won / lost, 'profit factor');
    near(v.bestTrade?.pnl, Math.max(...pnls), 'best trade');
    near(v.worstTrade?.pnl, Math.min(...pnls), 'worst trade');
    assert.ok(v.avgDurationMs !== null && v.avgDurationMs > 0);
    assert.ok(v.maxConsecutiveLosses >= 1);
    assert.equal(
      v.pairs.reduce((n, p) => n + p.trades, 0),
      v.trades,
    );
    near(
      v.pairs.reduce((n, p) => n + p.totalPnl, 0),
      v.totalPnl,
      'pairs sum to the total',
    );
    assert.equal(v.bestPair?.symbol, v.pairs[0]?.symbol);
    assert.equal(v.worstPair?.symbol, v.pairs.at(-1)?.symbol);

    // What was still open, and buy and hold over the span.
    assert.ok(report.openAtEnd !== undefined && v.openAtEnd !== null);
    assert.equal(v.openAtEnd.positions, report.openAtEnd.length);
    near(
      v.openAtEnd.unrealisedPnl,
      report.openAtEnd.reduce((n, p) => n + p.unrealisedPnl, 0),
      'unrealised',
    );
    const market = report.market;
    assert.ok(market && market.symbols.length > 1);
    for (const s of market.symbols) near(s.change, s.lastClose / s.firstOpen - 1, s.symbol);
    near(market.change, market.symbols.reduce((n, s) => n + s.change, 0) / market.symbols.length, 'mean');
    assert.equal(market.curve.at(-1)?.change, market.change);
    assert.equal(market.curve.at(-1)?.time, report.to);

    const page = readFileSync(html, 'utf8');
    assert.equal(page.split('<tr class="trade">').length - 1, report.trades.length);
    assert.ok(page.includes('<table class="sortable">'));
    const data = JSON.parse(
      /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '{}',
    ) as { market: { variant: string; points: { value: number }[] }[] };
    assert.deepEqual(
      data.market.map((s) => s.variant),
      ['buy & hold'],
    );
    near(data.market[0]?.points.at(-1)?.value, v.startingBalance * (1 + market.change), 'scaled');
  });

  it('prints them in the terminal, numbers right-aligned', () => {
    const run = sigil(['--config', CONFIG, 'backtest', ...RANGE, '--quiet'], dir.path);
    assert.equal(run.code, 0, run.err);
    const out = run.out;
    for (const line of [
      /^starting balance\s+\d+\.\d\d$/m,
      /^final balance\s+\d+\.\d\d$/m,
      /^total return\s+[+-]?\d+\.\d\d%$/m,
      /^profit factor\s+\d+\.\d\d$/m,
      /^avg trade duration\s+(\d+d( \d+h)?|\d+h( \d+m)?|\d+m)$/m,
      /^max consecutive losses\s+\d+$/m,
      /^best trade\s+[A-Z]+USDT \+\d+\.\d\d$/m,
      /^worst trade\s+[A-Z]+USDT -\d+\.\d\d$/m,
      /^best pair\s+[A-Z]+USDT [+-]?\d+\.\d\d$/m,
      /^worst pair\s+[A-Z]+USDT [+-]?\d+\.\d\d$/m,
      /^open at end\s+\d+ \([+-]?\d+\.\d\d unrealised\)$/m,
      /^variant\s+pair\s+trades\s+win rate\s+P&L\s+avg duration$/m,
      /^reference\s+[A-Z]+USDT\s+\d+\s+\d+\.\d%\s+-?\d+\.\d\d\s+\S+/m,
      /^buy & hold: [+-]?\d+\.\d\d% \(the mean of \d+ symbols from the first open to the last close\)$/m,
    ]) {
      assert.match(out, line);
    }
    // Right-aligned: each number of the variant table ends under the end of its header.
    const lines = out.split('\n');
    const header = lines.find((l) => l.startsWith('variant') && l.includes('expectancy')) ?? '';
    const row = lines[lines.indexOf(header) + 1] ?? '';
    const end = (text: string, word: string) => text.indexOf(word) + word.length;
    const trades = /^reference\s+(\d+)/.exec(row)?.[1] ?? '';
    assert.equal(
      row.indexOf(trades, 'reference'.length) + trades.length,
      end(header, 'trades'),
      `${header}\n${row}`,
    );
  });
});
