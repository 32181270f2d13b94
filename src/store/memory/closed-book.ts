// One variant's closed positions in (closed_at, id) order, with its realised P&L ledger kept as they
// close — the memory twin of the realized_pnl table (realized-pnl-rows.ts), to the same rules and the
// same arithmetic: a close not older than the last one added is summed onto the running total (plain
// IEEE addition, in the order the closes were made); one that arrives out of order (a broker-side close
// found on a later poll) rebuilds the ledger from the book, in (closed_at, id) order. Both stores hold
// the same bits, so a backtest sizes exactly as the bot would.
//
// Reads never grow with history: the ledger is three numbers, and `closedAfter` is a binary search and
// a slice of the tail. Closes almost always append; an out-of-order one splices in place.
import type { EpochMs } from '../../domain/ids.ts';
import type { RealizedPnl } from '../../domain/ports/store.ts';
import type { Position } from '../../domain/position.ts';
import { compareText, insertSorted, removeSorted, upperBound } from './sorted.ts';
import type { UndoLog } from './undo-log.ts';

export function closeOrder(a: Position, b: Position): number {
  return (a.closedAt as EpochMs) - (b.closedAt as EpochMs) || compareText(a.id, b.id);
}

function closedAfter(p: Position, at: EpochMs): number {
  return (p.closedAt as EpochMs) - at;
}

export class ClosedBook {
  private readonly positions: Position[] = [];
  private total = 0;
  private peak = 0;
  private trades = 0;
  private lastClosedAt = -Infinity;

  constructor(private readonly undo: UndoLog) {}

  add(closed: Position): void {
    const { total, peak, trades, lastClosedAt } = this;
    insertSorted(this.positions, closed, closeOrder);
    const at = closed.closedAt as EpochMs;
    if (trades > 0 && lastClosedAt <= at) {
      const pnl = closed.pnl ?? 0;
      if (total + pnl > peak) this.peak = total + pnl;
      this.total = total + pnl;
      this.trades = trades + 1;
      this.lastClosedAt = at;
    } else {
      this.rebuild();
    }
    this.undo.record(() => {
      removeSorted(this.positions, closed, closeOrder);
      this.total = total;
      this.peak = peak;
      this.trades = trades;
      this.lastClosedAt = lastClosedAt;
    });
  }

  ledger(): RealizedPnl {
    return { total: this.total, peak: this.peak, trades: this.trades };
  }

  get realizedTotal(): number {
    return this.total;
  }

  /** Every closed position, or those closed after `after` (exclusive), in close order. */
  list(after?: EpochMs): Position[] {
    if (after === undefined) return this.positions.slice();
    return this.positions.slice(upperBound(this.positions, after, closedAfter));
  }

  private rebuild(): void {
    let total = 0;
    let peak = 0;
    for (const position of this.positions) {
      total += position.pnl ?? 0;
      if (total > peak) peak = total;
    }
    this.total = total;
    this.peak = peak;
    this.trades = this.positions.length;
    this.lastClosedAt =
      (this.positions[this.positions.length - 1]?.closedAt as EpochMs | undefined) ?? -Infinity;
  }
}
