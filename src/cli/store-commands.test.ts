// The runbook's store commands, run as the operator types them through the real binary: `sigil backup`
// of a SQLite store a bot holds open mid-write and of a PostgreSQL store, its refusals, and `sigil store
// copy` from SQLite to PostgreSQL and back, restoring a backup, refusing what it may not copy — never
// printing a password.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dumpTables, fillStore, readStore, T0 } from '../../test/support/filled-store.ts';
import { freshSchema, type TestSchema } from '../../test/support/postgres.ts';
import { sigil, sigilAsync, type SigilRun } from '../../test/support/sigil-cli.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { createSchema } from '../app/store-backup.ts';
import { variantId } from '../domain/ids.ts';
import { loadMigrations } from '../store/migrator.ts';
import { openDriver, openStore } from '../store/open-store.ts';

const NOW = '2026-01-05T00:00:00.000Z';

async function dump(url: string) {
  const driver = openDriver(url);
  try {
    return await dumpTables(driver);
  } finally {
    await driver.close();
  }
}

async function migrations(url: string) {
  const driver = openDriver(url);
  try {
    return await driver.query('SELECT id, name, applied_at FROM sigil_migrations ORDER BY id');
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

describe('sigil backup and sigil store copy', () => {
  const dir = tempDir('sigil-store-cli-');
  const at = (file: string) => join(dir.path, file);
  const live = `sqlite:${at('live.db')}`;
  const schemas: TestSchema[] = [];
  let secret = '';
  /** A fresh PostgreSQL schema, its URL carrying a password (trust authentication ignores it). */
  const pgUrl = async () => {
    const schema = await freshSchema('cli_copy');
    schemas.push(schema);
    const url = new URL(schema.url);
    if (!url.password) url.password = 'sigil-test-secret';
    secret = `:${url.password}@`;
    return url.toString();
  };
  const noPassword = (run: SigilRun) =>
    assert.ok(secret === '' || !`${run.out}${run.err}`.includes(secret), 'a password was printed');
  const succeeds = (run: SigilRun) => {
    assert.equal(run.code, 0, run.err);
    noPassword(run);
  };
  const refused = (run: SigilRun, message: RegExp) => {
    assert.equal(run.code, 2, `${run.out}${run.err}`);
    assert.match(run.err, message);
    noPassword(run);
  };
  let tables: Awaited<ReturnType<typeof dump>>;
  let seen: Awaited<ReturnType<typeof read>>;

  before(async () => {
    const { store } = await openStore(live, { now: NOW });
    await fillStore(store);
    await store.close();
    tables = await dump(live);
    seen = await read(live);
  });
  after(async () => {
    await Promise.all(schemas.map((schema) => schema.drop()));
    dir.remove();
  });

  it('backs up a SQLite store that a bot holds open mid-write, into one self-contained file', async () => {
    const { store } = await openStore(live, { now: NOW });
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let writing = () => undefined as void;
    const written = new Promise<void>((resolve) => (writing = resolve));
    // The bot's write transaction, open for as long as the backup runs, then rolled back: the store is
    // left as the other cases expect it.
    const transaction = store.transaction(async (tx) => {
      await tx.insertIntent(
        { variantId: variantId('baseline'), symbol: 'UNCOMMITTED', tradeDate: '2026-01-05' },
        'scanner:baseline',
        T0,
      );
      writing();
      await held;
      throw new Error('rolled back');
    });
    await written;
    const run = await sigilAsync(['--db', live, 'backup', 'backups/live.db'], dir.path);
    release();
    await assert.rejects(transaction, /rolled back/);
    await store.close();

    succeeds(run);
    assert.match(
      run.out,
      /^Backed up \S+live\.db \(schema version \d+, sqlite online backup\) to \S+backups\/live\.db$/m,
    );
    assert.match(run.out, /^intents\s+3$/m);
    assert.match(run.out, /^\d+ rows in \d+ tables$/m);
    // One file, in rollback-journal mode (header bytes 18–19 = 1): no -wal to forget beside it, no partial.
    assert.deepEqual(readdirSync(at('backups')), ['live.db']);
    assert.deepEqual([...readFileSync(at('backups/live.db')).subarray(18, 20)], [1, 1]);
    const backup = `sqlite:${at('backups/live.db')}`;
    assert.deepEqual(await dump(backup), tables);
    assert.deepEqual(await read(backup), seen);
  });

  it('refuses to overwrite an existing FILE, and a store that is not there (exit 2); takes sqlite:FILE', () => {
    writeFileSync(at('taken.db'), 'keep me');
    refused(
      sigil(['--db', live, 'backup', 'taken.db'], dir.path),
      /taken\.db already exists; a backup never overwrites/,
    );
    assert.equal(readFileSync(at('taken.db'), 'utf8'), 'keep me');

    refused(
      sigil(['backup', 'nothing.db', '--db', 'sqlite:nowhere.db'], dir.path),
      /no SQLite store at \S+nowhere\.db/,
    );
    assert.ok(!existsSync(at('nowhere.db')) && !existsSync(at('nothing.db')));

    // FILE as `sigil store copy --from` will name it is a file too; a PostgreSQL URL is not.
    succeeds(sigil(['--db', live, 'backup', 'sqlite:prefixed.db'], dir.path));
    assert.ok(existsSync(at('prefixed.db')));
    refused(
      sigil(['--db', live, 'backup', 'postgres://u@h/db'], dir.path),
      /a backup is a new SQLite file; to copy a store into PostgreSQL use "sigil store copy/,
    );
    assert.deepEqual(
      readdirSync(dir.path).filter((file) => file.includes('partial')),
      [],
    );
  });

  it('copies SQLite → PostgreSQL → SQLite, backs up PostgreSQL, and restores that backup', async () => {
    const pg = await pgUrl();
    const there = sigil(['store', 'copy', '--from', live, '--to', pg], dir.path);
    succeeds(there);
    assert.match(
      there.out,
      /^Copied \S+live\.db into postgres:\/\/\S+\?schema=cli_copy_\w+ \(schema version \d+\)$/m,
    );
    assert.match(there.out, /^decision_records\s+\d+$/m);
    assert.deepEqual(await dump(pg), tables);

    const backedUp = sigil(['--db', pg, 'backup', 'pg-backup.db'], dir.path);
    succeeds(backedUp);
    assert.match(backedUp.out, /\(schema version \d+, postgres snapshot\) to \S+pg-backup\.db$/m);
    const backup = `sqlite:${at('pg-backup.db')}`;
    assert.deepEqual(await dump(backup), tables);
    // The backup keeps the store's own migration history, when each was applied.
    assert.deepEqual(await migrations(backup), await migrations(pg));

    succeeds(sigil(['store', 'copy', '--from', pg, '--to', `sqlite:${at('back.db')}`], dir.path));
    assert.deepEqual(await dump(`sqlite:${at('back.db')}`), tables);

    const restored = await pgUrl();
    succeeds(sigil(['store', 'copy', '--from', 'sqlite:pg-backup.db', '--to', restored], dir.path));
    assert.deepEqual(await dump(restored), tables);
    assert.deepEqual(await read(restored), seen);
  });

  it('refuses a target that holds data and a source behind the schema, saying what to do (exit 2)', async () => {
    const pg = await pgUrl();
    succeeds(sigil(['store', 'copy', '--from', live, '--to', pg], dir.path));
    refused(
      sigil(['store', 'copy', '--from', live, '--to', pg], dir.path),
      /already holds data \(table \w+ has \d+ rows?\)/,
    );

    // A store one migration behind, as an older Sigil left it.
    const behind = `sqlite:${at('behind.db')}`;
    const known = loadMigrations('sqlite');
    const driver = openDriver(behind);
    await createSchema(driver, known.length - 1);
    for (const migration of known.slice(0, -1)) {
      await driver.execute('INSERT INTO sigil_migrations (id, name, applied_at) VALUES (?, ?, ?)', [
        migration.id,
        migration.name,
        NOW,
      ]);
    }
    await driver.close();
    const fresh = await pgUrl();
    refused(
      sigil(['store', 'copy', '--from', 'sqlite:behind.db', '--to', fresh], dir.path),
      new RegExp(
        `behind\\.db is at schema version ${known.length - 1}, this Sigil's is ${known.length}: run "sigil migrate --db sqlite:behind\\.db" first`,
      ),
    );
    succeeds(sigil(['migrate', '--db', 'sqlite:behind.db'], dir.path));
    succeeds(sigil(['store', 'copy', '--from', 'sqlite:behind.db', '--to', fresh], dir.path));

    refused(
      sigil(['store', 'copy', '--from', 'sqlite:missing.db', '--to', fresh], dir.path),
      /no SQLite store at \S+missing\.db; check --from sqlite:missing\.db/,
    );
    assert.ok(!existsSync(at('missing.db')));
  });
});
