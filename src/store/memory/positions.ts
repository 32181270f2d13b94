// Positions: every one by id; the open ones by (variant, symbol) — the partial unique index that refuses
// a second open position — and in (opened_at, id) order per variant and overall, kept sorted as they
// change so the twice-a-bar read is a copy of a few references; the closed ones in each variant's
// ClosedBook with its realised ledger. Nothing a bar reads walks history.
import type { EpochMs, PositionId, VariantId } from '../../domain/ids.ts';
import type { ClosedPositionQuery, RealizedPnl } from '../../domain/ports/store.ts';
import {
  POSITION_SIDES,
  type NewPosition,
  type Position,
  type PositionBar,
  type PositionClose,
} from '../../domain/position.ts';
import { PositionAlreadyOpenError, PositionNotOpenError } from '../store-errors.ts';
import { ClosedBook, closeOrder } from './closed-book.ts';
import { compareText, insertSorted, removeSorted, replaceSorted } from './sorted.ts';
import { check } from './stored-values.ts';
import type { UndoLog } from './undo-log.ts';

const NO_TRADES: RealizedPnl = Object.freeze({ total: 0, peak: 0, trades: 0 });

interface OpenBook {
  bySymbol: Map<string, Position>;
  /** (opened_at, id) order. */
  sorted: Position[];
}

function openOrder(a: Position, b: Position): number {
  return a.openedAt - b.openedAt || compareText(a.id, b.id);
}

export class PositionTable {
  private readonly byId = new Map<PositionId, Position>();
  private readonly open = new Map<VariantId, OpenBook>();
  private readonly allOpen: Position[] = [];
  private readonly books = new Map<VariantId, ClosedBook>();

  constructor(private readonly undo: UndoLog) {}

  openPosition(p: NewPosition): Position {
    check(p.qty > 0, 'qty > 0');
    check(p.entryPrice > 0, 'entry_price > 0');
    check(POSITION_SIDES.includes(p.side), "side IN ('long', 'short')");
    // SQLite checks the partial index before the primary key: a row breaking both is refused as the former.
    if (this.openOf(p.variantId, p.symbol)) throw new PositionAlreadyOpenError(p.variantId, p.symbol);
    if (this.byId.has(p.id)) throw new Error('UNIQUE constraint failed: positions.id');
    const opened = openedRecord(p);
    this.write(opened, null);
    this.undo.record(() => this.write(null, opened));
    return opened;
  }

  closePosition(id: PositionId, close: PositionClose): Position {
    const open = this.openById(id);
    const closed = nextRecord(open, close.lastBar ?? barOf(open), close);
    this.write(null, open);
    this.byId.set(id, closed);
    this.undo.record(() => this.write(open, null));
    this.book(closed.variantId).add(closed);
    return closed;
  }

  advance(id: PositionId, bar: PositionBar): Position {
    const open = this.openById(id);
    const trailed = nextRecord(open, bar, null);
    this.write(trailed, open);
    this.undo.record(() => this.write(open, trailed));
    return trailed;
  }

  get(id: PositionId): Position | null {
    return this.byId.get(id) ?? null;
  }

  openOf(variantId: VariantId, symbol: string): Position | null {
    return this.open.get(variantId)?.bySymbol.get(symbol) ?? null;
  }

  openPositions(variantId?: VariantId): Position[] {
    if (variantId === undefined) return this.allOpen.slice();
    return this.open.get(variantId)?.sorted.slice() ?? [];
  }

  closedPositions(query: ClosedPositionQuery): Position[] {
    const { variantId, symbol, closedAfter } = query;
    if (variantId !== undefined) {
      const closed = this.books.get(variantId)?.list(closedAfter) ?? [];
      return symbol === undefined ? closed : closed.filter((p) => p.symbol === symbol);
    }
    const found: Position[] = [];
    for (const book of this.books.values())
      for (const p of book.list(closedAfter)) if (symbol === undefined || p.symbol === symbol) found.push(p);
    return found.sort(closeOrder);
  }

  realizedPnl(variantId: VariantId): RealizedPnl {
    return this.books.get(variantId)?.ledger() ?? NO_TRADES;
  }

  realizedTotal(variantId: VariantId): number {
    return this.books.get(variantId)?.realizedTotal ?? 0;
  }

  private openById(id: PositionId): Position {
    const position = this.byId.get(id);
    if (!position || this.openOf(position.variantId, position.symbol) !== position)
      throw new PositionNotOpenError(id);
    return position;
  }

  /** Replaces the open position `prev` by `next` (either may be null); byId follows `next`. */
  private write(next: Position | null, prev: Position | null): void {
    if (next && prev) {
      // A trail: same position, same place in the order.
      const book = this.open.get(next.variantId) as OpenBook;
      book.bySymbol.set(next.symbol, next);
      replaceSorted(book.sorted, next, openOrder);
      replaceSorted(this.allOpen, next, openOrder);
      this.byId.set(next.id, next);
      return;
    }
    if (prev) {
      const book = this.open.get(prev.variantId) as OpenBook;
      book.bySymbol.delete(prev.symbol);
      removeSorted(book.sorted, prev, openOrder);
      removeSorted(this.allOpen, prev, openOrder);
      if (!next) this.byId.delete(prev.id);
    }
    if (next) {
      let book = this.open.get(next.variantId);
      if (!book) this.open.set(next.variantId, (book = { bySymbol: new Map(), sorted: [] }));
      book.bySymbol.set(next.symbol, next);
      insertSorted(book.sorted, next, openOrder);
      insertSorted(this.allOpen, next, openOrder);
      this.byId.set(next.id, next);
    }
  }

  private book(variantId: VariantId): ClosedBook {
    let book = this.books.get(variantId);
    if (!book) this.books.set(variantId, (book = new ClosedBook(this.undo)));
    return book;
  }
}

/** The row as positionFromRow reads it back after the insert: no trail yet, the peak defaulting to the entry. */
function openedRecord(p: NewPosition): Position {
  return Object.freeze({
    id: p.id,
    intentId: p.intentId ?? null,
    variantId: p.variantId,
    symbol: p.symbol,
    side: p.side,
    qty: p.qty,
    entryPrice: p.entryPrice,
    atrAtEntry: p.atrAtEntry ?? null,
    initialStop: p.initialStop,
    currentStop: p.currentStop,
    peakPrice: p.peakPrice ?? p.entryPrice,
    troughPrice: p.entryPrice,
    barsHeld: 0,
    trailedAt: null,
    signalAt: p.signalAt ?? null,
    takeProfit: p.takeProfit ?? null,
    openedAt: p.openedAt,
    closedAt: null,
    exitPrice: null,
    exitReason: null,
    fees: p.fees,
    pnl: null,
    brokerRef: p.brokerRef ?? null,
  });
}

/** The bar-driven fields of a position as they stand (a close from outside a bar keeps them). */
function barOf(p: Position): Omit<PositionBar, 'barAt'> & { barAt: EpochMs | null } {
  return {
    currentStop: p.currentStop,
    peakPrice: p.peakPrice,
    troughPrice: p.troughPrice,
    barsHeld: p.barsHeld,
    barAt: p.trailedAt ?? null,
  };
}

/** An advanced or closed position: a whole new record, never a spread (see stored-values.ts). */
function nextRecord(
  p: Position,
  bar: Omit<PositionBar, 'barAt'> & { barAt: EpochMs | null },
  close: PositionClose | null,
): Position {
  return Object.freeze({
    id: p.id,
    intentId: p.intentId,
    variantId: p.variantId,
    symbol: p.symbol,
    side: p.side,
    qty: p.qty,
    entryPrice: p.entryPrice,
    atrAtEntry: p.atrAtEntry,
    initialStop: p.initialStop,
    currentStop: bar.currentStop,
    peakPrice: bar.peakPrice,
    troughPrice: bar.troughPrice,
    barsHeld: bar.barsHeld,
    trailedAt: bar.barAt,
    signalAt: p.signalAt,
    takeProfit: p.takeProfit,
    openedAt: p.openedAt,
    closedAt: close ? close.closedAt : p.closedAt,
    exitPrice: close ? close.exitPrice : p.exitPrice,
    exitReason: close ? close.exitReason : p.exitReason,
    fees: close ? close.fees : p.fees,
    pnl: close ? close.pnl : p.pnl,
    brokerRef: p.brokerRef ?? null,
    ...(close?.exitTag !== undefined
      ? { exitTag: close.exitTag }
      : p.exitTag !== undefined
        ? { exitTag: p.exitTag }
        : {}),
  });
}
