// The two store targets every store-level test runs against: a SQLite file and a PostgreSQL schema.
import { join } from 'node:path';
import type { SqlDialectName } from '../../src/store/sql-driver.ts';
import { freshSchema } from './postgres.ts';
import { tempDir } from './temp-dir.ts';

export interface StoreTarget {
  dialect: SqlDialectName;
  /** Creates a fresh, empty database and returns its URL and a cleanup. */
  create(): Promise<{ url: string; cleanup(): Promise<void> }>;
}

export const SQLITE_TARGET: StoreTarget = {
  dialect: 'sqlite',
  async create() {
    const dir = tempDir();
    return { url: `sqlite:${join(dir.path, 'sigil.db')}`, cleanup: async () => dir.remove() };
  },
};

export const POSTGRES_TARGET: StoreTarget = {
  dialect: 'postgres',
  async create() {
    const schema = await freshSchema();
    return { url: schema.url, cleanup: () => schema.drop() };
  },
};

export const STORE_TARGETS = [SQLITE_TARGET, POSTGRES_TARGET];
