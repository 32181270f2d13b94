// One closed candle applied to one open position: the exit precedence decides, the store records. The
// position manager (live) and the backtester call this same step, so both exit the same way.
import { positionValue, type MoneyTerms } from '../domain/instrument.ts';
import type { Candle } from '../domain/candle.ts';
import type { ExitReason, Position, PositionBar } from '../domain/position.ts';
import type { Store } from '../domain/ports/store.ts';
import { closeTrade, type CloseResult, type CloseRules } from './close-trade.ts';
import { evaluateBar, type BarInput, type ExitRules } from './exit-precedence.ts';
import { exitAllowed } from './trading-policy.ts';

export interface ManageContext {
  exits: ExitRules;
  close: CloseRules;
  /** Units per quantity of the position's instrument and its quote currency's terms. */
  terms: MoneyTerms;
  /** Fee of the exit fill as a fraction of its value, when no `exitFill` sends the exit to a broker. */
  feeRate: number;
  actor: string;
  /**
   * Sends the exit the rules decided to a broker and returns its fill. Without it the exit fills at the
   * rule's price with `feeRate` (the paper fill model, for tests and pure replays).
   */
  exitFill?: (
    position: Position,
    reason: ExitReason,
    price: number,
    at: number,
  ) => Promise<{ price: number; fee: number }>;
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
  // A candle that closed by the entry holds prices the position never had. The candle the entry happened
  // in counts — in a replay the entry fills at its open; live, a decision made between bars fills within
  // it, and its stop must be watched from that bar on (its prices before the fill count too: the stop may
  // act early, never late). A candle at or before the last one applied was applied before (a step
  // retried after a crash) and must not be again.
  if (bar.closeTime <= position.openedAt) return { kind: 'held', position };
  if (position.trailedAt != null && bar.candle.time <= position.trailedAt) return { kind: 'held', position };

  const outcome = evaluateBar(position, bar, context.exits);
  // Every bar counts, whatever it decides: one more bar held, and its range in the excursions.
  const after = (currentStop: number): PositionBar => ({
    currentStop,
    ...rangeSeen(position, bar.candle),
    barsHeld: position.barsHeld + 1,
    barAt: bar.candle.time,
  });
  if (outcome.kind === 'exit') {
    const state = await store.tradingState(position.variantId);
    if (!exitAllowed(state, outcome.reason)) {
      await store.advancePosition(position, after(position.currentStop));
      return {
        kind: 'deferred',
        reason: outcome.reason,
        message: `${position.variantId} is halted (${state.reason}): ${outcome.reason} of ${position.id} waits`,
      };
    }
    const fill = context.exitFill
      ? await context.exitFill(position, outcome.reason, outcome.price, outcome.at)
      : {
          price: outcome.price,
          fee: positionValue(context.terms, position.qty, outcome.price) * context.feeRate,
        };
    const result = await closeTrade(
      store,
      position,
      {
        exitPrice: fill.price,
        reason: outcome.reason,
        exitFees: fill.fee,
        terms: context.terms,
        lastBar: after(position.currentStop),
        ...(outcome.reason === 'signal_exit' && bar.exitTag !== undefined ? { exitTag: bar.exitTag } : {}),
      },
      context.close,
      context.actor,
      outcome.at,
    );
    return { kind: 'closed', result };
  }
  return { kind: 'held', position: await store.advancePosition(position, after(outcome.currentStop)) };
}

/** The best and worst prices the position has seen, this candle's range included (mirrored for a short). */
function rangeSeen(position: Position, candle: Candle): Pick<PositionBar, 'peakPrice' | 'troughPrice'> {
  return position.side === 'long'
    ? {
        peakPrice: Math.max(position.peakPrice, candle.high),
        troughPrice: Math.min(position.troughPrice, candle.low),
      }
    : {
        peakPrice: Math.min(position.peakPrice, candle.low),
        troughPrice: Math.max(position.troughPrice, candle.high),
      };
}
