// The per-variant report of a backtest or of paper trades. A pure function of closed positions, so a
// backtest, a paper run and a regression test compute the same numbers from the same trades.
import { createHash } from 'node:crypto';
import type { EpochMs, VariantId } from '../domain/ids.ts';
import type { ExitReason, Position } from '../domain/position.ts';
import { exitStats, type VariantExitStats } from '../risk/exit-stats.ts';
import { drawdownPct } from '../risk/kill-switch.ts';
import type { OpenAtEndRow } from './open-at-end.ts';
import { tradeFigures, type FigureTrade, type TradeFigures } from './trade-figures.ts';

const DAY = 86_400_000;
// Crypto trades every day of the year, so daily ratios annualise over 365 days, not 252.
const ANNUALISE = Math.sqrt(365);
// Daily returns are fractions of equity: a deviation this small is rounding noise, and dividing by it
// would report an absurd ratio instead of "undefined".
const ZERO_DEVIATION = 1e-12;

export interface ReportOptions {
  startingBalance: number;
  from: EpochMs;
  to: EpochMs;
  /** The positions a backtest left open at its end (every variant's); absent when not known (a store's report). */
  open?: readonly OpenAtEndRow[];
}

/** A variant's positions still open at the end: how many, and their P&L had they closed at the last close. */
export interface OpenAtEnd {
  positions: number;
  unrealisedPnl: number;
}

export interface VariantReport extends TradeFigures {
  variantId: VariantId;
  trades: number;
  /** Trades with pnl > 0. */
  wins: number;
  /** wins / trades, 0..1 (0 without trades). */
  winRate: number;
  totalPnl: number;
  avgPnl: number;
  /** winRate × avgWin − lossRate × avgLoss: equal to avgPnl, kept for reports that show its parts. */
  expectancy: number;
  avgWin: number | null;
  /** Mean loss of losing trades, as a positive number. */
  avgLoss: number | null;
  fees: number;
  /** Largest peak-to-trough fall of the realised equity curve, in money. */
  maxDrawdown: number;
  /** Largest peak-to-trough fall in percent of its peak (0..100); may come from another fall than maxDrawdown. */
  maxDrawdownPct: number;
  /** Annualised, from daily returns over [from, to]; null below 2 days, on zero deviation or a wiped-out account. */
  sharpe: number | null;
  sortino: number | null;
  /** Share of [from, to] with at least one position open, 0..1. */
  exposure: number;
  finalEquity: number;
  exits: VariantExitStats | null;
  /** Null when the report does not know what was open at the end (a report from a store). */
  openAtEnd: OpenAtEnd | null;
}

type ClosedPosition = Position & {
  closedAt: EpochMs;
  exitPrice: number;
  exitReason: ExitReason;
  pnl: number;
};

/**
 * The report of one variant. Only its closed positions count; trades closed outside [from, to] still
 * count in the totals and the drawdown, while the daily returns cover the range only (closes before it
 * are part of the opening equity, a close exactly at `to` is on the last day).
 */
export function variantReport(
  variantId: VariantId,
  closed: readonly Position[],
  options: ReportOptions,
): VariantReport {
  validateOptions(options);
  const trades = closedOnly(closed)
    .filter((p) => p.variantId === variantId)
    .sort((a, b) => a.closedAt - b.closedAt || compareText(a.id, b.id));
  // A NaN pnl would turn every sum into NaN and every comparison false: fail loudly instead.
  for (const t of trades) {
    if (!Number.isFinite(t.pnl) || !Number.isFinite(t.fees)) {
      throw new RangeError(`position ${t.id} has a non-finite pnl or fees: the report cannot be computed`);
    }
  }
  const pnls = trades.map((t) => t.pnl);
  const winning = pnls.filter((p) => p > 0);
  const losing = pnls.filter((p) => p < 0).map((p) => -p);
  const count = trades.length;
  const totalPnl = sum(pnls);
  const winRate = count === 0 ? 0 : winning.length / count;
  const lossRate = count === 0 ? 0 : losing.length / count;
  const avgWin = mean(winning);
  const avgLoss = mean(losing);
  const ratios = dailyRatios(trades, options);
  return {
    variantId,
    trades: count,
    wins: winning.length,
    winRate,
    totalPnl,
    avgPnl: count === 0 ? 0 : totalPnl / count,
    // The loss rate, not 1 − winRate: break-even trades are neither, and with them 1 − winRate would
    // overstate the losses and break expectancy = avgPnl.
    expectancy: winRate * (avgWin ?? 0) - lossRate * (avgLoss ?? 0),
    avgWin,
    avgLoss,
    fees: sum(trades.map((t) => t.fees)),
    ...drawdowns(options.startingBalance, pnls),
    ...ratios,
    exposure: exposure(trades, options),
    finalEquity: options.startingBalance + totalPnl,
    exits: exitStats(trades)[0] ?? null,
    ...tradeFigures(trades, options.startingBalance),
    openAtEnd: openAtEnd(variantId, options.open),
  };
}

/**
 * One closed trade, all of it: enough to check it against another engine without a side script. The
 * excursions are the worst and best prices the trade saw (its exit bar's range included), from the
 * entry, in price and in R — the initial risk per unit, entry to initial stop.
 */
export interface TradeRow {
  variant: string;
  symbol: string;
  side: string;
  /** Close of the bar whose signal it was entered on; null for an intent from elsewhere. */
  signalTime: string | null;
  entryTime: string;
  entryPrice: number;
  exitTime: string;
  exitPrice: number;
  qty: number;
  initialStop: number;
  /** Entry to initial stop, as a fraction of the entry. */
  stopFraction: number;
  /** ATR(14) at the signal, which the stop was placed from. */
  atrAtSignal: number | null;
  barsHeld: number;
  exitReason: string;
  fees: number;
  pnl: number;
  /** Maximum adverse and favourable excursion, in price. */
  mae: number;
  mfe: number;
  /** The same in R; null when the trade had no stop distance. */
  maeR: number | null;
  mfeR: number | null;
}

/** Closed positions as rows with ISO times, ordered by (closedAt, variant, symbol, id): the fingerprint order. */
export function tradeRows(closed: readonly Position[]): TradeRow[] {
  return closedOnly(closed)
    .sort(
      (a, b) =>
        a.closedAt - b.closedAt ||
        compareText(a.variantId, b.variantId) ||
        compareText(a.symbol, b.symbol) ||
        compareText(a.id, b.id),
    )
    .map((p) => {
      const long = p.side === 'long';
      const risk = Math.abs(p.entryPrice - p.initialStop);
      // The exit price counts too: a position closed off the bar loop (by hand, at the broker) has
      // excursions only up to its last bar.
      const best = long ? Math.max(p.peakPrice, p.exitPrice) : Math.min(p.peakPrice, p.exitPrice);
      const worst = long ? Math.min(p.troughPrice, p.exitPrice) : Math.max(p.troughPrice, p.exitPrice);
      const mae = long ? p.entryPrice - worst : worst - p.entryPrice;
      const mfe = long ? best - p.entryPrice : p.entryPrice - best;
      return {
        // Built key by key in one order: JSON.stringify follows insertion order, and the hash with it.
        variant: p.variantId,
        symbol: p.symbol,
        side: p.side,
        signalTime: p.signalAt === null ? null : new Date(p.signalAt).toISOString(),
        entryTime: new Date(p.openedAt).toISOString(),
        entryPrice: p.entryPrice,
        exitTime: new Date(p.closedAt).toISOString(),
        exitPrice: p.exitPrice,
        qty: p.qty,
        initialStop: p.initialStop,
        stopFraction: risk / p.entryPrice,
        atrAtSignal: p.atrAtEntry,
        barsHeld: p.barsHeld,
        exitReason: p.exitReason,
        fees: p.fees,
        pnl: p.pnl,
        mae,
        mfe,
        maeR: risk > 0 ? mae / risk : null,
        mfeR: risk > 0 ? mfe / risk : null,
      };
    });
}

/** sha256 (hex) of the rows as JSON: two runs traded identically exactly when their fingerprints match. */
export function fingerprint(rows: readonly TradeRow[]): string {
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}

function openAtEnd(variantId: VariantId, open: readonly OpenAtEndRow[] | undefined): OpenAtEnd | null {
  if (open === undefined) return null;
  const mine = open.filter((p) => p.variant === variantId);
  return { positions: mine.length, unrealisedPnl: sum(mine.map((p) => p.unrealisedPnl)) };
}

function validateOptions({ startingBalance, from, to }: ReportOptions): void {
  if (!(Number.isFinite(startingBalance) && startingBalance > 0)) {
    throw new RangeError(`startingBalance must be a finite number > 0, got ${startingBalance}`);
  }
  if (!(Number.isFinite(from) && Number.isFinite(to) && to >= from)) {
    throw new RangeError(`the report range needs finite from ≤ to, got ${from} to ${to}`);
  }
}

// The same test as exitStats, so `trades` and `exits.trades` always agree.
function closedOnly(positions: readonly Position[]): ClosedPosition[] {
  return positions.filter(
    (p): p is ClosedPosition =>
      p.closedAt !== null && p.exitPrice !== null && p.exitReason !== null && p.pnl !== null,
  );
}

/** The largest fall of the realised equity curve (trades in close order), in money and in percent of its peak. */
export function drawdowns(
  startingBalance: number,
  pnls: readonly number[],
): { maxDrawdown: number; maxDrawdownPct: number } {
  let equity = startingBalance;
  let peak = equity;
  let maxDrawdown = 0;
  let maxDrawdownPct = 0;
  for (const pnl of pnls) {
    equity += pnl;
    peak = Math.max(peak, equity);
    maxDrawdown = Math.max(maxDrawdown, peak - equity);
    // The kill switch's measure, so a report and the switch agree on what "a 20 % drawdown" is.
    maxDrawdownPct = Math.max(maxDrawdownPct, drawdownPct(peak, equity));
  }
  return { maxDrawdown, maxDrawdownPct };
}

function dailyRatios(
  trades: readonly ClosedPosition[],
  options: ReportOptions,
): { sharpe: number | null; sortino: number | null } {
  return annualisedRatios(dailyReturns(trades, options));
}

/** Sharpe and Sortino ratios of daily returns, annualised over 365 days; null without returns or deviation. */
export function annualisedRatios(returns: Float64Array | null): {
  sharpe: number | null;
  sortino: number | null;
} {
  if (returns === null) return { sharpe: null, sortino: null };
  const days = returns.length;
  let total = 0;
  let downside = 0;
  for (const r of returns) {
    total += r;
    downside += Math.min(r, 0) ** 2;
  }
  const avg = total / days;
  let squares = 0;
  for (const r of returns) squares += (r - avg) ** 2;
  // Sample deviation (n − 1): a handful of days understates the spread otherwise.
  const deviation = Math.sqrt(squares / (days - 1));
  const downsideDeviation = Math.sqrt(downside / days);
  return {
    sharpe: deviation > ZERO_DEVIATION ? (avg / deviation) * ANNUALISE : null,
    sortino: downsideDeviation > ZERO_DEVIATION ? (avg / downsideDeviation) * ANNUALISE : null,
  };
}

/**
 * Each UTC day's realised P&L over the equity at its start, for the days [from, to) touches: what the
 * Sharpe and Sortino ratios are computed from (a backtest's report, a sweep's spans). Trades closed
 * before `from` are part of the opening equity; null below 2 days or once the account is gone.
 */
export function dailyReturns(
  trades: readonly Pick<FigureTrade, 'closedAt' | 'pnl'>[],
  { startingBalance, from, to }: ReportOptions,
): Float64Array | null {
  const firstDay = Math.floor(from / DAY);
  // UTC days that [from, to) touches: a `to` at midnight does not open a day of its own.
  const days = Math.max(1, Math.ceil(to / DAY) - firstDay);
  const dayPnl = new Float64Array(days);
  let opening = startingBalance;
  for (const t of trades) {
    if (t.closedAt > to) continue;
    const day = Math.floor(t.closedAt / DAY) - firstDay;
    if (day < 0) {
      opening += t.pnl;
    } else {
      const index = Math.min(day, days - 1);
      dayPnl[index] = (dayPnl[index] ?? 0) + t.pnl;
    }
  }
  if (days < 2) return null;

  const returns = new Float64Array(days);
  let equity = opening;
  for (let d = 0; d < days; d++) {
    // A return on zero or negative equity means nothing: the account is gone, and so are the ratios.
    if (!(equity > 0)) return null;
    const pnl = dayPnl[d] ?? 0;
    returns[d] = pnl / equity;
    equity += pnl;
  }
  return returns;
}

function exposure(trades: readonly ClosedPosition[], { from, to }: ReportOptions): number {
  if (to <= from) return 0;
  const intervals = trades
    .map((t) => [Math.max(t.openedAt, from), Math.min(t.closedAt, to)] as const)
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let run: [number, number] | null = null;
  for (const [start, end] of intervals) {
    if (run !== null && start <= run[1]) {
      run[1] = Math.max(run[1], end);
      continue;
    }
    if (run !== null) covered += run[1] - run[0];
    run = [start, end];
  }
  if (run !== null) covered += run[1] - run[0];
  return covered / (to - from);
}

// Code-unit order, not localeCompare: the order (and the fingerprint) must not change with the host's locale.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, v) => total + v, 0);
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : sum(values) / values.length;
}
