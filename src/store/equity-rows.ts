// Equity snapshots, and each variant's peak kept beside them (equity_peaks): the latest snapshot is the
// primary key's last row, the peak one key lookup — the kill switch and every metrics scrape ask for it,
// and an index over equity values cost a replay a random page per variant per bar.
import type { EpochMs, VariantId } from '../domain/ids.ts';
import type { EquityHeadline, EquitySnapshot } from '../domain/ports/store.ts';
import type { Row, SqlExecutor } from './sql-driver.ts';

/** Inside the caller's transaction: the snapshot (a second one at the same time replaces it) and the peak. */
export async function recordEquity(db: SqlExecutor, s: EquitySnapshot): Promise<void> {
  await db.execute(
    `INSERT INTO equity_snapshots (variant_id, at, balance, equity, open_positions) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (variant_id, at) DO UPDATE SET balance = excluded.balance, equity = excluded.equity,
       open_positions = excluded.open_positions`,
    [s.variantId, s.at, s.balance, s.equity, s.openPositions],
  );
  // The common case: a snapshot after the latest.
  const raised = await db.execute(
    `UPDATE equity_peaks SET latest_at = ?, peak = CASE WHEN ? > peak THEN ? ELSE peak END
     WHERE variant_id = ? AND latest_at < ?`,
    [s.at, s.equity, s.equity, s.variantId, s.at],
  );
  if (raised === 0) await rebuildPeak(db, s.variantId);
}

export async function equitySnapshots(
  db: SqlExecutor,
  variantId: VariantId,
  since?: EpochMs,
): Promise<EquitySnapshot[]> {
  const rows = await db.query(
    `SELECT * FROM equity_snapshots WHERE variant_id = ?${since === undefined ? '' : ' AND at >= ?'} ORDER BY at`,
    since === undefined ? [variantId] : [variantId, since],
  );
  return rows.map(snapshotFromRow);
}

export async function equityHeadline(db: SqlExecutor, variantId: VariantId): Promise<EquityHeadline> {
  const [latest] = await db.query(
    'SELECT * FROM equity_snapshots WHERE variant_id = ? ORDER BY at DESC LIMIT 1',
    [variantId],
  );
  const [peak] = await db.query('SELECT peak FROM equity_peaks WHERE variant_id = ?', [variantId]);
  return {
    latest: latest ? snapshotFromRow(latest) : null,
    peak: peak ? Number(peak.peak) : null,
  };
}

/**
 * The variant's first snapshot, or one that rewrote an earlier time (a bar run again after a crash): it
 * may have lowered the value the peak came from, so the peak is taken again from every snapshot.
 */
async function rebuildPeak(db: SqlExecutor, variantId: VariantId): Promise<void> {
  const [row] = await db.query(
    'SELECT MAX(at) AS latest_at, MAX(equity) AS peak FROM equity_snapshots WHERE variant_id = ?',
    [variantId],
  );
  if (!row || row.latest_at === null || row.latest_at === undefined) return;
  await db.execute(
    `INSERT INTO equity_peaks (variant_id, latest_at, peak) VALUES (?, ?, ?)
     ON CONFLICT (variant_id) DO UPDATE SET latest_at = excluded.latest_at, peak = excluded.peak`,
    [variantId, Number(row.latest_at), Number(row.peak)],
  );
}

function snapshotFromRow(row: Row): EquitySnapshot {
  return {
    variantId: row.variant_id as VariantId,
    at: row.at as EpochMs,
    balance: row.balance as number,
    equity: row.equity as number,
    openPositions: row.open_positions as number,
  };
}
