// The bot's answers as text, from what was read of the store: pure functions of their inputs and `now`
// (the store's own clock), so each is tested without a chat or a network. Plain text — no parse_mode —
// so a symbol or a reason never breaks a message's markup.
import type { EpochMs, VariantId } from '../../domain/ids.ts';
import type { EquitySnapshot } from '../../domain/ports/store.ts';
import type { Position } from '../../domain/position.ts';
import type { SymbolProtection } from '../../domain/protection.ts';
import type { TradingStateRecord } from '../../domain/trading-state.ts';
import { READ_COMMANDS, CHANGE_COMMANDS, usageOf } from './chat-command.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** One variant as /status and /balance show it. */
export interface VariantStanding {
  id: VariantId;
  state: TradingStateRecord;
  openPositions: number;
  closedTrades: number;
  realizedPnl: number;
  startingBalance: number;
  /** The latest equity snapshot (balance + open positions at the last price); null before the first. */
  equity: EquitySnapshot | null;
}

export function statusText(standings: readonly VariantStanding[], now: EpochMs): string {
  const lines = standings.map((v) => {
    const since = v.state.changedAt === null ? '' : ` since ${age(now - v.state.changedAt)}`;
    const why = v.state.state === 'active' ? '' : ` (${v.state.reason}, by ${v.state.actor}${since})`;
    return `${v.id}: ${v.state.state}${why} · ${v.openPositions} open · ${v.closedTrades} closed · P&L ${money(v.realizedPnl)}`;
  });
  return [`Status at ${isoMinute(now)}`, ...lines].join('\n');
}

export function positionsText(positions: readonly Position[], now: EpochMs): string {
  if (positions.length === 0) return 'No open positions.';
  const lines = positions.map((p) => {
    const trail = p.currentStop === p.initialStop ? '' : ` (trailed from ${price(p.initialStop)})`;
    const target = p.takeProfit === null ? '' : ` · target ${price(p.takeProfit)}`;
    return (
      `${p.variantId} ${p.symbol} ${p.side} ${quantity(p.qty)} @ ${price(p.entryPrice)} · ` +
      `stop ${price(p.currentStop)}${trail}${target} · ${age(now - p.openedAt)} old`
    );
  });
  return [`Open positions (${positions.length})`, ...lines].join('\n');
}

/** The latest closed trades first. */
export function tradesText(trades: readonly Position[], count: number): string {
  const latest = [...trades].sort((a, b) => (b.closedAt ?? 0) - (a.closedAt ?? 0)).slice(0, count);
  if (latest.length === 0) return 'No closed trades.';
  const lines = latest.map((p) => {
    const reason = p.exitTag ? `${p.exitReason}: ${p.exitTag}` : (p.exitReason ?? '');
    return (
      `${isoMinute(p.closedAt ?? 0)} ${p.variantId} ${p.symbol} ${p.side} ` +
      `${price(p.entryPrice)} → ${price(p.exitPrice ?? Number.NaN)} ${money(p.pnl ?? 0)} ${reason}`
    );
  });
  return [`Latest ${latest.length} closed trade(s)`, ...lines].join('\n');
}

/** Realised P&L per variant over the trades given (all of them, or those of the last `days`). */
export function profitText(
  variants: readonly VariantId[],
  trades: readonly Position[],
  days: number | null,
): string {
  const span = days === null ? 'all time' : `the last ${days} day(s)`;
  const lines = variants.map((id) => {
    const own = trades.filter((p) => p.variantId === id);
    if (own.length === 0) return `${id}: no closed trades`;
    const pnls = own.map((p) => p.pnl ?? 0);
    const wins = pnls.filter((pnl) => pnl > 0).length;
    const total = pnls.reduce((sum, pnl) => sum + pnl, 0);
    const fees = own.reduce((sum, p) => sum + p.fees, 0);
    return (
      `${id}: ${money(total)} over ${own.length} trade(s), ${wins} won (${Math.round((wins / own.length) * 100)} %), ` +
      `best ${money(Math.max(...pnls))}, worst ${money(Math.min(...pnls))}, fees ${fees.toFixed(2)}`
    );
  });
  return [`Realised P&L, ${span}`, ...lines].join('\n');
}

/** Realised P&L per UTC day, today last, over every variant given; days without a trade show 0. */
export function dailyText(trades: readonly Position[], days: number, now: EpochMs): string {
  const today = Math.floor(now / DAY) * DAY;
  const lines: string[] = [];
  for (let day = today - (days - 1) * DAY; day <= today; day += DAY) {
    const own = trades.filter((p) => p.closedAt !== null && p.closedAt >= day && p.closedAt < day + DAY);
    const total = own.reduce((sum, p) => sum + (p.pnl ?? 0), 0);
    lines.push(`${new Date(day).toISOString().slice(0, 10)}  ${money(total)}  (${own.length} trade(s))`);
  }
  return [`Realised P&L per day (UTC)`, ...lines].join('\n');
}

export function balanceText(standings: readonly VariantStanding[], now: EpochMs): string {
  const lines = standings.map((v) => {
    const balance = v.startingBalance + v.realizedPnl;
    const equity =
      v.equity === null
        ? ''
        : ` · equity ${v.equity.equity.toFixed(2)} (${v.equity.openPositions} open, ${age(now - v.equity.at)} ago)`;
    return `${v.id}: balance ${balance.toFixed(2)} (start ${v.startingBalance.toFixed(2)} ${money(v.realizedPnl)})${equity}`;
  });
  return ['Balances (starting balance + realised P&L)', ...lines].join('\n');
}

export function locksText(locks: readonly SymbolProtection[], now: EpochMs): string {
  if (locks.length === 0) return 'No locks in force.';
  const lines = locks.map(
    (lock) =>
      `${lock.variantId} ${lock.symbol === '*' ? 'all symbols' : lock.symbol} ${lock.kind} ` +
      `until ${isoMinute(lock.until)} (${age(lock.until - now)} left): ${lock.reason}`,
  );
  return [`Locks in force (${locks.length})`, ...lines].join('\n');
}

export function helpText(variants: readonly string[]): string {
  return [
    'Sigil bot. Reads:',
    ...READ_COMMANDS.map((name) => `  ${usageOf(name)}`),
    'Changes (each asks for confirmation: press Confirm, or send the same command again within 60 s):',
    ...CHANGE_COMMANDS.map((name) => `  ${usageOf(name)}`),
    `Variants: ${variants.join(', ')}`,
  ].join('\n');
}

/** Signed, two decimals: a P&L reads +12.50 or -3.20. */
export function money(value: number): string {
  return `${value >= 0 ? '+' : '-'}${Math.abs(value).toFixed(2)}`;
}

/** Six significant digits, without trailing zeros: 1.09876, 97, 0.000123457. */
export function price(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(6))) : '?';
}

function quantity(value: number): string {
  return String(Number(value.toPrecision(8)));
}

/** A duration an operator reads at a glance: 45m, 3h 5m, 2d 4h. */
export function age(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / MINUTE));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

function isoMinute(at: EpochMs): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}
