// Opens the store a `--db` URL names: `sqlite:PATH` (the embedded default) or `postgres://…`.
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

export function openDriver(
  url: string,
  options: { poolSize?: number; durability?: Durability } = {},
): SqlDriver {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path)
      throw new StoreConfigError(
        'the SQLite URL names no file; use sqlite:PATH, e.g. sqlite:.sigil/sigil.db',
      );
    return openSqlite(resolve(path), options.durability ? { durability: options.durability } : {});
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return openPostgres(url, options.poolSize === undefined ? {} : { poolSize: options.poolSize });
  }
  throw new StoreConfigError(
    `unsupported database URL "${redactUrl(url)}"; use sqlite:PATH or postgres://user@host:5432/database`,
  );
}

export async function openStore(url: string, options: OpenStoreOptions): Promise<OpenedStore> {
  const driver = openDriver(url, options);
  try {
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
