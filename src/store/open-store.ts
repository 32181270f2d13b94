// Opens the store a `--db` URL names: `sqlite:PATH` (the embedded default) or `postgres://…`.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Store } from '../domain/ports/store.ts';
import { migrate, schemaVersion, loadMigrations, type MigrationReport } from './migrator.ts';
import { openPostgres, redactUrl } from './postgres/postgres-driver.ts';
import type { SqlDriver } from './sql-driver.ts';
import { SqlStore } from './sql-store.ts';
import { openSqlite, type Durability } from './sqlite/sqlite-driver.ts';
import { SchemaTooNewError, StoreConfigError } from './store-errors.ts';

export const DEFAULT_DB_URL = 'sqlite:.sigil/sigil.db';

export interface OpenStoreOptions {
  /** Apply pending migrations (default). Without it, a database behind the code is refused. */
  migrate?: boolean;
  /**
   * Refuse a database that holds no Sigil store yet instead of creating one, and create nothing (no file,
   * no folder, no table): what a command that only reads or changes an existing store wants, so a typo in
   * --db is an error rather than an empty store reported as "nothing there".
   */
  mustExist?: boolean;
  /** ISO time recorded with each applied migration. */
  now: string;
  poolSize?: number;
  /** SQLite: what a commit must survive (default every commit survives a power loss); see Durability. */
  durability?: Durability;
}

export interface OpenedStore {
  store: Store;
  driver: SqlDriver;
  migrations: MigrationReport | null;
}

/** The command needs an existing store and there is none at the target. */
export class NoStoreError extends StoreConfigError {
  constructor(target: string) {
    super(`no Sigil database at ${target}; \`sigil migrate\` creates one (or check --db)`);
  }
}

/**
 * The absolute path of a `sqlite:PATH` URL (`sqlite:///abs` too); null for any other URL, or one that
 * names no file. Commands that must not create a store by opening it look for the file first.
 */
export function sqliteFile(url: string): string | null {
  if (!url.startsWith('sqlite:')) return null;
  const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  return path ? resolve(path) : null;
}

/** SQLite creates the file (and openSqlite its folder) on open, so a missing one is refused before. */
function refuseMissingFile(url: string): void {
  const file = sqliteFile(url);
  if (file !== null && !existsSync(file)) throw new NoStoreError(file);
}

export function openDriver(
  url: string,
  options: { poolSize?: number; durability?: Durability } = {},
): SqlDriver {
  if (url.startsWith('sqlite:')) {
    const file = sqliteFile(url);
    if (file === null)
      throw new StoreConfigError(
        'the SQLite URL names no file; use sqlite:PATH, e.g. sqlite:.sigil/sigil.db',
      );
    return openSqlite(file, options.durability ? { durability: options.durability } : {});
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return openPostgres(url, options.poolSize === undefined ? {} : { poolSize: options.poolSize });
  }
  throw new StoreConfigError(
    `unsupported database URL "${redactUrl(url)}"; use sqlite:PATH or postgres://user@host:5432/database`,
  );
}

export async function openStore(url: string, options: OpenStoreOptions): Promise<OpenedStore> {
  if (options.mustExist) refuseMissingFile(url);
  const driver = openDriver(url, options);
  try {
    if (options.mustExist && (await schemaVersion(driver)) === 0) throw new NoStoreError(driver.target);
    let migrations: MigrationReport | null = null;
    if (options.migrate ?? true) {
      migrations = await migrate(driver, options.now);
    } else {
      const version = await schemaVersion(driver);
      const known = loadMigrations(driver.dialect.name).length;
      if (version > known) throw new SchemaTooNewError(driver.target, version, known);
      if (version < known) {
        throw new StoreConfigError(
          `${driver.target} is at schema version ${version} of ${known}; run sigil migrate first`,
        );
      }
    }
    return { store: new SqlStore(driver), driver, migrations };
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
}
