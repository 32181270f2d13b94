// The narrow driver port the store is written against: run a statement, run a script, run a transaction.
// SQL uses `?` placeholders in both dialects; the PostgreSQL driver numbers them.
import type { DialectName } from '../domain/ports/store.ts';

/** The dialects a SQL driver speaks (the memory store has no SQL, and no migrations). */
export type SqlDialectName = Exclude<DialectName, 'memory'>;

export type SqlValue = string | number | bigint | null;
export type Row = Record<string, unknown>;

export interface SqlExecutor {
  query<R extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  /** Returns the number of rows changed. */
  execute(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Several statements without parameters (migrations). */
  executeScript(sql: string): Promise<void>;
  /** Updates many rows by key, each with its own values, in as few statements as the dialect allows. */
  updateRows(update: BulkUpdate): Promise<void>;
}

export interface BulkUpdate {
  table: string;
  key: string;
  /** Columns to set, with their PostgreSQL types (SQLite ignores the types). */
  columns: readonly { name: string; pgType: string }[];
  /** One array per row: the key first, then the values in `columns` order. */
  rows: readonly (readonly SqlValue[])[];
}

/** A unique index, as each dialect names it in its violation errors. */
export interface UniqueIndex {
  name: string;
  /** `table.column` in index order, as SQLite lists them in its message. */
  columns: readonly string[];
}

/** What differs between the dialects, declared as capabilities so the store never branches on a name. */
export interface Dialect {
  readonly name: SqlDialectName;
  /** `FOR UPDATE SKIP LOCKED` exists: claimers skip rows another transaction holds. */
  readonly skipLocked: boolean;
  /** `FOR UPDATE` exists; without it the whole write transaction is the lock (SQLite's BEGIN IMMEDIATE). */
  readonly rowLocks: boolean;
  readonly advisoryLocks: boolean;
  /** Bound parameters one statement may carry. */
  readonly maxParams: number;
  /**
   * A statement answering one row with one number that changes when another connection commits
   * (SQLite: PRAGMA data_version); null where the dialect has none.
   */
  readonly externalVersionSql: string | null;
  isUniqueViolation(error: unknown, index: UniqueIndex): boolean;
}

export interface SqlDriver extends SqlExecutor {
  readonly dialect: Dialect;
  /** A human-readable name of the database (a path, or host/database/schema), for messages. */
  readonly target: string;
  /** Postgres: the schema named in the URL, which migrations create. */
  readonly schema: string | null;
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Builds `(?, ?, ?), (?, ?, ?)` for a multi-row VALUES list. */
export function valuesPlaceholders(rows: number, columns: number): string {
  const row = `(${new Array<string>(columns).fill('?').join(', ')})`;
  return new Array<string>(rows).fill(row).join(', ');
}

/** Splits rows into chunks whose parameters stay under the dialect's limit. */
export function chunkRows<T>(rows: readonly T[], paramsPerRow: number, dialect: Dialect): T[][] {
  const size = Math.max(1, Math.floor(dialect.maxParams / paramsPerRow));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}
