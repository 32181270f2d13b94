// Closing a position, with everything a close decides, in one transaction: the realised P&L, the locks
// the protections ask for (freqtrade evaluates them when a trade closes, too) and the kill switch.
import type { EpochMs } from '../domain/ids.ts';
import { moveValue, type MoneyTerms } from '../domain/instrument.ts';
import type { ExitReason, Position, PositionBar } from '../domain/position.ts';
import type { Store } from '../domain/ports/store.ts';
import type { TradingStateRecord } from '../domain/trading-state.ts';
import { drawdownPct, drawdownTrips, realizedEquity, tripKillSwitch } from './kill-switch.ts';
import { locksAfterClose, type Lock, type ProtectionRules } from './protections.ts';

const HOUR = 3_600_000;

export interface CloseRules {
  protections: ProtectionRules;
  /** Halt the variant when realised equity falls this far (percent) below its peak; 0 = off. */
  killSwitchDrawdownPct: number;
  startingBalanceUsd: number;
}

export interface TradeExit {
  exitPrice: number;
  reason: ExitReason;
  /** Fees of the exit fill; the entry's are already on the position. */
  exitFees: number;
  /** Units per quantity (FX lot: 100 000) and the quote currency's terms, to turn a price move into dollars. */
  terms: MoneyTerms;
  /** The broker's own figure for a position it closed (swaps and commissions included); default: computed. */
  pnl?: number;
  /** The position as of the bar that closed it; absent for a close from outside a bar (a broker's). */
  lastBar?: PositionBar;
  /** A user strategy's reason for the signal exit it asked for. */
  exitTag?: string;
}

export interface CloseResult {
  position: Position;
  locks: Lock[];
  /** The kill switch's new state when this close tripped it. */
  tripped: TradingStateRecord | null;
}

/** Dollars made by a position closed at `exitPrice` (the quote converted at that price), after all its fees. */
export function positionPnl(position: Position, exitPrice: number, terms: MoneyTerms, fees: number): number {
  const move = position.side === 'long' ? exitPrice - position.entryPrice : position.entryPrice - exitPrice;
  return moveValue(terms, move, position.qty, exitPrice) - fees;
}

export async function closeTrade(
  store: Store,
  position: Position,
  exit: TradeExit,
  rules: CloseRules,
  actor: string,
  now: EpochMs,
): Promise<CloseResult> {
  return store.transaction(async (tx) => {
    const fees = position.fees + exit.exitFees;
    const closed = await tx.closePosition(position.id, {
      exitPrice: exit.exitPrice,
      exitReason: exit.reason,
      closedAt: now,
      fees,
      pnl: exit.pnl ?? positionPnl(position, exit.exitPrice, exit.terms, fees),
      ...(exit.lastBar ? { lastBar: exit.lastBar } : {}),
      ...(exit.exitTag !== undefined ? { exitTag: exit.exitTag } : {}),
    });

    const p = rules.protections;
    // The equity curve (an ordered scan of every closed trade) is read only when a rule needs it.
    const needsEquity = p.maxDrawdown.maxDrawdownPct > 0 || rules.killSwitchDrawdownPct > 0;
    const { equity, peak } = needsEquity
      ? realizedEquity(rules.startingBalanceUsd, await tx.realizedPnl(position.variantId))
      : { equity: Number.NaN, peak: Number.NaN };
    // The recent closes, over the lookback of the rules that are on — none when no rule looks back (a
    // query of 2–3 µs a row, at every close).
    const lookbackHours = Math.max(
      p.stoplossGuard.tradeLimit > 0 ? p.stoplossGuard.lookbackHours : 0,
      p.maxDrawdown.maxDrawdownPct > 0 ? p.maxDrawdown.lookbackHours : 0,
      p.lowProfit.tradeLimit > 0 ? p.lowProfit.lookbackHours : 0,
    );
    const recent =
      lookbackHours > 0
        ? await tx.closedPositions({ variantId: position.variantId, closedAfter: now - lookbackHours * HOUR })
        : [];
    const locks = locksAfterClose({ closed, recent, equity, now }, p);
    for (const lock of locks) await tx.upsertProtection(lock, now);

    let tripped: TradingStateRecord | null = null;
    const drawdown = needsEquity ? drawdownPct(peak, equity) : 0;
    if (drawdownTrips(drawdown, rules.killSwitchDrawdownPct)) {
      const state = await tx.tradingState(position.variantId);
      if (state.state !== 'halted') {
        tripped = await tripKillSwitch(
          tx,
          {
            variantId: position.variantId,
            why: `realised drawdown ${drawdown.toFixed(2)} % ≥ ${rules.killSwitchDrawdownPct} % (equity ${equity.toFixed(2)}, peak ${peak.toFixed(2)})`,
            actor,
          },
          now,
        );
      }
    }
    return { position: closed, locks, tripped };
  });
}
