// The realised P&L ledger: one row per variant, kept as trades close, so the equity look, the sizing
// and the kill switch read a variant's realised total and its peak with one key lookup instead of a
// sum over every trade it ever closed (a replay read that sum at every bar, and slowed down with each
// trade).
//
// The totals are plain IEEE sums in close order — the memory store adds the same numbers in the same
// order, so both hold the same value to the last bit and a backtest sizes exactly as the bot would.
import type { VariantId } from '../domain/ids.ts';
import type { RealizedPnl } from '../domain/ports/store.ts';
import type { Position } from '../domain/position.ts';
import type { SqlExecutor } from './sql-driver.ts';

/** Adds a position just closed (inside the transaction that closed it). */
export async function addClose(db: SqlExecutor, closed: Position): Promise<void> {
  const pnl = closed.pnl ?? 0;
  // The common case: this close is not older than the last one added. Closes at the same time count in
  // the order they were made (ids would order them by each database's collation, not one order).
  const appended = await db.execute(
    `UPDATE realized_pnl SET total = total + ?, trades = trades + 1,
       peak = CASE WHEN total + ? > peak THEN total + ? ELSE peak END,
       last_closed_at = ?, last_id = ?
     WHERE variant_id = ? AND last_closed_at <= ?`,
    [pnl, pnl, pnl, closed.closedAt, closed.id, closed.variantId, closed.closedAt],
  );
  if (appended === 0) await rebuild(db, closed.variantId);
}

export async function readLedger(db: SqlExecutor, variantId: VariantId): Promise<RealizedPnl> {
  const [row] = await db.query('SELECT total, trades, peak FROM realized_pnl WHERE variant_id = ?', [
    variantId,
  ]);
  if (!row) return { total: 0, peak: 0, trades: 0 };
  return { total: Number(row.total), peak: Number(row.peak), trades: Number(row.trades) };
}

/**
 * The variant's first close, or one that arrived out of order (a broker-side close found on a later
 * poll, with its earlier close time): the ledger is summed again from the positions, in order.
 */
async function rebuild(db: SqlExecutor, variantId: VariantId): Promise<void> {
  const rows = await db.query<{ id: string; closed_at: number; pnl: number | null }>(
    "SELECT id, closed_at, pnl FROM positions WHERE status = 'closed' AND variant_id = ? ORDER BY closed_at, id",
    [variantId],
  );
  let total = 0;
  let peak = 0;
  for (const row of rows) {
    total += Number(row.pnl ?? 0);
    if (total > peak) peak = total;
  }
  const last = rows.at(-1);
  if (!last) return;
  await db.execute(
    `INSERT INTO realized_pnl (variant_id, total, trades, peak, last_closed_at, last_id) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (variant_id) DO UPDATE SET total = excluded.total, trades = excluded.trades,
       peak = excluded.peak, last_closed_at = excluded.last_closed_at, last_id = excluded.last_id`,
    [variantId, total, rows.length, peak, Number(last.closed_at), last.id],
  );
}
