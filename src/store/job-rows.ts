// The jobs table: the scheduler's persistent state. Claims are one conditional UPDATE, so two
// schedulers sharing a database never run the same due job twice.
import type { EpochMs } from '../domain/ids.ts';
import type { JobRecord } from '../domain/job.ts';
import { valuesPlaceholders, type Row, type SqlExecutor } from './sql-driver.ts';

export async function ensureJob(
  db: SqlExecutor,
  name: string,
  firstRunAt: EpochMs,
  now: EpochMs,
): Promise<JobRecord> {
  await db.execute(
    `INSERT INTO jobs (name, next_run_at, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
    [name, firstRunAt, now, now],
  );
  const [row] = await db.query('SELECT * FROM jobs WHERE name = ?', [name]);
  if (!row) throw new Error(`job ${name} vanished after its insert`);
  return jobFromRow(row);
}

export async function claimDueJobs(
  db: SqlExecutor,
  names: readonly string[],
  owner: string,
  now: EpochMs,
  leaseMs: number,
): Promise<JobRecord[]> {
  if (names.length === 0) return [];
  const rows = await db.query(
    `UPDATE jobs SET owner = ?, lease_until = ?, updated_at = ?
     WHERE name IN ${valuesPlaceholders(1, names.length)} AND next_run_at <= ?
       AND (lease_until IS NULL OR lease_until < ?)
     RETURNING *`,
    [owner, now + leaseMs, now, ...names, now, now],
  );
  return rows.map(jobFromRow).sort((a, b) => a.nextRunAt - b.nextRunAt || a.name.localeCompare(b.name));
}

export async function finishJob(
  db: SqlExecutor,
  name: string,
  owner: string,
  ranAt: EpochMs,
  nextRunAt: EpochMs,
  now: EpochMs,
): Promise<boolean> {
  const changed = await db.execute(
    `UPDATE jobs SET last_run_at = ?, next_run_at = ?, owner = NULL, lease_until = NULL, updated_at = ?
     WHERE name = ? AND owner = ?`,
    [ranAt, nextRunAt, now, name, owner],
  );
  return changed === 1;
}

export async function renewJobLease(
  db: SqlExecutor,
  name: string,
  owner: string,
  leaseUntil: EpochMs,
  now: EpochMs,
): Promise<boolean> {
  const changed = await db.execute(
    'UPDATE jobs SET lease_until = ?, updated_at = ? WHERE name = ? AND owner = ? AND lease_until IS NOT NULL',
    [leaseUntil, now, name, owner],
  );
  return changed === 1;
}

export async function rescheduleJob(
  db: SqlExecutor,
  name: string,
  nextRunAt: EpochMs,
  now: EpochMs,
): Promise<void> {
  await db.execute('UPDATE jobs SET next_run_at = ?, updated_at = ? WHERE name = ?', [nextRunAt, now, name]);
}

export async function freeJobLeases(db: SqlExecutor, names: readonly string[], now: EpochMs): Promise<void> {
  if (names.length === 0) return;
  await db.execute(
    `UPDATE jobs SET owner = NULL, lease_until = NULL, updated_at = ? WHERE name IN ${valuesPlaceholders(1, names.length)}`,
    [now, ...names],
  );
}

export async function readJobs(db: SqlExecutor, names?: readonly string[]): Promise<JobRecord[]> {
  const rows =
    names === undefined
      ? await db.query('SELECT * FROM jobs ORDER BY name')
      : names.length === 0
        ? []
        : await db.query(
            `SELECT * FROM jobs WHERE name IN ${valuesPlaceholders(1, names.length)} ORDER BY name`,
            [...names],
          );
  return rows.map(jobFromRow);
}

function jobFromRow(row: Row): JobRecord {
  return {
    name: row.name as string,
    nextRunAt: row.next_run_at as EpochMs,
    lastRunAt: row.last_run_at as EpochMs | null,
    owner: row.owner as string | null,
    leaseUntil: row.lease_until as EpochMs | null,
  };
}
