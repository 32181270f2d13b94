// Numbered, append-only migrations per dialect, recorded in `sigil_migrations`.
//
// Two processes may migrate the same empty database at the same moment. Each runs the whole check-and-
// apply inside one transaction that first takes the database's writer lock (SQLite: BEGIN IMMEDIATE;
// PostgreSQL: a transaction-scoped advisory lock keyed by the schema), so the second waits, then finds
// the work done. DDL is transactional in both, so a failed migration leaves nothing half-applied.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SqlDialectName, SqlDriver, SqlExecutor } from './sql-driver.ts';
import { SchemaTooNewError, StoreConfigError } from './store-errors.ts';

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

export interface MigrationReport {
  applied: Migration[];
  version: number;
  known: number;
}

const MIGRATION_FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export function loadMigrations(dialect: SqlDialectName): Migration[] {
  // Read from src/ both when this runs as src/store/migrator.ts (tsx, tests) and as the compiled
  // dist/store/migrator.js: one copy of the SQL, none that a build could leave behind.
  const dir = fileURLToPath(new URL(`../../src/store/migrations/${dialect}/`, import.meta.url));
  const migrations = readdirSync(dir)
    .map((file) => ({ file, match: MIGRATION_FILE.exec(file) }))
    .filter((entry): entry is { file: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ file, match }) => ({
      id: Number(match[1]),
      name: match[2] ?? file,
      sql: readFileSync(dir + file, 'utf8'),
    }))
    .sort((a, b) => a.id - b.id);
  migrations.forEach((migration, index) => {
    if (migration.id !== index + 1)
      throw new Error(`${dialect} migrations must be numbered 1, 2, 3… without gaps`);
  });
  return migrations;
}

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS sigil_migrations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

export async function migrate(driver: SqlDriver, appliedAt: string): Promise<MigrationReport> {
  const migrations = loadMigrations(driver.dialect.name);
  const known = migrations.length;
  return driver.transaction(async (tx) => {
    await lockForMigration(driver, tx);
    await refuseForeignDatabase(driver, tx);
    await tx.executeScript(MIGRATIONS_TABLE);
    const version = await currentVersion(tx);
    if (version > known) throw new SchemaTooNewError(driver.target, version, known);
    const pending = migrations.filter((migration) => migration.id > version);
    for (const migration of pending) {
      await tx.executeScript(migration.sql);
      await tx.execute('INSERT INTO sigil_migrations (id, name, applied_at) VALUES (?, ?, ?)', [
        migration.id,
        migration.name,
        appliedAt,
      ]);
    }
    return { applied: pending, version: Math.max(version, ...pending.map((m) => m.id)), known };
  });
}

/** The applied version, or 0 for an empty database; never changes anything. */
export async function schemaVersion(driver: SqlDriver): Promise<number> {
  if (!(await hasTable(driver, driver, 'sigil_migrations'))) return 0;
  return currentVersion(driver);
}

async function currentVersion(db: SqlExecutor): Promise<number> {
  const [row] = await db.query<{ version: number | null }>('SELECT MAX(id) AS version FROM sigil_migrations');
  return Number(row?.version ?? 0);
}

async function lockForMigration(driver: SqlDriver, tx: SqlExecutor): Promise<void> {
  if (!driver.dialect.advisoryLocks) return; // SQLite: BEGIN IMMEDIATE already holds the writer lock.
  await tx.query('SELECT pg_advisory_xact_lock(?::bigint)', [
    advisoryKey(`sigil-migrate:${driver.schema ?? ''}`),
  ]);
  if (driver.schema) await tx.executeScript(`CREATE SCHEMA IF NOT EXISTS ${driver.schema}`);
}

/** Sigil never adds its tables beside another application's. */
async function refuseForeignDatabase(driver: SqlDriver, tx: SqlExecutor): Promise<void> {
  if (await hasTable(driver, tx, 'sigil_migrations')) return;
  const tables = await listTables(driver, tx);
  if (tables.length === 0) return;
  const where = driver.dialect.advisoryLocks ? 'this schema' : 'this file';
  throw new StoreConfigError(
    `${driver.target} already holds tables of another application (${tables.slice(0, 5).join(', ')}) and no Sigil schema; ` +
      `point --db at a new ${driver.dialect.advisoryLocks ? 'database or ?schema=' : 'file'} instead of adding Sigil's tables to ${where}`,
  );
}

async function hasTable(driver: SqlDriver, db: SqlExecutor, table: string): Promise<boolean> {
  return (await listTables(driver, db)).includes(table);
}

async function listTables(driver: SqlDriver, db: SqlExecutor): Promise<string[]> {
  const rows = driver.dialect.advisoryLocks
    ? await db.query<{ name: string }>(
        'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1',
      )
    : await db.query<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1",
      );
  return rows.map((row) => row.name);
}

/** A stable signed 64-bit key: the same in every process and on every host (unlike a runtime hash). */
export function advisoryKey(text: string): string {
  return createHash('sha256').update(text).digest().readBigInt64BE(0).toString();
}
