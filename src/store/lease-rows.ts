// The leases table: one conditional upsert per name takes a lease that is free, lapsed or already the
// caller's, so two processes racing for it can never both win — SQLite's writer lock and PostgreSQL's
// unique index make the second upsert see the first one's row and find it live.
import type { EpochMs } from '../domain/ids.ts';
import type { LeaseClaim, LeaseHolder, LeaseRecord } from '../domain/lease.ts';
import { valuesPlaceholders, type Row, type SqlExecutor } from './sql-driver.ts';

/** Takes every name or none: the caller runs this in a transaction and rolls back on `acquired: false`. */
export async function acquireLeases(
  db: SqlExecutor,
  names: readonly string[],
  holder: LeaseHolder,
  now: EpochMs,
  ttlMs: number,
  replacing: readonly string[] = [],
): Promise<LeaseClaim> {
  // Looked at first, so a refusal writes nothing even inside a caller's transaction; the upsert's own
  // condition still decides a race between two processes that both passed this look.
  const taken = (await readLeases(db, names)).find(
    (l) => l.holder !== holder.holder && !replacing.includes(l.holder) && !(l.leaseUntil < now),
  );
  if (taken) return { acquired: false, heldBy: taken };
  const fences = new Map<string, number>();
  for (const name of names) {
    const [row] = await db.query<{ fence: number }>(
      `INSERT INTO leases (name, holder, host, pid, info, since, lease_until, fence)
       VALUES (?, ?, ?, ?, ?, ?, ?, 1)
       ON CONFLICT (name) DO UPDATE SET
         since = CASE WHEN leases.holder = excluded.holder THEN leases.since ELSE excluded.since END,
         fence = CASE WHEN leases.holder = excluded.holder THEN leases.fence ELSE leases.fence + 1 END,
         holder = excluded.holder, host = excluded.host, pid = excluded.pid, info = excluded.info,
         lease_until = excluded.lease_until
       WHERE leases.holder = excluded.holder OR leases.lease_until < ?${replacing.length > 0 ? ` OR leases.holder IN ${valuesPlaceholders(1, replacing.length)}` : ''}
       RETURNING fence`,
      [name, holder.holder, holder.host, holder.pid, holder.info, now, now + ttlMs, now, ...replacing],
    );
    if (!row) {
      const [held] = await readLeases(db, [name]);
      if (!held) throw new Error(`lease ${name} refused yet not found`);
      return { acquired: false, heldBy: held };
    }
    fences.set(name, Number(row.fence));
  }
  return { acquired: true, fences };
}

/** Extends the holder's leases; false (and nothing changed) when any of them is no longer its own. */
export async function renewLeases(
  db: SqlExecutor,
  names: readonly string[],
  holder: string,
  now: EpochMs,
  ttlMs: number,
): Promise<boolean> {
  if (names.length === 0) return true;
  const held = await db.query(
    `SELECT name FROM leases WHERE name IN ${valuesPlaceholders(1, names.length)} AND holder = ? AND lease_until >= ?`,
    [...names, holder, now],
  );
  if (held.length !== new Set(names).size) return false;
  await db.execute(
    `UPDATE leases SET lease_until = ? WHERE name IN ${valuesPlaceholders(1, names.length)} AND holder = ?`,
    [now + ttlMs, ...names, holder],
  );
  return true;
}

/** Ends the holder's leases at once (a clean stop): a standby need not wait for them to lapse. */
export async function releaseLeases(
  db: SqlExecutor,
  names: readonly string[],
  holder: string,
  now: EpochMs,
): Promise<void> {
  if (names.length === 0) return;
  await db.execute(
    `UPDATE leases SET lease_until = ? WHERE name IN ${valuesPlaceholders(1, names.length)} AND holder = ?`,
    [now - 1, ...names, holder],
  );
}

/** The named leases, or all of them; by name. */
export async function readLeases(db: SqlExecutor, names?: readonly string[]): Promise<LeaseRecord[]> {
  const rows =
    names === undefined
      ? await db.query('SELECT * FROM leases ORDER BY name')
      : names.length === 0
        ? []
        : await db.query(
            `SELECT * FROM leases WHERE name IN ${valuesPlaceholders(1, names.length)} ORDER BY name`,
            [...names],
          );
  return rows.map(leaseFromRow);
}

function leaseFromRow(row: Row): LeaseRecord {
  return {
    name: row.name as string,
    holder: row.holder as string,
    host: row.host as string,
    pid: Number(row.pid),
    info: row.info as string,
    since: Number(row.since),
    leaseUntil: Number(row.lease_until),
    fence: Number(row.fence),
  };
}
