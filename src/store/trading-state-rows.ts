// The trading_states table (one row per variant that ever left `active`) and its append-only change log.
import type { EpochMs, VariantId } from '../domain/ids.ts';
import type { TradingState, TradingStateChange, TradingStateRecord } from '../domain/trading-state.ts';
import type { Row, SqlExecutor } from './sql-driver.ts';

export function activeRecord(variantId: VariantId): TradingStateRecord {
  return { variantId, state: 'active', reason: '', actor: '', changedAt: null };
}

export async function readTradingState(db: SqlExecutor, variantId: VariantId): Promise<TradingStateRecord> {
  const [row] = await db.query('SELECT * FROM trading_states WHERE variant_id = ?', [variantId]);
  return row ? stateFromRow(row) : activeRecord(variantId);
}

export async function readTradingStates(db: SqlExecutor): Promise<TradingStateRecord[]> {
  const rows = await db.query('SELECT * FROM trading_states ORDER BY variant_id');
  return rows.map(stateFromRow);
}

export async function writeTradingState(
  db: SqlExecutor,
  change: { variantId: VariantId; state: TradingState; reason: string; actor: string },
  now: EpochMs,
): Promise<TradingStateRecord> {
  const current = await readTradingState(db, change.variantId);
  if (current.state === change.state) return current;
  await db.execute(
    `INSERT INTO trading_states (variant_id, state, reason, actor, changed_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (variant_id) DO UPDATE SET state = excluded.state, reason = excluded.reason,
       actor = excluded.actor, changed_at = excluded.changed_at`,
    [change.variantId, change.state, change.reason, change.actor, now],
  );
  await db.execute(
    `INSERT INTO trading_state_changes (variant_id, from_state, to_state, reason, actor, at) VALUES (?, ?, ?, ?, ?, ?)`,
    [change.variantId, current.state, change.state, change.reason, change.actor, now],
  );
  return { ...change, changedAt: now };
}

export async function readTradingStateChanges(
  db: SqlExecutor,
  variantId: VariantId,
): Promise<TradingStateChange[]> {
  const rows = await db.query('SELECT * FROM trading_state_changes WHERE variant_id = ? ORDER BY seq', [
    variantId,
  ]);
  return rows.map((row) => ({
    variantId: row.variant_id as VariantId,
    from: row.from_state as TradingState,
    to: row.to_state as TradingState,
    reason: row.reason as string,
    actor: row.actor as string,
    at: row.at as EpochMs,
  }));
}

function stateFromRow(row: Row): TradingStateRecord {
  return {
    variantId: row.variant_id as VariantId,
    state: row.state as TradingState,
    reason: row.reason as string,
    actor: row.actor as string,
    changedAt: row.changed_at as EpochMs,
  };
}
