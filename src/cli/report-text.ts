// The report as a person reads it in a terminal: one table of variants, the exit breakdown, the verdict.
import type { Report } from '../backtest/backtest-report.ts';
import { decisionLines } from '../backtest/decision-counts.ts';
import { renderTable } from './table.ts';

export function reportText(report: Report): string {
  const money = (v: number | null) => (v === null ? '—' : v.toFixed(2));
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const ratio = (v: number | null) => (v === null ? '—' : v.toFixed(2));
  const lines = [
    ...(report.interrupted
      ? [
          `Interrupted: the run stopped at ${report.interrupted}, before the end of the data; this covers the bars run.`,
        ]
      : []),
    `${report.from} → ${report.to}${report.gaps ? `, ${report.gaps} gap(s) in the data (not traded across)` : ''}`,
    renderTable(
      [
        'variant',
        'trades',
        'win rate',
        'expectancy',
        'total P&L',
        'fees',
        'max DD',
        'Sharpe',
        'Sortino',
        'exposure',
        'stop/trail',
      ],
      report.variants.map((v) => [
        v.variantId,
        v.trades,
        pct(v.winRate),
        money(v.expectancy),
        money(v.totalPnl),
        money(v.fees),
        `${money(v.maxDrawdown)} (${v.maxDrawdownPct.toFixed(1)}%)`,
        ratio(v.sharpe),
        ratio(v.sortino),
        pct(v.exposure),
        ratio(v.exits?.winLossRatio ?? null),
      ]),
    ),
    '',
    renderTable(
      ['variant', 'exit reason', 'count', 'share', 'avg P&L', 'win rate'],
      report.variants.flatMap((v) =>
        (v.exits?.byReason ?? []).map((r) => [
          v.variantId,
          r.reason,
          r.count,
          pct(r.share),
          money(r.avgPnl),
          pct(r.winRate),
        ]),
      ),
    ),
  ];
  const halts = (report.halted ?? []).map(
    (halt) =>
      `${halt.variant} ${halt.state === 'halted' ? 'halted' : `went ${halt.state}`}${halt.at ? ` at ${halt.at}` : ''} (${halt.reason}): no new entries after that; open positions ran to their exits.`,
  );
  if (halts.length > 0) lines.push('', ...halts);
  const decisions = decisionLines(report.decisions ?? []);
  if (decisions.length > 0) lines.push('', ...decisions);
  if (report.ab.length > 0) lines.push('', ...report.ab.map((c) => `A/B: ${c.summary}`));
  lines.push('', `trade list fingerprint: ${report.fingerprint}`);
  return lines.join('\n');
}
