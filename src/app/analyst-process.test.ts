// An analyst-only process against a PostgreSQL store that misbehaves: connections killed under it are
// ridden out with back-off (the process keeps working), while any other failure — here the heartbeat
// table dropped by hand — is one crash report for the whole process and ends it with the error.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfigFile, type SigilConfig } from '../config/load-config.ts';
import { variantId } from '../domain/ids.ts';
import type { TradingEvent } from '../domain/trading-event.ts';
import { openStore, type OpenedStore } from '../store/open-store.ts';
import { freshSchema, testPostgresBaseUrl, type TestSchema } from '../../test/support/postgres.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { runAnalystWorkers } from './analyst-process.ts';

const DATA = fileURLToPath(new URL('../../data/crypto/1h', import.meta.url));
const NOW = Date.parse('2021-04-10T00:00:00Z');
const WALL = Date.parse('2026-12-01T12:00:00Z');

describe('an analyst-only process when its store fails', () => {
  const dir = tempDir('sigil-analysts-');
  let config: SigilConfig;
  let admin: pg.Client;
  before(async () => {
    const file = join(dir.path, 'sigil.yaml');
    writeFileSync(file, `market:\n  data: ${DATA}\n  symbols: [BTCUSDT]\n`);
    config = loadConfigFile(file);
    admin = new pg.Client({ connectionString: testPostgresBaseUrl() });
    await admin.connect();
  });
  after(async () => {
    await admin.end();
    dir.remove();
  });

  async function storeWithHeartbeat(schema: TestSchema): Promise<OpenedStore> {
    const opened = await openStore(schema.url, { now: '2021-04-01T00:00:00Z', poolSize: 1 });
    await opened.store.recordScanStart(variantId('baseline'), NOW - 1_000);
    await opened.store.recordScanEnd(variantId('baseline'), NOW, null);
    return opened;
  }

  function analysts(opened: OpenedStore, signal: AbortSignal) {
    const events: TradingEvent[] = [];
    const retries: string[] = [];
    const done = runAnalystWorkers({
      store: opened.store,
      config,
      variants: config.variants,
      workers: 2,
      processName: 'analysts-test',
      idleExitMs: null,
      signal,
      sleep: (ms, stop) => delay(ms, undefined, { signal: stop }).catch(() => undefined),
      clock: { now: () => WALL },
      onEvent: (event) => events.push(event),
      onRetry: (_error, attempt, worker) => retries.push(`${worker}#${attempt}`),
    });
    return { done, events, retries };
  }

  it('rides out connections killed under it and stops cleanly when told', async () => {
    const schema = await freshSchema('analysts');
    const opened = await storeWithHeartbeat(schema);
    const stop = new AbortController();
    try {
      const { done, events, retries } = analysts(opened, stop.signal);
      let kills = 0;
      const until = performance.now() + 1_500;
      while (performance.now() < until) {
        // The pool's one connection, the workers' too: a query on it shows its server process.
        const pid = await opened.driver
          .query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
          .then(([row]) => row?.pid ?? null)
          .catch(() => null);
        if (pid !== null) {
          await admin.query('SELECT pg_terminate_backend($1)', [pid]);
          kills++;
        }
        await delay(100);
      }
      stop.abort();
      assert.deepEqual(await done, { decided: 0 }, 'the process ends without an error');
      assert.ok(kills >= 1, `the worker's connection was killed (${kills} times)`);
      assert.ok(retries.length >= 1, 'the workers noticed and backed off');
      assert.deepEqual(events, [], 'a lost connection is no crash');
      // And the store works again for whoever asks next.
      assert.equal((await opened.store.heartbeats()).length, 1);
    } finally {
      await opened.store.close();
      await schema.drop();
    }
  });

  it('reports one crash for the process when a worker fails otherwise, and ends with the error', async () => {
    const schema = await freshSchema('analysts');
    const opened = await storeWithHeartbeat(schema);
    try {
      await admin.query(`DROP TABLE ${schema.schema}.scanner_heartbeat`);
      const { done, events, retries } = analysts(opened, new AbortController().signal);
      await assert.rejects(done, /scanner_heartbeat/);
      assert.deepEqual(retries, [], 'a missing table is not retried');
      assert.equal(events.length, 1, 'two workers failing the same way are one crash');
      const [crash] = events;
      assert.equal(crash?.type, 'worker_crashed');
      assert.equal(crash.at, WALL, 'reported at wall time');
      assert.match(crash.worker, /^analysts-test:analyst-[12]$/);
      assert.match(crash.error, /relation "scanner_heartbeat" does not exist/);
    } finally {
      await opened.store.close();
      await schema.drop();
    }
  });
});
