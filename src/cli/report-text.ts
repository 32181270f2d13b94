// The report as a person reads it in a terminal: one table of variants, their balance and best/worst
// figures, the per-pair table, the exit breakdown, buy and hold, the verdict.
import type { Report } from '../backtest/backtest-report.ts';
import { decisionLines } from '../backtest/decision-counts.ts';
import type { MarketChange } from '../backtest/market-change.ts';
import type { VariantReport } from '../backtest/metrics.ts';
import { durationText } from '../domain/number-text.ts';
import { renderTable } from './table.ts';

const money = (v: number | null) => (v === null ? '—' : v.toFixed(2));
const signedMoney = (v: number) => (v > 0 ? '+' : '') + money(v);
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const signedPct = (percent: number) => `${percent > 0 ? '+' : ''}${percent.toFixed(2)}%`;
const ratio = (v: number | null) => (v === null ? '—' : v.toFixed(2));

export function reportText(report: Report): string {
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
      {
        align: [
          'left',
          'right',
          'right',
          'right',
          'right',
          'right',
          'right',
          'right',
          'right',
          'right',
          'right',
        ],
      },
    ),
    '',
    summaryTable(report.variants),
    ...pairLines(report.variants),
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
  if (report.market) lines.push('', marketLine(report.market));
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

/** The figures a trader reads first, one column per variant. */
function summaryTable(variants: readonly VariantReport[]): string {
  const row = (name: string, cell: (v: VariantReport) => string | number) => [name, ...variants.map(cell)];
  const trade = (t: { symbol: string; pnl: number } | null) =>
    t === null ? '—' : `${t.symbol} ${signedMoney(t.pnl)}`;
  const pair = (p: { symbol: string; totalPnl: number } | null) =>
    p === null ? '—' : `${p.symbol} ${signedMoney(p.totalPnl)}`;
  return renderTable(
    ['', ...variants.map((v) => v.variantId)],
    [
      row('starting balance', (v) => money(v.startingBalance)),
      row('final balance', (v) => money(v.finalEquity)),
      row('total return', (v) => signedPct(v.totalReturnPct)),
      row('profit factor', (v) => ratio(v.profitFactor)),
      row('avg trade duration', (v) => durationText(v.avgDurationMs)),
      row('max consecutive losses', (v) => v.maxConsecutiveLosses),
      row('best trade', (v) => trade(v.bestTrade)),
      row('worst trade', (v) => trade(v.worstTrade)),
      row('best pair', (v) => pair(v.bestPair)),
      row('worst pair', (v) => pair(v.worstPair)),
      row('open at end', (v) =>
        v.openAtEnd === null
          ? '—'
          : `${v.openAtEnd.positions} (${signedMoney(v.openAtEnd.unrealisedPnl)} unrealised)`,
      ),
    ],
    { align: ['left', ...variants.map(() => 'right' as const)] },
  );
}

function pairLines(variants: readonly VariantReport[]): string[] {
  const rows = variants.flatMap((v) =>
    v.pairs.map((p) => [
      v.variantId,
      p.symbol,
      p.trades,
      pct(p.winRate),
      money(p.totalPnl),
      durationText(p.avgDurationMs),
    ]),
  );
  if (rows.length === 0) return [];
  return [
    '',
    renderTable(['variant', 'pair', 'trades', 'win rate', 'P&L', 'avg duration'], rows, {
      align: ['left', 'left', 'right', 'right', 'right', 'right'],
    }),
  ];
}

function marketLine(market: MarketChange): string {
  const count = market.symbols.length;
  return `buy & hold: ${signedPct(market.change * 100)} (the mean of ${count} symbol${count === 1 ? '' : 's'} from the first open to the last close)`;
}
