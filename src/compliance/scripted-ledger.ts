// Test support: builds an AccountState the way production does, from a scripted ledger of trades and a
// live account, so tests cross the limits along equity paths rather than with hand-filled structs.
import { accountState, type AccountState, type ClosedTrade, type RequestCounts } from './account-state.ts';
import type { FirmRules } from './firm-rules.ts';

export interface Script {
  /** Closed trades, any order; pnl after fees. */
  trades?: ClosedTrade[];
  /** Open times of the positions still open. */
  open?: number[];
  /** Live equity; defaults to the balance (nothing floating). */
  equity?: number;
  dayStartEquity?: number;
  /** Booked by the broker, unknown to Sigil (swaps, commissions): lands in the live balance only. */
  unseenFees?: number;
  openOrders?: number;
  requests?: Partial<RequestCounts>;
}

/** The live balance is the initial balance plus every trade's pnl, minus fees Sigil did not see. */
export function scriptedState(rules: FirmRules, now: number, script: Script = {}): AccountState {
  const trades = script.trades ?? [];
  const open = script.open ?? [];
  const balance = rules.initialBalance + trades.reduce((sum, t) => sum + t.pnl, 0) - (script.unseenFees ?? 0);
  return accountState({
    rules,
    now,
    closed: trades,
    openedAt: open,
    live: {
      balance,
      equity: script.equity ?? balance,
      openPositions: open.length,
      openOrders: script.openOrders ?? 0,
      ...(script.dayStartEquity === undefined ? {} : { dayStartEquity: script.dayStartEquity }),
    },
    requests: { all: 0, modifications: 0, positions: 0, ...script.requests },
  });
}

/** A trade closed at `closedAt`, held `heldSeconds`. */
export function trade(closedAt: number, pnl: number, heldSeconds = 3600): ClosedTrade {
  return { openedAt: closedAt - heldSeconds * 1000, closedAt, pnl };
}
