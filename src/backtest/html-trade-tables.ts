// The report's tables of what a trader reads first: the balance figures per variant, the per-pair
// table, the positions open at the end, and every trade (sortable).
import { durationText, priceText } from '../domain/number-text.ts';
import type { TradeRow, VariantReport } from './metrics.ts';
import type { OpenAtEndRow } from './open-at-end.ts';
import type { PairRow } from './trade-figures.ts';
import { formatTime, grouped, money, optional, percent, plain, table, fixed } from './html-table.ts';

/** The figures a trader reads first, a row per variant. */
export function balanceTable(variants: readonly VariantReport[]): string {
  if (variants.length === 0) return '';
  const pick = (p: { symbol: string; pnl: number } | null) =>
    p === null ? '—' : `${p.symbol} ${money(p.pnl)}`;
  return table<VariantReport>(
    [
      { title: 'Variant', cell: (v) => v.variantId, text: true },
      { title: 'Starting balance', cell: (v) => money(v.startingBalance) },
      { title: 'Final balance', cell: (v) => money(v.finalEquity) },
      {
        title: 'Total return',
        cell: (v) => `${fixed(v.totalReturnPct, 2)} %`,
        sign: (v) => v.totalReturnPct,
      },
      { title: 'Profit factor', cell: (v) => optional(v.profitFactor, 2) },
      { title: 'Avg duration', cell: (v) => durationText(v.avgDurationMs) },
      { title: 'Max consecutive losses', cell: (v) => grouped(v.maxConsecutiveLosses) },
      { title: 'Best trade', cell: (v) => pick(v.bestTrade), sign: (v) => v.bestTrade?.pnl ?? 0 },
      { title: 'Worst trade', cell: (v) => pick(v.worstTrade), sign: (v) => v.worstTrade?.pnl ?? 0 },
      {
        title: 'Best pair',
        cell: (v) => pick(v.bestPair && { symbol: v.bestPair.symbol, pnl: v.bestPair.totalPnl }),
        sign: (v) => v.bestPair?.totalPnl ?? 0,
      },
      {
        title: 'Worst pair',
        cell: (v) => pick(v.worstPair && { symbol: v.worstPair.symbol, pnl: v.worstPair.totalPnl }),
        sign: (v) => v.worstPair?.totalPnl ?? 0,
      },
      { title: 'Open at end', cell: (v) => (v.openAtEnd === null ? '—' : grouped(v.openAtEnd.positions)) },
      {
        title: 'Unrealised P&L',
        cell: (v) => (v.openAtEnd === null ? '—' : money(v.openAtEnd.unrealisedPnl)),
        sign: (v) => v.openAtEnd?.unrealisedPnl ?? 0,
      },
    ],
    variants,
    'balance',
  );
}

type PairLine = PairRow & { variant: string };

export function pairTable(variants: readonly VariantReport[]): string {
  const rows: PairLine[] = variants.flatMap((v) => v.pairs.map((p) => ({ variant: v.variantId, ...p })));
  if (rows.length === 0) return '<p class="muted">No closed trades.</p>';
  return table<PairLine>(
    [
      { title: 'Variant', cell: (r) => r.variant, text: true },
      { title: 'Pair', cell: (r) => r.symbol, text: true },
      { title: 'Trades', cell: (r) => grouped(r.trades), sortValue: (r) => r.trades },
      { title: 'Win rate', cell: (r) => percent(r.winRate), sortValue: (r) => r.winRate },
      { title: 'P&L', cell: (r) => money(r.totalPnl), sign: (r) => r.totalPnl, sortValue: (r) => r.totalPnl },
      {
        title: 'Avg duration',
        cell: (r) => durationText(r.avgDurationMs),
        sortValue: (r) => r.avgDurationMs,
      },
    ],
    rows,
    'pair',
    true,
  );
}

export function openTable(rows: readonly OpenAtEndRow[]): string {
  return table<OpenAtEndRow>(
    [
      { title: 'Variant', cell: (r) => r.variant, text: true },
      { title: 'Symbol', cell: (r) => r.symbol, text: true },
      { title: 'Side', cell: (r) => r.side, text: true },
      { title: 'Entry', cell: (r) => formatTime(r.entryTime), text: true },
      { title: 'Entry price', cell: (r) => priceText(r.entryPrice) },
      { title: 'Qty', cell: (r) => plain(r.qty) },
      { title: 'Last close', cell: (r) => priceText(r.lastClose) },
      { title: 'Unrealised P&L', cell: (r) => money(r.unrealisedPnl), sign: (r) => r.unrealisedPnl },
    ],
    rows,
    'open',
  );
}

/**
 * Every trade, in the fingerprint order; a click on a column header sorts by it (html-table.ts SORT_SCRIPT). A year of
 * 15-minute bars closes a few thousand trades: some hundred kilobytes, which a browser sorts at once.
 */
export function tradeTable(trades: readonly TradeRow[]): string {
  if (trades.length === 0) return '<p class="muted">No closed trades.</p>';
  return (
    `<p class="note">${grouped(trades.length)} trades; click a column header to sort by it.</p>\n` +
    table<TradeRow>(
      [
        { title: 'Variant', cell: (t) => t.variant, text: true },
        { title: 'Symbol', cell: (t) => t.symbol, text: true },
        { title: 'Side', cell: (t) => t.side, text: true },
        {
          title: 'Signal',
          cell: (t) => (t.signalTime ? formatTime(t.signalTime) : '—'),
          text: true,
          sortValue: (t) => (t.signalTime ? Date.parse(t.signalTime) : null),
        },
        {
          title: 'Entry',
          cell: (t) => formatTime(t.entryTime),
          text: true,
          sortValue: (t) => Date.parse(t.entryTime),
        },
        { title: 'Entry price', cell: (t) => priceText(t.entryPrice), sortValue: (t) => t.entryPrice },
        { title: 'Initial stop', cell: (t) => priceText(t.initialStop), sortValue: (t) => t.initialStop },
        { title: 'Stop %', cell: (t) => (t.stopFraction * 100).toFixed(2), sortValue: (t) => t.stopFraction },
        {
          title: 'ATR at signal',
          cell: (t) => (t.atrAtSignal === null ? '—' : priceText(t.atrAtSignal)),
          sortValue: (t) => t.atrAtSignal,
        },
        { title: 'Qty', cell: (t) => plain(t.qty), sortValue: (t) => t.qty },
        // By time, not text: "10:00:00.400Z" would sort before "10:00:00Z".
        {
          title: 'Exit',
          cell: (t) => formatTime(t.exitTime),
          text: true,
          sortValue: (t) => Date.parse(t.exitTime),
        },
        { title: 'Exit price', cell: (t) => priceText(t.exitPrice), sortValue: (t) => t.exitPrice },
        { title: 'Bars', cell: (t) => String(t.barsHeld), sortValue: (t) => t.barsHeld },
        { title: 'Exit reason', cell: (t) => t.exitReason, text: true },
        {
          title: 'MAE (R)',
          cell: (t) => (t.maeR === null ? '—' : t.maeR.toFixed(2)),
          sortValue: (t) => t.maeR,
        },
        {
          title: 'MFE (R)',
          cell: (t) => (t.mfeR === null ? '—' : t.mfeR.toFixed(2)),
          sortValue: (t) => t.mfeR,
        },
        { title: 'Fees', cell: (t) => money(t.fees), sortValue: (t) => t.fees },
        { title: 'P&L', cell: (t) => money(t.pnl), sign: (t) => t.pnl, sortValue: (t) => t.pnl },
      ],
      trades,
      'trade',
      true,
    )
  );
}
