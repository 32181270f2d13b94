// SQLite through better-sqlite3: the embedded default. WAL lets readers run beside the writer;
// synchronous=FULL keeps every commit on disk, unless the caller asks only to survive its own crash
// (a replay, below); every write transaction is BEGIN IMMEDIATE, so two processes never both believe
// they claimed the same row.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { AsyncLock } from '../../domain/async-lock.ts';
import type { BulkUpdate, Dialect, Row, SqlDriver, SqlExecutor, SqlValue } from '../sql-driver.ts';
import { StoreConfigError, StoreUnavailableError } from '../store-errors.ts';

export interface SqliteOptions {
  busyTimeoutMs?: number;
  /**
   * What a commit must survive. `power_loss` (default): every commit is fsynced before it returns
   * (synchronous=FULL; ~1.1 ms a commit on this machine). `process_crash`: the commit is in the WAL,
   * which the OS holds (synchronous=NORMAL): a killed process loses nothing, a power cut may roll back
   * the latest commits, and the database stays consistent either way. Replays take it — a lost bar is
   * replayed identically — live trading never does: its commits come before broker calls.
   */
  durability?: Durability;
}

export type Durability = 'power_loss' | 'process_crash';

const SQLITE_DIALECT: Dialect = {
  name: 'sqlite',
  skipLocked: false,
  rowLocks: false,
  advisoryLocks: false,
  maxParams: 32_000,
  externalVersionSql: 'PRAGMA data_version',
  // SQLite's message names the columns, not the index: "UNIQUE constraint failed: t.a, t.b".
  isUniqueViolation: (error, index) =>
    hasCode(error, 'SQLITE_CONSTRAINT_UNIQUE') &&
    String((error as Error).message).endsWith(index.columns.join(', ')),
};

export function openSqlite(path: string, options: SqliteOptions = {}): SqlDriver {
  const file = resolve(path);
  if (!existsSync(dirname(file))) mkdirSync(dirname(file), { recursive: true });
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const deadline = performance.now() + busyTimeoutMs;
  for (let attempt = 1; ; attempt++) {
    let db: Database.Database | undefined;
    try {
      db = new Database(file, { timeout: busyTimeoutMs });
      prepareConnection(db, file, options.durability ?? 'power_loss');
      return new SqliteDriver(db, file);
    } catch (error) {
      db?.close();
      // Two processes opening a new file at once: switching it to WAL can answer SQLITE_BUSY without
      // waiting on the busy handler. Try again, within the same busy timeout.
      if (hasCode(error, 'SQLITE_BUSY') && performance.now() < deadline) {
        sleepSync(Math.min(5 * attempt, 100));
        continue;
      }
      throw error instanceof StoreConfigError ? error : describeOpenError(file, error);
    }
  }
}

/**
 * Long enough that writers of several processes on a loaded machine get their turn: SQLite's busy
 * handler is not fair (a long waiter polls every 100 ms while others take the lock), and 5 s starved a
 * claimer in the 4-process test. Past it the caller gets StoreUnavailableError and backs off.
 */
const DEFAULT_BUSY_TIMEOUT_MS = 20_000;

function prepareConnection(db: Database.Database, file: string, durability: Durability): void {
  // A corrupt file fails on this first read. Switching to WAL rewrites the file header, so another
  // application's database is refused before that, and stays exactly as it was.
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  if (tables.length > 0 && !tables.includes('sigil_migrations')) {
    throw new StoreConfigError(
      `${file} already holds tables of another application (${tables.slice(0, 5).join(', ')}) and no Sigil schema; point --db at a new file`,
    );
  }
  db.pragma('journal_mode = WAL');
  db.pragma(durability === 'power_loss' ? 'synchronous = FULL' : 'synchronous = NORMAL');
  // Checkpoint every ~40 MB of WAL instead of every 4 MB: fewer, larger write-backs. Every commit is
  // still fsynced; measured +10% on the lifecycle bench.
  db.pragma('wal_autocheckpoint = 10000');
  // 64 MB of page cache instead of 2 MB: a replay touches the same few hundred pages every bar (open
  // positions, queues, jobs, the newest snapshots), and with 2 MB they kept being read back from the OS.
  db.pragma('cache_size = -64000');
  db.pragma('foreign_keys = ON');
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

interface Prepared {
  statement: Database.Statement;
  /** Column names of a reader; rows come back as arrays and are turned into objects here. */
  columns: string[] | null;
}

/**
 * better-sqlite3 builds each row object property by property in C++; for the 33 columns of an intent
 * that cost 15 µs a row. Raw arrays zipped into objects in JavaScript cost 6 µs (measured).
 */
function toObjects(columns: readonly string[], rows: unknown[][]): Row[] {
  const objects: Row[] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const values = rows[r] as unknown[];
    const object: Row = {};
    for (let c = 0; c < columns.length; c++) object[columns[c] as string] = values[c];
    objects[r] = object;
  }
  return objects;
}

class SqliteExecutor implements SqlExecutor {
  private readonly statements = new Map<string, Prepared>();

  constructor(
    protected readonly db: Database.Database,
    protected readonly file: string,
  ) {}

  protected prepared(sql: string): Prepared {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      const statement = this.guard(() => this.db.prepare(sql));
      const columns = statement.reader ? statement.columns().map((column) => column.name) : null;
      if (columns) statement.raw(true);
      prepared = { statement, columns };
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  protected statement(sql: string): Database.Statement {
    return this.prepared(sql).statement;
  }

  async query<R extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return this.guard(() => {
      const { statement, columns } = this.prepared(sql);
      if (columns) return toObjects(columns, statement.all(...params) as unknown[][]) as R[];
      statement.run(...params);
      return [];
    });
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.guard(() => {
      const { statement, columns } = this.prepared(sql);
      // A reader (RETURNING) must be stepped through to apply every row; run() stops at the first.
      return columns ? (statement.all(...params) as unknown[]).length : statement.run(...params).changes;
    });
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
        throw new StoreUnavailableError(
          `${this.file} stayed locked by another process past the busy timeout`,
          error,
        );
      }
      if (hasCode(error, 'SQLITE_NOTADB') || hasCode(error, 'SQLITE_CORRUPT'))
        throw describeOpenError(this.file, error);
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
