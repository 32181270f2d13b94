// Closing one open position now, at the market, through its variant's broker — not at a bar's close
// but because someone decided to: the equity monitor on a compliance breach, an operator by hand. The
// exit goes under the position's derived client order id, so an exit the bot sends for the same
// position meanwhile is the same order, and the store's close refuses a second close
// (PositionNotOpenError): whichever close commits first is the only one.
import type { EpochMs, WorkerId } from '../domain/ids.ts';
import type { InstrumentOf } from '../domain/instrument.ts';
import { markClosed } from '../domain/intent-commands.ts';
import { exitOrderFor } from '../domain/order.ts';
import type { Broker } from '../domain/ports/broker.ts';
import type { Store } from '../domain/ports/store.ts';
import type { ExitReason, Position } from '../domain/position.ts';
import { closeTrade, type CloseResult, type CloseRules } from '../risk/close-trade.ts';

export interface MarketClose {
  reason: ExitReason;
  /** Where a paper account fills (the last price); real brokers fill at their market and ignore it. */
  price?: number;
  rules: CloseRules;
  actor: WorkerId;
  /** Kept on the trade as its exit tag: who closed it by hand, and why. */
  tag?: string;
  /** The close's line in its intent's decision records. */
  note: string;
}

/** Thrown when the broker answers the close with a refusal: the position stays open. */
export class MarketCloseRefusedError extends Error {
  constructor(broker: string, position: Position, reason: ExitReason, why: string) {
    super(`${broker} refused the ${reason} close of ${position.id}: ${why}`);
    this.name = 'MarketCloseRefusedError';
  }
}

export async function closeAtMarket(
  deps: { store: Store; instruments: InstrumentOf },
  broker: Broker,
  position: Position,
  close: MarketClose,
  now: EpochMs,
): Promise<CloseResult> {
  const instrument = deps.instruments(position.variantId, position.symbol);
  const fill = await broker.submitMarketOrder(
    exitOrderFor(position, instrument.contractSize, close.price),
    now,
  );
  if (fill.status !== 'filled' || fill.price === null) {
    throw new MarketCloseRefusedError(broker.name, position, close.reason, fill.reason);
  }
  const result = await closeTrade(
    deps.store,
    position,
    {
      exitPrice: fill.price,
      reason: close.reason,
      exitFees: fill.fee,
      terms: instrument,
      ...(close.tag !== undefined ? { exitTag: close.tag } : {}),
    },
    close.rules,
    close.actor,
    now,
  );
  if (position.intentId) await markClosed(deps.store, position.intentId, close.actor, close.note, now);
  return result;
}
