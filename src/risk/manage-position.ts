// One closed candle applied to one open position: the exit precedence decides, the store records. The
// position manager (live) and the backtester call this same step, so both exit the same way.
import type { ExitReason, Position } from '../domain/position.ts';
import type { Store } from '../domain/ports/store.ts';
import { closeTrade, type CloseResult, type CloseRules } from './close-trade.ts';
import { evaluateBar, type BarInput, type ExitRules } from './exit-precedence.ts';
import { exitAllowed } from './trading-policy.ts';

export interface ManageContext {
  exits: ExitRules;
  close: CloseRules;
  /** Units per quantity of the position's instrument. */
  contractSize: number;
  /** Fee of the exit fill as a fraction of its value (paper fills). */
  feeRate: number;
  actor: string;
}

export type BarResult =
  | { kind: 'closed'; result: CloseResult }
  | { kind: 'held'; position: Position }
  /** The variant is halted and this exit is discretionary: the position waits (its stop still holds). */
  | { kind: 'deferred'; reason: ExitReason; message: string };

export async function applyBar(
  store: Store,
  position: Position,
  bar: BarInput,
  context: ManageContext,
): Promise<BarResult> {
  // A candle that opened before the entry holds prices the position never had.
  if (bar.candle.time < position.openedAt) return { kind: 'held', position };

  const outcome = evaluateBar(position, bar, context.exits);
  if (outcome.kind === 'exit') {
    const state = await store.tradingState(position.variantId);
    if (!exitAllowed(state, outcome.reason)) {
      return {
        kind: 'deferred',
        reason: outcome.reason,
        message: `${position.variantId} is halted (${state.reason}): ${outcome.reason} of ${position.id} waits`,
      };
    }
    const exitValue = outcome.price * position.qty * context.contractSize;
    const result = await closeTrade(
      store,
      position,
      {
        exitPrice: outcome.price,
        reason: outcome.reason,
        exitFees: exitValue * context.feeRate,
        contractSize: context.contractSize,
      },
      context.close,
      context.actor,
      outcome.at,
    );
    return { kind: 'closed', result };
  }
  if (outcome.currentStop === position.currentStop && outcome.peakPrice === position.peakPrice) {
    return { kind: 'held', position };
  }
  return {
    kind: 'held',
    position: await store.updateTrail(position.id, outcome.currentStop, outcome.peakPrice),
  };
}
