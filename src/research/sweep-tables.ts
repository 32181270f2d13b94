// The sweep report's tables: the ranking of every setting (the config's own among them, failures after),
// the walk-forward windows, and its stitched out-of-sample figures beside the in-sample hindsight.
import { fixed, grouped, money, optional, percent, table, type Column } from '../backtest/html-table.ts';
import { breakEven, keyValueText, labelOf, objectiveText, span, valueOf } from './sweep-format.ts';
import type {
  SettingResult,
  SpanMetrics,
  SweepReport,
  WalkForwardResult,
  WalkForwardWindow,
} from './sweep-report.ts';

interface RankingRow {
  result: SettingResult;
  own: boolean;
}

/**
 * Ranked settings first (by rank), then those without an objective, then the failed ones, each group in
 * sweep order; the config as written on top, highlighted. Sortable by any column.
 */
export function rankingTable(report: SweepReport): string {
  const ranked = report.settings.filter((s) => s.rank !== null).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
  const unranked = report.settings.filter((s) => s.rank === null && s.status === 'ok');
  const failed = report.settings.filter((s) => s.status === 'failed');
  const rows: RankingRow[] = [
    ...(report.own === null ? [] : [{ result: report.own, own: true }]),
    ...[...ranked, ...unranked, ...failed].map((result) => ({ result, own: false })),
  ];
  const metric = (
    title: string,
    value: (m: SpanMetrics) => number | null,
    text: (v: number) => string,
    signed = false,
  ): Column<RankingRow> => {
    const of = (row: RankingRow): number | null =>
      row.result.metrics === null ? null : value(row.result.metrics);
    return {
      title,
      cell: (row) => {
        const v = of(row);
        return v === null ? '—' : text(v);
      },
      sortValue: of,
      ...(signed ? { sign: (row: RankingRow) => of(row) ?? 0 } : {}),
    };
  };
  const neutral = breakEven(report.objective);
  const columns: Column<RankingRow>[] = [
    {
      title: 'Rank',
      cell: (row) =>
        row.own ? 'config as written' : row.result.rank === null ? '—' : String(row.result.rank),
      sortValue: (row) => (row.own ? null : row.result.rank),
    },
    ...report.keys.map((key): Column<RankingRow> => {
      const numeric = rows.every((row) => typeof valueOf(row.result.values, key) === 'number');
      return {
        title: key,
        cell: (row) => keyValueText(valueOf(row.result.values, key)),
        ...(numeric
          ? { sortValue: (row: RankingRow) => valueOf(row.result.values, key) as number }
          : { text: true }),
      };
    }),
    metric('Trades', (m) => m.trades, grouped),
    metric('Expectancy', (m) => m.expectancy, money, true),
    metric('Total P&L', (m) => m.totalPnl, money, true),
    metric(
      'Profit factor',
      (m) => m.profitFactor,
      (v) => fixed(v, 2),
    ),
    metric(
      'Sharpe',
      (m) => m.sharpe,
      (v) => fixed(v, 2),
    ),
    metric(
      'Sortino',
      (m) => m.sortino,
      (v) => fixed(v, 2),
    ),
    metric('Win rate', (m) => m.winRate, percent),
    // maxDrawdownPct is already in percent (0..100), unlike the 0..1 win rate.
    metric(
      'Max DD %',
      (m) => m.maxDrawdownPct,
      (v) => `${fixed(v, 1)} %`,
    ),
    {
      title: `Objective (${report.objective})`,
      cell: (row) => objectiveText(report.objective, row.result.objective),
      sortValue: (row) => row.result.objective,
      sign: (row) => (row.result.objective ?? neutral) - neutral,
    },
    { title: 'Seconds', cell: (row) => fixed(row.result.seconds, 1), sortValue: (row) => row.result.seconds },
    { title: 'Note', cell: (row) => note(report, row.result), text: true },
  ];
  return table(
    columns,
    rows,
    (row) => (row.own ? 'own' : row.result.status === 'failed' ? 'failed' : ''),
    true,
  );
}

function note(report: SweepReport, result: SettingResult): string {
  if (result.status === 'failed') return `failed: ${result.error ?? 'no error given'}`;
  if (result.objective !== null) return '';
  if ((result.metrics?.trades ?? 0) < report.minTrades)
    return `fewer than ${grouped(report.minTrades)} trades`;
  return `no ${report.objective} (e.g. no losing trade, or too few days)`;
}

export function windowsTable(report: SweepReport, walkForward: WalkForwardResult): string {
  const numbered = walkForward.windows.map((w, i) => ({ ...w, n: i + 1 }));
  return table<WalkForwardWindow & { n: number }>(
    [
      { title: '#', cell: (w) => String(w.n) },
      { title: 'Train', cell: (w) => span(w.trainFrom, w.trainTo), text: true },
      { title: 'Test', cell: (w) => span(w.testFrom, w.testTo), text: true },
      {
        title: 'Chosen setting',
        cell: (w) => (w.chosen === null ? 'none had enough trades' : labelOf(report, w.chosen)),
        text: true,
      },
      { title: 'Train objective', cell: (w) => objectiveText(report.objective, w.trainObjective) },
      { title: 'Test trades', cell: (w) => (w.test === null ? '—' : grouped(w.test.trades)) },
      {
        title: 'Test expectancy',
        cell: (w) => optionalMoney(w.test?.expectancy),
        sign: (w) => w.test?.expectancy ?? 0,
      },
      {
        title: 'Test total P&L',
        cell: (w) => optionalMoney(w.test?.totalPnl),
        sign: (w) => w.test?.totalPnl ?? 0,
      },
    ],
    numbered,
  );
}

function optionalMoney(value: number | undefined): string {
  return value === undefined ? '—' : money(value);
}

/** The two stitched spans side by side, one figure a row. */
export function stitchedTable(walkForward: WalkForwardResult): string {
  const { outOfSample: oos, inSample: is } = walkForward;
  const rows: { name: string; figure: (m: SpanMetrics) => string; sign?: (m: SpanMetrics) => number }[] = [
    { name: 'Trades', figure: (m) => grouped(m.trades) },
    { name: 'Total P&L', figure: (m) => money(m.totalPnl), sign: (m) => m.totalPnl },
    { name: 'Expectancy', figure: (m) => money(m.expectancy), sign: (m) => m.expectancy },
    { name: 'Profit factor', figure: (m) => optional(m.profitFactor, 2) },
    { name: 'Sharpe', figure: (m) => optional(m.sharpe, 2) },
    { name: 'Sortino', figure: (m) => optional(m.sortino, 2) },
    { name: 'Win rate', figure: (m) => percent(m.winRate) },
    { name: 'Max DD %', figure: (m) => `${fixed(m.maxDrawdownPct, 1)} %` },
  ];
  return table<(typeof rows)[number]>(
    [
      { title: 'Over the test spans', cell: (r) => r.name, text: true },
      { title: 'Out of sample (walk-forward)', cell: (r) => r.figure(oos), sign: (r) => r.sign?.(oos) ?? 0 },
      { title: 'In sample (hindsight best)', cell: (r) => r.figure(is), sign: (r) => r.sign?.(is) ?? 0 },
    ],
    rows,
  );
}
