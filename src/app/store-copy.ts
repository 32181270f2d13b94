// A whole store from one database into another — SQLite or PostgreSQL, either way — for moving a bot from
// SQLite to PostgreSQL and for restoring a backup (`sigil store copy`), and under `sigil backup` of a
// PostgreSQL store.
//
// All or nothing: the source is read from one snapshot and the target written in one transaction, so a
// failed copy leaves the target as it found it, and the copy is the source as of one instant even while a
// bot writes to it. Tables and columns come from the databases' catalogs (store-catalog.ts), so a table a
// later migration adds is copied without a change here. Values keep their types: the migrations declare
// parallel types in both dialects, and the catalog reads what has no common form (JSON, booleans) as one.
import { loadMigrations, migrate, schemaVersion } from '../store/migrator.ts';
import {
  chunkRows,
  valuesPlaceholders,
  type SqlDriver,
  type SqlExecutor,
  type SqlValue,
} from '../store/sql-driver.ts';
import { CATALOGS, quoted, type Column, type Reference, type StoreCatalog } from './store-catalog.ts';

/** The migrator's own table: the target's records how its own schema was made, and is not copied over. */
export const BOOKKEEPING_TABLE = 'sigil_migrations';

/** Rows read from the source at a time: bounded memory on a big store, few round trips on a small one. */
const READ_CHUNK = 5_000;

/** Not copied, and nothing changed: the databases are not in a state the command may copy (exit 2). */
export class StoreCopyRefused extends Error {}

export interface TableCount {
  table: string;
  rows: number;
}

export interface CopyReport {
  /** The schema version of both source and target. */
  version: number;
  /** Every copied table, empty ones included, by name. */
  tables: TableCount[];
}

export interface CopyStoreOptions {
  /** ISO time recorded with the migrations applied to the target. */
  now: string;
  /** How the operator names the source (its URL without the password), for the `sigil migrate` hint. */
  sourceName: string;
}

/**
 * Copies the store at `source` into `target`, which must hold no data: the target is migrated to this
 * Sigil's schema first, the source must already be at it.
 */
export async function copyStore(
  source: SqlDriver,
  target: SqlDriver,
  options: CopyStoreOptions,
): Promise<CopyReport> {
  if (source.target === target.target)
    throw new StoreCopyRefused(`the source and the target are the same database (${source.target})`);
  const version = await checkSource(source, options.sourceName);
  // Before migrating, so that a target refused for its data is left exactly as it was.
  await refuseData(target, target, await CATALOGS[target.dialect.name].tables(target));
  const migrated = await migrate(target, options.now);
  if (migrated.version !== version) {
    throw new StoreCopyRefused(
      `${target.target} is at schema version ${migrated.version} after migrating, the source at ${version}`,
    );
  }
  return { version, tables: await copyTables(source, target, { bookkeeping: false }) };
}

/**
 * The source's schema version, if it is this Sigil's; refused otherwise. Callers may ask before they open
 * the target, which opening may create.
 */
export async function checkSource(source: SqlDriver, sourceName: string): Promise<number> {
  const version = await schemaVersion(source);
  const known = loadMigrations(source.dialect.name).length;
  if (version === 0) throw new StoreCopyRefused(`${source.target} holds no Sigil store (no schema version)`);
  if (version < known) {
    throw new StoreCopyRefused(
      `${source.target} is at schema version ${version}, this Sigil's is ${known}: ` +
        `run "sigil migrate --db ${sourceName}" first`,
    );
  }
  if (version > known) {
    throw new StoreCopyRefused(
      `${source.target} has schema version ${version}, newer than this Sigil knows (${known}): upgrade Sigil first`,
    );
  }
  return version;
}

/**
 * Copies every table of `source` into the same, empty, tables of `target` (which must already have the
 * source's schema), with the migrations' bookkeeping or without it. Returns the rows copied per table.
 */
export async function copyTables(
  source: SqlDriver,
  target: SqlDriver,
  options: { bookkeeping: boolean },
): Promise<TableCount[]> {
  const from = CATALOGS[source.dialect.name];
  const to = CATALOGS[target.dialect.name];
  return target.transaction((tx) =>
    from.snapshot(source, async (src) => {
      const tables = (await from.tables(src)).filter(
        (table) => options.bookkeeping || table !== BOOKKEEPING_TABLE,
      );
      const present = new Set(await to.tables(tx));
      const missing = tables.find((table) => !present.has(table));
      if (missing !== undefined)
        throw new StoreCopyRefused(`${target.target} has no table ${missing}, which ${source.target} has`);
      // Again, inside the transaction that copies: the check before migrating may be stale by now.
      await refuseData(target, tx, tables);
      const reading: Side = { driver: source, catalog: from, db: src };
      const writing: Side = { driver: target, catalog: to, db: tx };
      const counts: TableCount[] = [];
      for (const table of copyOrder(tables, await to.references(tx))) {
        counts.push({ table, rows: await copyTable(reading, writing, table) });
      }
      return counts.sort((a, b) => a.table.localeCompare(b.table));
    }),
  );
}

interface Side {
  driver: SqlDriver;
  catalog: StoreCatalog;
  db: SqlExecutor;
}

async function copyTable(source: Side, target: Side, table: string): Promise<number> {
  const columns = await sameColumns(source, target, table);
  const insert = target.catalog.insertInto(table, columns);
  let rows = 0;
  for await (const chunk of source.catalog.readChunks(source.db, table, columns, READ_CHUNK)) {
    for (const part of chunkRows(chunk, columns.length, target.driver.dialect)) {
      // SqlValue, or a Buffer (bytes), which both drivers bind as well.
      const values = part.flatMap((row) => columns.map((column) => row[column.name] as SqlValue));
      await target.db.execute(`${insert} VALUES ${valuesPlaceholders(part.length, columns.length)}`, values);
    }
    rows += chunk.length;
  }
  for (const column of columns.filter((c) => c.generated))
    await target.catalog.continueNumbering(target.db, table, column.name);
  return rows;
}

/** The table's columns in the source's order, as the target declares them; refused unless both have the same. */
async function sameColumns(source: Side, target: Side, table: string): Promise<Column[]> {
  const theirs = await source.catalog.columns(source.db, table);
  const ours = new Map((await target.catalog.columns(target.db, table)).map((c) => [c.name, c]));
  const unknown = theirs.find((column) => !ours.has(column.name));
  const lacking = [...ours.keys()].find((name) => !theirs.some((column) => column.name === name));
  if (unknown !== undefined || lacking !== undefined) {
    const [where, column] =
      unknown !== undefined ? [target.driver.target, unknown.name] : [source.driver.target, lacking];
    throw new StoreCopyRefused(`${where} has no column ${table}.${column}: the two schemas differ`);
  }
  // The source's kind says how to read a value; the target's whether its counter must follow.
  return theirs.map((column) => ({ ...column, generated: ours.get(column.name)?.generated ?? false }));
}

/** Referenced tables before the tables that reference them, otherwise by name. */
export function copyOrder(tables: readonly string[], references: readonly Reference[]): string[] {
  const pending = new Set(tables);
  const order: string[] = [];
  while (pending.size > 0) {
    const ready = [...pending]
      .filter((table) =>
        references.every((r) => r.table !== table || r.references === table || !pending.has(r.references)),
      )
      .sort();
    if (ready.length === 0)
      throw new Error(`the foreign keys of ${[...pending].join(', ')} form a cycle; no copy order exists`);
    for (const table of ready) {
      pending.delete(table);
      order.push(table);
    }
  }
  return order;
}

/** Refuses a target whose tables (those listed, the bookkeeping aside) hold a row. */
async function refuseData(target: SqlDriver, db: SqlExecutor, tables: readonly string[]): Promise<void> {
  for (const table of tables) {
    if (table === BOOKKEEPING_TABLE) continue;
    const [row] = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${quoted(table)}`);
    const rows = Number(row?.n ?? 0);
    if (rows > 0) {
      throw new StoreCopyRefused(
        `${target.target} already holds data (table ${table} has ${rows} row${rows === 1 ? '' : 's'}); ` +
          'copy into a new SQLite file or an empty PostgreSQL database or schema (?schema=name)',
      );
    }
  }
}
