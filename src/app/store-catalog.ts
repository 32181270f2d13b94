// What a whole-store copy needs to know about a database, read from its own catalog (sqlite_master and
// pragmas; information_schema and pg_catalog for the schema the URL names) rather than from a list in the
// code: a table a later migration adds is copied without a change here. One entry per dialect, each
// declaring how it reads, writes and snapshots; the copy never branches on a dialect's name.
import type { Row, SqlDialectName, SqlDriver, SqlExecutor } from '../store/sql-driver.ts';

/**
 * What a column holds, as far as moving its values between dialects goes. The migrations keep the two
 * dialects' types parallel (INTEGER ↔ BIGINT, REAL ↔ DOUBLE PRECISION, TEXT ↔ TEXT); booleans, JSON and
 * bytes are here for tables a later migration may declare with PostgreSQL's own types.
 */
export type ColumnKind = 'integer' | 'real' | 'text' | 'boolean' | 'json' | 'bytes' | 'other';

export interface Column {
  name: string;
  kind: ColumnKind;
  /** Numbered by the database (PostgreSQL identity or serial): its counter must follow copied ids. */
  generated: boolean;
}

/** A foreign key: rows of `table` name rows of `references`, which must be copied first. */
export interface Reference {
  table: string;
  references: string;
}

export interface StoreCatalog {
  /** The database's own tables, without the dialect's internal ones. */
  tables(db: SqlExecutor): Promise<string[]>;
  columns(db: SqlExecutor, table: string): Promise<Column[]>;
  references(db: SqlExecutor): Promise<Reference[]>;
  /**
   * Runs `fn` on one consistent snapshot of the database: every table read as of the same instant,
   * while other processes go on writing.
   */
  snapshot<T>(driver: SqlDriver, fn: (db: SqlExecutor) => Promise<T>): Promise<T>;
  /** The table's rows in chunks of at most `size`, each value one that either dialect binds as it is. */
  readChunks(db: SqlExecutor, table: string, columns: readonly Column[], size: number): AsyncGenerator<Row[]>;
  /** `INSERT INTO t (a, b)` with whatever lets explicit values into numbered columns. */
  insertInto(table: string, columns: readonly Column[]): string;
  /** Sets the counter of a numbered column after its highest value, so new rows continue after copied ones. */
  continueNumbering(db: SqlExecutor, table: string, column: string): Promise<void>;
}

export function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const columnList = (columns: readonly Column[]) => columns.map((c) => quoted(c.name)).join(', ');

/** SQLite's declared types, by its own affinity rules (https://sqlite.org/datatype3.html §3.1). */
function sqliteKind(declared: string): ColumnKind {
  const type = declared.toUpperCase();
  if (type.includes('BOOL')) return 'boolean';
  if (type.includes('JSON')) return 'json';
  if (type.includes('INT')) return 'integer';
  if (/CHAR|CLOB|TEXT/.test(type)) return 'text';
  if (type === '' || type.includes('BLOB')) return 'bytes';
  if (/REAL|FLOA|DOUB/.test(type)) return 'real';
  return 'other';
}

const SQLITE: StoreCatalog = {
  async tables(db) {
    const rows = await db.query<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    );
    return rows.map((row) => row.name);
  },
  async columns(db, table) {
    const rows = await db.query<{ name: string; type: string }>(
      'SELECT name, type FROM pragma_table_info(?) ORDER BY cid',
      [table],
    );
    // An INTEGER PRIMARY KEY (AUTOINCREMENT or not) takes explicit values as they are, and numbers the
    // next row after the highest one (sqlite_sequence follows explicit inserts by itself).
    return rows.map((row) => ({ name: row.name, kind: sqliteKind(row.type), generated: false }));
  },
  async references(db) {
    return db.query<{ table: string; references: string }>(
      `SELECT m.name AS "table", f."table" AS "references"
         FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
        WHERE m.type = 'table'`,
    );
  },
  // BEGIN IMMEDIATE (the driver's only kind of transaction): readers go on, writers wait for the copy,
  // up to their busy timeout. `sigil backup` copies a live SQLite file with the backup API instead.
  snapshot: (driver, fn) => driver.transaction(fn),
  async *readChunks(db, table, columns, size) {
    // Keyset on the rowid: each chunk is an index seek, where OFFSET would rescan what came before.
    // (Sigil declares no WITHOUT ROWID table; one would need its primary key here instead.)
    let after: number | bigint = -(2n ** 63n);
    for (;;) {
      const rows: Row[] = await db.query(
        `SELECT rowid AS sigil_copy_rowid, ${columnList(columns)} FROM ${quoted(table)}
          WHERE rowid > ? ORDER BY rowid LIMIT ${size}`,
        [after],
      );
      const last = rows[rows.length - 1];
      if (last === undefined) return;
      after = Number(last.sigil_copy_rowid);
      for (const row of rows) delete row.sigil_copy_rowid;
      yield rows;
      if (rows.length < size) return;
    }
  },
  insertInto: (table, columns) => `INSERT INTO ${quoted(table)} (${columnList(columns)})`,
  continueNumbering: async () => undefined,
};

function postgresKind(type: string): ColumnKind {
  if (['smallint', 'integer', 'bigint'].includes(type)) return 'integer';
  if (['real', 'double precision', 'numeric'].includes(type)) return 'real';
  if (['text', 'character varying', 'character'].includes(type)) return 'text';
  if (type === 'boolean') return 'boolean';
  if (type === 'json' || type === 'jsonb') return 'json';
  if (type === 'bytea') return 'bytes';
  return 'other';
}

/**
 * How a PostgreSQL column is read so that SQLite can bind the value and PostgreSQL take it back: JSON as
 * its text (pg would parse it, and a JSON string would come back unquoted), booleans as 0/1 (SQLite's
 * booleans; PostgreSQL accepts '1' and '0'), anything without a JavaScript counterpart (timestamps…) as text.
 */
function postgresRead(column: Column): string {
  const name = quoted(column.name);
  switch (column.kind) {
    case 'json':
    case 'other':
      return `${name}::text AS ${name}`;
    case 'boolean':
      return `${name}::int AS ${name}`;
    default:
      return name;
  }
}

const CURSOR = 'sigil_copy';

const POSTGRES: StoreCatalog = {
  async tables(db) {
    const rows = await db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    return rows.map((row) => row.name);
  },
  async columns(db, table) {
    const rows = await db.query<{ name: string; type: string; identity: string; default: string | null }>(
      `SELECT column_name AS name, data_type AS type, is_identity AS identity, column_default AS "default"
         FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`,
      [table],
    );
    return rows.map((row) => ({
      name: row.name,
      kind: postgresKind(row.type),
      generated: row.identity === 'YES' || (row.default?.startsWith('nextval(') ?? false),
    }));
  },
  async references(db) {
    // pg_constraint, not information_schema: the latter shows only the constraints of tables the
    // current role owns.
    return db.query<{ table: string; references: string }>(
      `SELECT c.relname AS "table", p.relname AS "references"
         FROM pg_constraint k
         JOIN pg_class c ON c.oid = k.conrelid
         JOIN pg_class p ON p.oid = k.confrelid
         JOIN pg_namespace n ON n.oid = k.connamespace
        WHERE k.contype = 'f' AND n.nspname = current_schema()`,
    );
  },
  snapshot: (driver, fn) =>
    driver.transaction(async (tx) => {
      // Must be the transaction's first statement: every later read sees the database as of this one.
      await tx.executeScript('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      return fn(tx);
    }),
  async *readChunks(db, table, columns, size) {
    // A cursor inside the snapshot's transaction: the table streams instead of landing in memory whole.
    await db.executeScript(
      `DECLARE ${CURSOR} NO SCROLL CURSOR FOR SELECT ${columns.map(postgresRead).join(', ')} FROM ${quoted(table)}`,
    );
    try {
      for (;;) {
        const rows = await db.query(`FETCH FORWARD ${size} FROM ${CURSOR}`);
        if (rows.length > 0) yield rows;
        if (rows.length < size) return;
      }
    } finally {
      // After a failed FETCH the transaction is aborted and CLOSE fails too: that error is not the news.
      await db.executeScript(`CLOSE ${CURSOR}`).catch(() => undefined);
    }
  },
  // OVERRIDING SYSTEM VALUE lets the copied ids into GENERATED ALWAYS identity columns; a table without
  // one ignores it.
  insertInto: (table, columns) =>
    `INSERT INTO ${quoted(table)} (${columnList(columns)}) OVERRIDING SYSTEM VALUE`,
  async continueNumbering(db, table, column) {
    await db.query(
      `SELECT setval(pg_get_serial_sequence(quote_ident(?), ?),
                     COALESCE((SELECT MAX(${quoted(column)}) FROM ${quoted(table)}), 0) + 1, false)`,
      [table, column],
    );
  },
};

export const CATALOGS: Record<SqlDialectName, StoreCatalog> = { sqlite: SQLITE, postgres: POSTGRES };
