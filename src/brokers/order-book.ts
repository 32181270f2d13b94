// A variant's book rebuilt from its recorded orders: entries still open (by position id) and the round
// trips an exit of the same position closed. The paper account and the ccxt spot adapter both keep their
// positions this way — spot exchanges hold balances, not positions, so the orders are the only record.
import type { EpochMs } from '../domain/ids.ts';
import { moveValue } from '../domain/instrument.ts';
import type { QuoteTerms } from '../domain/quote-currency.ts';
import type { BrokerClosedPosition, BrokerPosition } from '../domain/ports/broker.ts';
import type { StoredOrder } from '../domain/ports/store.ts';

export interface OrderBook {
  /** Filled entries not yet closed, by position id, oldest first. */
  open: Map<string, StoredOrder>;
  /** Closed round trips, in close order; pnl (dollars) is net of the entry's and the exit's fees. */
  closed: BrokerClosedPosition[];
}

/** How a symbol's quote money becomes dollars (the config's instrument). */
export type QuoteOf = (symbol: string) => QuoteTerms;

/** Only filled orders that name a position count; an exit without an open entry is ignored. */
export function bookOf(orders: readonly StoredOrder[], quoteOf: QuoteOf): OrderBook {
  const open = new Map<string, StoredOrder>();
  const closed: BrokerClosedPosition[] = [];
  for (const order of orders) {
    const ref = order.request.positionId;
    if (order.result.status !== 'filled' || ref === null) continue;
    if (order.request.purpose === 'entry') {
      open.set(ref, order);
      continue;
    }
    const entry = open.get(ref);
    if (!entry) continue;
    open.delete(ref);
    const position = positionOf(entry);
    const exitPrice = order.result.price ?? position.entryPrice;
    const gross = moveValue(
      { contractSize: entry.request.contractSize, quote: quoteOf(position.symbol) },
      move(position.side, position.entryPrice, exitPrice),
      position.qty,
      exitPrice,
    );
    closed.push({
      brokerRef: ref,
      symbol: position.symbol,
      side: position.side,
      qty: position.qty,
      entryPrice: position.entryPrice,
      openedAt: position.openedAt,
      exitPrice,
      closedAt: order.result.at,
      pnl: gross - entry.result.fee - order.result.fee,
      reason: 'closed',
    });
  }
  return { open, closed };
}

/** Closed round trips at or after `since`, oldest first. */
export function closedSince(book: OrderBook, since: EpochMs): BrokerClosedPosition[] {
  return book.closed.filter((c) => c.closedAt >= since);
}

/** The position an entry opened, with the stops kept on the entry's record. */
export function positionOf(entry: StoredOrder): BrokerPosition {
  return {
    brokerRef: entry.request.positionId ?? entry.request.clientOrderId,
    symbol: entry.request.symbol,
    side: entry.request.side === 'buy' ? 'long' : 'short',
    qty: entry.result.qty,
    entryPrice: entry.result.price ?? 0,
    stopLoss: entry.request.stopLoss ?? null,
    takeProfit: entry.request.takeProfit ?? null,
    openedAt: entry.result.at,
  };
}

/** The price move in the position's favour. */
export function move(side: 'long' | 'short', entry: number, exit: number): number {
  return side === 'long' ? exit - entry : entry - exit;
}
