// A variant's account as the compliance rules see it: the live balance and equity — from the broker, or
// for a paper account from the store and the last prices — and the account state rebuilt from the
// variant's closed trades, its open positions, today's broker requests and the equity seen at the
// day's start.
import type { EpochMs, VariantId } from '../domain/ids.ts';
import type { Broker } from '../domain/ports/broker.ts';
import type { ApiCallCounts } from '../domain/ports/store.ts';
import type { Position } from '../domain/position.ts';
import { accountState, type AccountState } from '../compliance/account-state.ts';
import { firmDay } from '../compliance/firm-day.ts';
import type { FirmRules } from '../compliance/firm-rules.ts';
import { positionPnl } from '../risk/close-trade.ts';
import type { TradingWorkerDeps } from './worker-deps.ts';

export interface LiveBalance {
  /** Closed balance: the starting balance plus realised P&L, entry fees of open positions taken off. */
  balance: number;
  equity: number;
  open: Position[];
}

type AccountDeps = Pick<TradingWorkerDeps, 'store' | 'market' | 'instruments' | 'requestsToday'>;

/** A snapshot this soon after the firm's midnight stands for the equity at it (one hourly bar). */
const NEAR_BOUNDARY_MS = 3_600_000;

const NO_REQUESTS: ApiCallCounts = { all: 0, modifications: 0, positions: 0 };

/** A remote broker's own numbers; the paper account's, marked at the last close. */
export async function liveBalance(
  deps: AccountDeps,
  variantId: VariantId,
  startingBalance: number,
  broker: Broker,
  now: EpochMs,
): Promise<LiveBalance> {
  const open = await deps.store.openPositions(variantId);
  if (broker.name !== 'paper') {
    const account = await broker.account(now);
    return { balance: account.balance, equity: account.equity, open };
  }
  const realised = startingBalance + (await deps.store.realizedTotal(variantId));
  const unrealised = open.reduce((sum, p) => {
    const price = deps.market.lastClose(p.symbol) ?? p.entryPrice;
    return sum + positionPnl(p, price, deps.instruments(p.variantId, p.symbol), p.fees);
  }, 0);
  const entryFees = open.reduce((sum, p) => sum + p.fees, 0);
  return { balance: realised - entryFees, equity: realised + unrealised, open };
}

/** The state the guard, the breach check and `sigil compliance` read, as of `now`. */
export async function complianceState(
  deps: Pick<AccountDeps, 'store' | 'requestsToday'>,
  variantId: VariantId,
  rules: FirmRules,
  live: LiveBalance,
  now: EpochMs,
): Promise<AccountState> {
  // As of `now`: `sigil compliance --at` looks back at a replay whose store holds later trades.
  const closed = (await deps.store.closedPositions({ variantId })).filter((p) => (p.closedAt ?? now) <= now);
  const day = firmDay(now, rules.dayZone);
  // The equity at the day's start is known when Sigil looked soon after the boundary; otherwise (it was
  // down then) the highest equity seen since stands for it: a higher anchor, so Sigil acts sooner.
  const today = (await deps.store.equitySnapshots(variantId, day.start)).filter((s) => s.at <= now);
  const [first] = today;
  const dayStartEquity =
    first === undefined
      ? undefined
      : first.at <= day.start + NEAR_BOUNDARY_MS
        ? first.equity
        : Math.max(...today.map((snapshot) => snapshot.equity));
  return accountState({
    rules,
    now,
    closed: closed.map((p) => ({ openedAt: p.openedAt, closedAt: p.closedAt ?? now, pnl: p.pnl ?? 0 })),
    openedAt: live.open.map((p) => p.openedAt),
    live: {
      balance: live.balance,
      equity: live.equity,
      openPositions: live.open.length,
      openOrders: 0,
      ...(dayStartEquity === undefined ? {} : { dayStartEquity }),
    },
    requests: deps.requestsToday ? await deps.requestsToday(variantId, now) : NO_REQUESTS,
  });
}
