// The store_identity table: one row, written by the first run and never changed after.
import type { StoreIdentity } from '../domain/store-identity.ts';
import type { Row, SqlExecutor } from './sql-driver.ts';

export async function readIdentity(db: SqlExecutor): Promise<StoreIdentity | null> {
  const [row] = await db.query('SELECT * FROM store_identity WHERE id = 1');
  return row ? identityFromRow(row) : null;
}

/** Writes `identity` unless the store has one; returns the one in force either way. */
export async function claimIdentity(db: SqlExecutor, identity: StoreIdentity): Promise<StoreIdentity> {
  await db.execute(
    `INSERT INTO store_identity (id, kind, config_version, config_file, range_from, range_to, created_at)
     VALUES (1, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    [
      identity.kind,
      identity.configVersion,
      identity.configFile,
      identity.from,
      identity.to,
      identity.createdAt,
    ],
  );
  const stored = await readIdentity(db);
  if (!stored) throw new Error('store_identity vanished after its insert');
  return stored;
}

function identityFromRow(row: Row): StoreIdentity {
  const time = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return {
    kind: row.kind === 'live' ? 'live' : 'replay',
    configVersion: String(row.config_version),
    configFile: row.config_file === null || row.config_file === undefined ? null : String(row.config_file),
    from: time(row.range_from),
    to: time(row.range_to),
    createdAt: Number(row.created_at),
  };
}
