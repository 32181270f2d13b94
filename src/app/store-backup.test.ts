// Backups on real databases, beyond what the CLI tests run: a PostgreSQL store an upgrade has not
// migrated yet (the backup the runbook takes before `sigil migrate`), and backups that fail or may not
// run leaving no file behind.
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { freshSchema, type TestSchema } from '../../test/support/postgres.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { loadMigrations, migrate } from '../store/migrator.ts';
import { openDriver } from '../store/open-store.ts';
import { backupStore, createSchema } from './store-backup.ts';
import { StoreCopyRefused } from './store-copy.ts';

const NOW = '2026-01-05T00:00:00.000Z';

describe('sigil backup, app layer', () => {
  const dir = tempDir('sigil-backup-');
  const schemas: TestSchema[] = [];
  const pgSchema = async () => {
    const schema = await freshSchema('backup');
    schemas.push(schema);
    return schema.url;
  };
  after(async () => {
    await Promise.all(schemas.map((schema) => schema.drop()));
    dir.remove();
  });

  it('backs up a PostgreSQL store behind this Sigil at its own version, which migrates later', async () => {
    const url = await pgSchema();
    const known = loadMigrations('postgres');
    const older = known.slice(0, -1);
    const source = openDriver(url);
    await source.executeScript(`CREATE SCHEMA ${source.schema}`);
    await createSchema(source, older.length);
    for (const migration of older) {
      await source.execute('INSERT INTO sigil_migrations (id, name, applied_at) VALUES (?, ?, ?)', [
        migration.id,
        migration.name,
        `2025-0${migration.id % 9 || 1}-01T00:00:00Z`,
      ]);
    }
    await source.execute(
      "INSERT INTO jobs (name, next_run_at, created_at, updated_at) VALUES ('janitor', 5, 1, 2)",
    );
    const history = await source.query('SELECT * FROM sigil_migrations ORDER BY id');
    await source.close();

    const file = join(dir.path, 'behind.db');
    const report = await backupStore(url, file);
    assert.equal(report.version, older.length);
    assert.equal(report.method, 'postgres snapshot');
    assert.equal(report.tables.find((t) => t.table === 'jobs')?.rows, 1);

    const backup = openDriver(`sqlite:${file}`);
    try {
      assert.deepEqual(await backup.query('SELECT * FROM sigil_migrations ORDER BY id'), history);
      const migrated = await migrate(backup, NOW);
      assert.deepEqual(
        migrated.applied.map((m) => m.id),
        [known.length],
      );
      assert.deepEqual(await backup.query('SELECT name, next_run_at FROM jobs'), [
        { name: 'janitor', next_run_at: 5 },
      ]);
    } finally {
      await backup.close();
    }
  });

  it('leaves no file behind when the copy fails half-way', async () => {
    const url = await pgSchema();
    const source = openDriver(url);
    await migrate(source, NOW);
    // A table this Sigil's SQLite schema does not have: the copy refuses it after creating the file.
    await source.executeScript(
      'CREATE TABLE zz_extra (id BIGINT PRIMARY KEY); INSERT INTO zz_extra VALUES (1)',
    );
    await source.close();
    const folder = join(dir.path, 'failed');
    await assert.rejects(
      backupStore(url, join(folder, 'copy.db')),
      (error: unknown) => error instanceof StoreCopyRefused && /has no table zz_extra/.test(error.message),
    );
    assert.deepEqual(readdirSync(folder), []);
  });

  it('refuses a file that is not a Sigil store, and a store with no schema, creating nothing', async () => {
    const folder = join(dir.path, 'refused');
    const other = join(dir.path, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE notes (text TEXT)');
    db.close();
    await assert.rejects(backupStore(`sqlite:${other}`, join(folder, 'a.db')), /is not a Sigil store/);
    const junk = join(dir.path, 'junk.db');
    writeFileSync(junk, 'not a database, but long enough to have a header of a hundred bytes '.repeat(3));
    await assert.rejects(
      backupStore(`sqlite:${junk}`, join(folder, 'b.db')),
      /is not a usable SQLite database/,
    );
    await assert.rejects(backupStore(await pgSchema(), join(folder, 'c.db')), /holds no Sigil store/);
    assert.deepEqual(readdirSync(folder), []);
  });
});
