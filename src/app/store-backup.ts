// `sigil backup FILE`: the store, as of one instant, in a new SQLite file — while the bot goes on running.
//
// - A SQLite store is copied page by page with SQLite's online backup API, in one step: one read
//   transaction, which in WAL mode never blocks the bot's writers (a backup in several steps would
//   restart from the first page each time the bot commits between two of them).
// - A PostgreSQL store is read in one REPEATABLE READ, READ ONLY transaction into a fresh SQLite file
//   given the source's schema version (store-copy.ts), migrations' bookkeeping included.
//
// Either way the file is written under a temporary name beside FILE, checked, switched out of WAL mode
// (one self-contained file, nothing to forget beside it), and only then linked to FILE: a failed backup
// leaves no half file, and an existing file is never replaced, not even one created meanwhile.
import { existsSync, linkSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { loadMigrations, schemaVersion } from '../store/migrator.ts';
import { openDriver } from '../store/open-store.ts';
import type { SqlDriver } from '../store/sql-driver.ts';
import { sqliteFile } from '../store/open-store.ts';
import { BOOKKEEPING_TABLE, copyTables, StoreCopyRefused, type TableCount } from './store-copy.ts';

export interface BackupReport {
  /** The backup's absolute path. */
  file: string;
  /** The store backed up, as messages name it (never with a password). */
  source: string;
  method: 'sqlite online backup' | 'postgres snapshot';
  version: number;
  /** Rows per table in the backup, the migrations' bookkeeping aside. */
  tables: TableCount[];
}

/** As the SQLite driver waits for another process's lock (sqlite-driver.ts). */
const BUSY_TIMEOUT_MS = 20_000;
/** Pages per backup step: all of them, so the copy is one read transaction (better-sqlite3 caps it here). */
const ALL_PAGES = 0x7fffffff;

export async function backupStore(url: string, file: string): Promise<BackupReport> {
  const destination = resolve(file);
  if (existsSync(destination))
    throw new StoreCopyRefused(`${destination} already exists; a backup never overwrites: name a new file`);
  mkdirSync(dirname(destination), { recursive: true });
  const partial = join(dirname(destination), `.${basename(destination)}.${process.pid}.partial`);
  try {
    const sourceFile = sqliteFile(url);
    const copied =
      sourceFile !== null ? await copyPages(sourceFile, partial) : await copySnapshot(url, partial);
    const sealed = seal(partial);
    publish(partial, destination);
    return { file: destination, ...copied, ...sealed };
  } finally {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(partial + suffix, { force: true });
  }
}

type Copied = Pick<BackupReport, 'source' | 'method'>;

async function copyPages(sourceFile: string, partial: string): Promise<Copied> {
  // Opened by hand, read-only, not through openDriver: that would create a missing file, and switch one
  // in another journal mode to WAL; a backup changes nothing in its source.
  if (!existsSync(sourceFile))
    throw new StoreCopyRefused(`no SQLite store at ${sourceFile}; check --db (or SIGIL_DB)`);
  const db = new Database(sourceFile, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  try {
    if (!hasTable(db, BOOKKEEPING_TABLE, sourceFile))
      throw new StoreCopyRefused(`${sourceFile} is not a Sigil store (it has no ${BOOKKEEPING_TABLE} table)`);
    await db.backup(partial, { progress: () => ALL_PAGES });
  } finally {
    db.close();
  }
  return { source: sourceFile, method: 'sqlite online backup' };
}

async function copySnapshot(url: string, partial: string): Promise<Copied> {
  const source = openDriver(url, { poolSize: 1 });
  try {
    const version = await schemaVersion(source);
    const known = loadMigrations('sqlite').length;
    if (version === 0)
      throw new StoreCopyRefused(`${source.target} holds no Sigil store (no schema version)`);
    if (version > known) {
      throw new StoreCopyRefused(
        `${source.target} has schema version ${version}, newer than this Sigil knows (${known}): upgrade Sigil first`,
      );
    }
    const target = openDriver(`sqlite:${partial}`, { durability: 'process_crash' });
    try {
      await createSchema(target, version);
      await copyTables(source, target, { bookkeeping: true });
    } finally {
      await target.close();
    }
    return { source: source.target, method: 'postgres snapshot' };
  } finally {
    await source.close();
  }
}

/**
 * The schema of `version` (which may be behind this Sigil's: a backup before `sigil migrate`), without
 * the bookkeeping's rows: a backup copies the source's, with the times its migrations were applied.
 */
export async function createSchema(target: SqlDriver, version: number): Promise<void> {
  const migrations = loadMigrations(target.dialect.name).slice(0, version);
  await target.transaction(async (tx) => {
    // The table migrator.ts creates, as it creates it.
    await tx.executeScript(`CREATE TABLE IF NOT EXISTS ${BOOKKEEPING_TABLE} (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`);
    for (const migration of migrations) await tx.executeScript(migration.sql);
  });
}

/** Checks the copy, makes it one file (no WAL beside it) and counts what it holds. */
function seal(partial: string): Pick<BackupReport, 'version' | 'tables'> {
  const db = new Database(partial, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`the backup failed SQLite's quick_check: ${String(check)}`);
    const names = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all() as string[];
    const tables = names
      .filter((name) => name !== BOOKKEEPING_TABLE)
      .map((table) => ({
        table,
        rows: Number(db.prepare(`SELECT COUNT(*) FROM "${table}"`).pluck().get()),
      }));
    const version = Number(db.prepare(`SELECT MAX(id) FROM ${BOOKKEEPING_TABLE}`).pluck().get() ?? 0);
    return { version, tables };
  } finally {
    db.close();
  }
}

/** FILE appears whole, or not at all; a file created meanwhile under its name is kept, and refused. */
function publish(partial: string, destination: string): void {
  try {
    linkSync(partial, destination);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new StoreCopyRefused(`${destination} appeared while the backup ran; it was left as it is`);
    // A filesystem without hard links (FAT, some network shares): rename, which cannot refuse a file
    // created in the instant since this check.
    if (existsSync(destination)) throw new StoreCopyRefused(`${destination} already exists`);
    renameSync(partial, destination);
  }
}

function hasTable(db: Database.Database, table: string, file: string): boolean {
  try {
    return (
      db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(table) !==
      undefined
    );
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
      throw new StoreCopyRefused(`${file} is not a usable SQLite database`);
    throw error;
  }
}
