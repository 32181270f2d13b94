// SQLite through better-sqlite3: the embedded default. WAL lets readers run beside the writer;
// synchronous=FULL keeps every commit on disk (durability is not traded for speed); every write
// transaction is BEGIN IMMEDIATE, so two processes never both believe they claimed the same row.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { AsyncLock } from '../async-lock.ts';
import type { BulkUpdate, Dialect, Row, SqlDriver, SqlExecutor, SqlValue } from '../sql-driver.ts';
import { StoreConfigError, StoreUnavailableError } from '../store-errors.ts';

export interface SqliteOptions {
  busyTimeoutMs?: number;
}

const SQLITE_DIALECT: Dialect = {
  name: 'sqlite',
  skipLocked: false,
  rowLocks: false,
  advisoryLocks: false,
  maxParams: 32_000,
  // SQLite's message names the columns, not the index: "UNIQUE constraint failed: t.a, t.b".
  isUniqueViolation: (error, index) =>
    hasCode(error, 'SQLITE_CONSTRAINT_UNIQUE') && String((error as Error).message).endsWith(index.columns.join(', ')),
};

export function openSqlite(path: string, options: SqliteOptions = {}): SqlDriver {
  const file = resolve(path);
  if (!existsSync(dirname(file))) mkdirSync(dirname(file), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: options.busyTimeoutMs ?? 5_000 });
    // A corrupt file fails on this first read. Switching to WAL rewrites the file header, so another
    // application's database is refused before that, and stays exactly as it was.
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all() as string[];
    if (tables.length > 0 && !tables.includes('sigil_migrations')) {
      db.close();
      throw new StoreConfigError(
        `${file} already holds tables of another application (${tables.slice(0, 5).join(', ')}) and no Sigil schema; point --db at a new file`,
      );
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
  } catch (error) {
    throw error instanceof StoreConfigError ? error : describeOpenError(file, error);
  }
  return new SqliteDriver(db, file);
}

class SqliteExecutor implements SqlExecutor {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    protected readonly db: Database.Database,
    protected readonly file: string,
  ) {}

  protected statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async query<R extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return this.guard(() => {
      const statement = this.statement(sql);
      if (statement.reader) return statement.all(...params) as R[];
      statement.run(...params);
      return [];
    });
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.guard(() => this.statement(sql).run(...params).changes);
  }

  async executeScript(sql: string): Promise<void> {
    this.guard(() => this.db.exec(sql));
  }

  async updateRows({ table, key, columns, rows }: BulkUpdate): Promise<void> {
    // SQLite has no round trips: one prepared statement per row is its fastest bulk update.
    const sets = columns.map((column) => `${column.name} = ?`).join(', ');
    const statement = this.statement(`UPDATE ${table} SET ${sets} WHERE ${key} = ?`);
    this.guard(() => {
      for (const [keyValue, ...values] of rows) statement.run(...values, keyValue);
    });
  }

  protected guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (hasCode(error, 'SQLITE_BUSY') || hasCode(error, 'SQLITE_LOCKED')) {
        throw new StoreUnavailableError(`${this.file} stayed locked by another process past the busy timeout`, error);
      }
      if (hasCode(error, 'SQLITE_NOTADB') || hasCode(error, 'SQLITE_CORRUPT')) throw describeOpenError(this.file, error);
      throw error;
    }
  }
}

class SqliteDriver extends SqliteExecutor implements SqlDriver {
  readonly dialect = SQLITE_DIALECT;
  readonly schema = null;
  private readonly lock = new AsyncLock();
  private readonly tx: SqliteExecutor;

  constructor(db: Database.Database, file: string) {
    super(db, file);
    this.tx = new SqliteExecutor(db, file);
  }

  get target(): string {
    return this.file;
  }

  override query<R extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<R[]> {
    return this.lock.run(() => super.query<R>(sql, params));
  }

  override execute(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.lock.run(() => super.execute(sql, params));
  }

  override executeScript(sql: string): Promise<void> {
    return this.lock.run(() => super.executeScript(sql));
  }

  override updateRows(update: BulkUpdate): Promise<void> {
    return this.lock.run(() => super.updateRows(update));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      this.guard(() => this.db.exec('BEGIN IMMEDIATE'));
      try {
        const result = await fn(this.tx);
        this.guard(() => this.db.exec('COMMIT'));
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.lock.run(() => this.db.close());
  }
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

function describeOpenError(file: string, error: unknown): Error {
  const detail = error instanceof Error ? error.message : String(error);
  if (hasCode(error, 'SQLITE_NOTADB') || hasCode(error, 'SQLITE_CORRUPT')) {
    return new StoreConfigError(
      `${file} is not a usable SQLite database (${detail}); point --db at a Sigil database or at a new file`,
      error,
    );
  }
  if (hasCode(error, 'SQLITE_CANTOPEN')) {
    return new StoreConfigError(`cannot open ${file} (${detail}); check the path and its permissions`, error);
  }
  return new StoreConfigError(`cannot open the SQLite database ${file}: ${detail}`, error);
}
