// The numbers the prop-firm rules read, rebuilt from the trade ledger and the live account. The balance
// history runs forward from the initial balance; swaps and commissions the broker booked but Sigil never
// saw show only in the live balance, so they never lower a past day-start balance (a daily anchor).
import { firmDay, type FirmDay } from './firm-day.ts';
import type { FirmRules } from './firm-rules.ts';

/** pnl after fees, in the account currency. */
export interface ClosedTrade {
  openedAt: number;
  closedAt: number;
  pnl: number;
}

export interface LiveAccount {
  balance: number;
  equity: number;
  openPositions: number;
  openOrders: number;
  /** Equity seen at the first look after today's boundary, when known (floating P&L at rollover). */
  dayStartEquity?: number;
}

/** Today's calls, counted since the firm's day boundary. */
export interface RequestCounts {
  all: number;
  modifications: number;
  positions: number;
}

export interface AccountState {
  at: number;
  day: string;
  dayStart: number;
  nextDayStart: number;
  initialBalance: number;
  balance: number;
  equity: number;
  dayStartBalance: number;
  dayStartEquity: number;
  /** Highest closed balance ever (starting balance included). */
  highWaterBalance: number;
  /** Highest balance at any passed day boundary (starting balance included). */
  highestEodBalance: number;
  /** Realised per firm day, ascending; only days with closes. */
  dailyPnl: { day: string; pnl: number }[];
  /** Distinct firm days on which a position was opened (open positions included). */
  tradingDays: number;
  openPositions: number;
  openOrders: number;
  /** Trades held < shortTrade.seconds, of all closed trades. */
  shortTrades: number;
  closedTrades: number;
  requests: RequestCounts;
}

export interface AccountStateInput {
  rules: FirmRules;
  now: number;
  closed: readonly ClosedTrade[];
  /** Open times of the positions still open. */
  openedAt: readonly number[];
  live: LiveAccount;
  requests: RequestCounts;
}

interface DayOfCloses extends FirmDay {
  pnl: number;
  balanceAfter: number;
}

/**
 * Walks sorted instants day by day; asks the zone only when an instant leaves the current day, so a
 * 10 000-trade ledger costs one sort plus one zone look-up per firm day.
 */
function dayCursor(zone: string): (at: number) => { day: FirmDay; isNew: boolean } {
  let current: FirmDay | null = null;
  return (at) => {
    if (current && at >= current.start && at < current.next) return { day: current, isNew: false };
    current = firmDay(at, zone);
    return { day: current, isNew: true };
  };
}

function daysOfCloses(byClose: readonly ClosedTrade[], startBalance: number, zone: string): DayOfCloses[] {
  const days: DayOfCloses[] = [];
  const dayOf = dayCursor(zone);
  let balance = startBalance;
  for (const trade of byClose) {
    balance += trade.pnl;
    const { day, isNew } = dayOf(trade.closedAt);
    if (isNew) days.push({ ...day, pnl: 0, balanceAfter: balance });
    const current = days[days.length - 1];
    if (!current) continue; // unreachable: the first trade always opens a day
    current.pnl += trade.pnl;
    current.balanceAfter = balance;
  }
  return days;
}

function countTradingDays(openTimes: number[], zone: string): number {
  const dayOf = dayCursor(zone);
  let days = 0;
  for (const at of openTimes.sort((a, b) => a - b)) if (dayOf(at).isNew) days += 1;
  return days;
}

export function accountState(input: AccountStateInput): AccountState {
  const { rules, now, closed, openedAt, live, requests } = input;
  const zone = rules.dayZone;
  const today = firmDay(now, zone);
  const byClose = [...closed].sort((a, b) => a.closedAt - b.closedAt);
  // Forward from the initial balance: what the broker booked that Sigil never saw (swaps, commissions)
  // shows only in today's live balance, so every past day-start balance — each daily anchor — is the
  // higher, and Sigil acts the sooner.
  const startBalance = rules.initialBalance;
  const days = daysOfCloses(byClose, startBalance, zone);

  let highWaterBalance = startBalance;
  let running = startBalance;
  for (const trade of byClose) {
    running += trade.pnl;
    highWaterBalance = Math.max(highWaterBalance, running);
  }

  // A day's boundary has passed when the day started before today. A trade closed exactly at 00:00
  // belongs to the new day, so it is not in that day's start balance.
  const pastDays = days.filter((d) => d.start < today.start);
  const dayStartBalance = pastDays.at(-1)?.balanceAfter ?? startBalance;
  const highestEodBalance = pastDays.reduce((high, d) => Math.max(high, d.balanceAfter), startBalance);

  const shortLimitMs = rules.shortTrade.seconds * 1000;
  return {
    at: now,
    day: today.day,
    dayStart: today.start,
    nextDayStart: today.next,
    initialBalance: rules.initialBalance,
    balance: live.balance,
    equity: live.equity,
    dayStartBalance,
    dayStartEquity: live.dayStartEquity ?? dayStartBalance,
    highWaterBalance,
    highestEodBalance,
    dailyPnl: days.map(({ day, pnl }) => ({ day, pnl })),
    tradingDays: countTradingDays([...closed.map((t) => t.openedAt), ...openedAt], zone),
    openPositions: live.openPositions,
    openOrders: live.openOrders,
    shortTrades: closed.filter((t) => t.closedAt - t.openedAt < shortLimitMs).length,
    closedTrades: closed.length,
    requests: { ...requests },
  };
}
