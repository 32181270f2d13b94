// A whole store copied SQLite → PostgreSQL → SQLite on real databases: every row and every value's type
// survive both ways, numbering continues after the copied ids, and a copy that may not or cannot happen
// leaves the target as it was.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshSchema, type TestSchema } from '../../test/support/postgres.ts';
import { dumpTables, fillStore, readStore, T0 } from '../../test/support/filled-store.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { variantId } from '../domain/ids.ts';
import { loadMigrations } from '../store/migrator.ts';
import { openDriver, openStore } from '../store/open-store.ts';
import type { SqlDriver } from '../store/sql-driver.ts';
import { copyOrder, copyStore, StoreCopyRefused } from './store-copy.ts';

const NOW = '2026-01-05T00:00:00.000Z';

async function withDrivers<T>(
  from: string,
  to: string,
  fn: (source: SqlDriver, target: SqlDriver) => Promise<T>,
): Promise<T> {
  const source = openDriver(from);
  const target = openDriver(to);
  try {
    return await fn(source, target);
  } finally {
    await target.close();
    await source.close();
  }
}

async function copy(from: string, to: string) {
  return withDrivers(from, to, (source, target) => copyStore(source, target, { now: NOW, sourceName: from }));
}

async function dump(url: string) {
  const driver = openDriver(url);
  try {
    return await dumpTables(driver);
  } finally {
    await driver.close();
  }
}

async function read(url: string) {
  const { store } = await openStore(url, { now: NOW, migrate: false });
  try {
    return await readStore(store);
  } finally {
    await store.close();
  }
}

describe('copying a whole store', () => {
  const dir = tempDir('sigil-store-copy-');
  const schemas: TestSchema[] = [];
  const pgSchema = async () => {
    const schema = await freshSchema('copy');
    schemas.push(schema);
    return schema.url;
  };
  const sqlite = (name: string) => `sqlite:${join(dir.path, name)}`;
  const original = sqlite('original.db');
  let pg: string;

  before(async () => {
    const { store } = await openStore(original, { now: NOW });
    await fillStore(store);
    await store.close();
    pg = await pgSchema();
  });
  after(async () => {
    await Promise.all(schemas.map((schema) => schema.drop()));
    dir.remove();
  });

  it('copies SQLite → PostgreSQL → SQLite with every row, value and type unchanged', async () => {
    const there = await copy(original, pg);
    const back = await copy(pg, sqlite('back.db'));
    assert.equal(there.version, loadMigrations('sqlite').length);
    assert.deepEqual(back.tables, there.tables);

    const tables = await dump(original);
    // Every table the schema has, filled: a table no row reached would prove nothing about its columns.
    assert.deepEqual(
      Object.entries(tables)
        .filter(([, rows]) => rows.length === 0)
        .map(([table]) => table),
      [],
    );
    assert.deepEqual(
      there.tables,
      Object.entries(tables).map(([table, rows]) => ({ table, rows: rows.length })),
    );
    assert.deepEqual(await dump(pg), tables);
    assert.deepEqual(await dump(sqlite('back.db')), tables);

    const seen = await read(original);
    assert.deepEqual(await read(pg), seen);
    assert.deepEqual(await read(sqlite('back.db')), seen);
  });

  it('copies PostgreSQL → PostgreSQL and SQLite → SQLite alike', async () => {
    const tables = await dump(original);
    const other = await pgSchema();
    await copy(original, sqlite('twin.db'));
    await copy(pg, other);
    assert.deepEqual(await dump(sqlite('twin.db')), tables);
    assert.deepEqual(await dump(other), tables);
    assert.deepEqual(await read(other), await read(original));
  });

  it('numbers new rows after the copied ones on PostgreSQL and SQLite', async () => {
    for (const url of [pg, sqlite('back.db')]) {
      const { store, driver } = await openStore(url, { now: NOW, migrate: false });
      try {
        const v = variantId('llm');
        // The audit trail's numbering is not part of what the Store API answers: read it as stored.
        const lastChange = async () =>
          Number((await driver.query('SELECT MAX(seq) AS seq FROM trading_state_changes'))[0]?.seq);
        const copied = await lastChange();
        await store.setTradingState(
          { variantId: v, state: 'active', reason: 'resumed', actor: 'op' },
          T0 + 9,
        );
        assert.equal(await lastChange(), copied + 1, url);

        const records = (
          await Promise.all((await store.listIntents()).map((i) => store.decisionRecords(i.id)))
        ).flat();
        const lastRecord = Math.max(...records.map((r) => r.seq));
        const { intent } = await store.insertIntent(
          { variantId: v, symbol: 'AUDUSD', tradeDate: '2026-01-06' },
          'scanner:llm',
          T0 + 10,
        );
        const [created] = await store.decisionRecords(intent.id);
        assert.equal(created?.seq, lastRecord + 1, url);
      } finally {
        await store.close();
      }
    }
  });

  it("copies tables of several read chunks, in statements within each dialect's parameter limit", async () => {
    const big = sqlite('big.db');
    const { store, driver } = await openStore(big, { now: NOW });
    // 12 001 closed trades: three chunks of the copy's 5 000-row reads, each written in several INSERTs
    // on both dialects (26 columns a row: 1 280 rows a statement on SQLite, 2 500 on PostgreSQL).
    await driver.execute(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12001)
       INSERT INTO positions (id, variant_id, symbol, side, status, qty, entry_price, initial_stop,
                              current_stop, opened_at, closed_at, exit_price, exit_reason, pnl, peak_price,
                              trough_price, bars_held)
       SELECT printf('p%05d', i), 'bulk', 'SYM' || (i % 7), 'long', 'closed', 1, 100 + i / 1000.0, 97, 97,
              ? + i * 60000, ? + i * 60000 + 30000, 101, 'take_profit', i / 1000.0 - 1, 102, 99, i % 5
       FROM n`,
      [T0, T0],
    );
    const trades = await store.closedPositions({ variantId: variantId('bulk') });
    await store.close();
    assert.equal(trades.length, 12_001);

    const middle = await pgSchema();
    const there = await copy(big, middle);
    assert.equal(there.tables.find((t) => t.table === 'positions')?.rows, 12_001);
    await copy(middle, sqlite('big-back.db'));
    const tables = await dump(big);
    assert.deepEqual(await dump(middle), tables);
    assert.deepEqual(await dump(sqlite('big-back.db')), tables);
    for (const url of [middle, sqlite('big-back.db')]) {
      const { store: copied } = await openStore(url, { now: NOW, migrate: false });
      assert.deepEqual(await copied.closedPositions({ variantId: variantId('bulk') }), trades);
      await copied.close();
    }
  });

  it('refuses a target that holds data, naming a table, and leaves it as it was', async () => {
    const before = await dump(pg);
    await assert.rejects(
      copy(original, pg),
      (error: unknown) =>
        error instanceof StoreCopyRefused &&
        /already holds data \(table \w+ has \d+ rows?\)/.test(error.message),
    );
    assert.deepEqual(await dump(pg), before);
  });

  it("refuses a source behind this Sigil's schema, or ahead of it, before touching the target", async () => {
    const behind = sqlite('behind.db');
    const { store, driver } = await openStore(behind, { now: NOW });
    const known = loadMigrations('sqlite').length;
    await driver.execute('DELETE FROM sigil_migrations WHERE id = ?', [known]);
    await store.close();
    const target = await pgSchema();
    await assert.rejects(
      copy(behind, target),
      (error: unknown) =>
        error instanceof StoreCopyRefused &&
        error.message.includes(`is at schema version ${known - 1}, this Sigil's is ${known}`) &&
        error.message.includes(`run "sigil migrate --db ${behind}" first`),
    );

    const ahead = openDriver(behind);
    await ahead.execute(
      "INSERT INTO sigil_migrations (id, name, applied_at) VALUES (?, 'x', ?), (99, 'future', ?)",
      [known, NOW, NOW],
    );
    await ahead.close();
    await assert.rejects(
      copy(behind, target),
      (error: unknown) =>
        error instanceof StoreCopyRefused && /version 99, newer than this Sigil knows/.test(error.message),
    );
    // Not even migrated: the schema named in the URL was never created.
    assert.deepEqual(await dump(target), {});
  });

  it('changes nothing in the target when a row cannot be written there', async () => {
    const bad = sqlite('bad.db');
    await copy(pg, bad);
    // SQLite keeps what it is given; PostgreSQL's BIGINT column will not take it.
    const driver = openDriver(bad);
    await driver.execute("UPDATE jobs SET next_run_at = 'soon' WHERE name = 'janitor'");
    await driver.close();
    const target = await pgSchema();
    await assert.rejects(copy(bad, target), /invalid input syntax for type bigint/);
    const left = await dump(target);
    assert.ok(Object.keys(left).includes('jobs'), 'the target was migrated');
    assert.deepEqual(
      Object.entries(left).filter(([, rows]) => rows.length > 0),
      [],
    );
  });

  it('refuses to copy a database onto itself', async () => {
    await assert.rejects(
      withDrivers(original, original, (source, target) =>
        copyStore(source, target, { now: NOW, sourceName: original }),
      ),
      /the source and the target are the same database/,
    );
  });

  it('orders referenced tables before the tables that reference them', () => {
    assert.deepEqual(
      copyOrder(['decision_records', 'intents', 'a'], [{ table: 'decision_records', references: 'intents' }]),
      ['a', 'intents', 'decision_records'],
    );
    assert.throws(
      () =>
        copyOrder(
          ['a', 'b'],
          [
            { table: 'a', references: 'b' },
            { table: 'b', references: 'a' },
          ],
        ),
      /form a cycle/,
    );
  });
});
