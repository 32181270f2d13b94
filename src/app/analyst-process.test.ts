// An analyst-only process against a PostgreSQL store that misbehaves: connections killed under it are
// ridden out with back-off (the process keeps working, and hands back at once the intent it held), while
// any other failure — here the heartbeat table dropped by hand — is one crash report for the whole
// process and ends it with the error.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfigFile, type SigilConfig } from '../config/load-config.ts';
import { variantId, workerId } from '../domain/ids.ts';
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

  /**
   * Kills a worker's connection in the middle of a query, `times` times: the heartbeat table is locked
   * so the workers' next read of it waits, that waiting server process is terminated, the lock let go.
   */
  async function killMidQuery(schema: TestSchema, times: number): Promise<number> {
    let kills = 0;
    for (let k = 0; k < times; k++) {
      await admin.query('BEGIN');
      try {
        await admin.query(`LOCK TABLE ${schema.schema}.scanner_heartbeat IN ACCESS EXCLUSIVE MODE`);
        for (let i = 0; i < 500; i++) {
          // Inside a transaction the activity view is a snapshot taken at its first read: read afresh.
          await admin.query('SELECT pg_stat_clear_snapshot()');
          const waiting = await admin.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%scanner_heartbeat%'`,
          );
          const [first] = waiting.rows;
          if (first) {
            await admin.query('SELECT pg_terminate_backend($1)', [first.pid]);
            kills++;
            break;
          }
          await delay(10);
        }
      } finally {
        await admin.query('COMMIT');
      }
    }
    return kills;
  }

  function analysts(opened: OpenedStore, signal: AbortSignal, workers = 2) {
    const events: TradingEvent[] = [];
    const retries: string[] = [];
    const done = runAnalystWorkers({
      store: opened.store,
      config,
      variants: config.variants,
      workers,
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
      const kills = await killMidQuery(schema, 3);
      stop.abort();
      assert.deepEqual(await done, { decided: 0 }, 'the process ends without an error');
      assert.equal(kills, 3, "the workers' connections were killed in the middle of a query");
      assert.ok(retries.length >= 3, `the workers noticed and backed off (${retries.length})`);
      assert.deepEqual(events, [], 'a lost connection is no crash');
      // And the store works again for whoever asks next.
      assert.equal((await opened.store.heartbeats()).length, 1);
    } finally {
      await opened.store.close();
      await schema.drop();
    }
  });

  it('hands back the intent it held when its connection dropped, and decides it', async () => {
    const schema = await freshSchema('analysts');
    const opened = await storeWithHeartbeat(schema);
    const worker = workerId('analysts-test:analyst-1');
    const stop = new AbortController();
    try {
      // What a connection lost in the middle of a decision leaves: a claim nobody is working on, leased
      // for claim_ttl_minutes of the scanners' clock, which stands still until the bar is decided.
      const { intent } = await opened.store.insertIntent(
        { variantId: variantId('baseline'), symbol: 'BTCUSDT', tradeDate: '2021-04-10' },
        'scanner',
        NOW,
      );
      assert.equal((await opened.store.claimNextPending(worker, NOW))?.id, intent.id);

      const { done, retries } = analysts(opened, stop.signal, 1);
      const kills = await killMidQuery(schema, 1);
      // Then the store stays up until the worker is done with the intent.
      for (let i = 0; i < 100 && (await opened.store.getIntent(intent.id))?.status === 'claimed'; i++) {
        await delay(50);
      }
      stop.abort();
      await done;
      assert.ok(kills === 1 && retries.length >= 1, `killed ${kills}, retried ${retries.length}`);
      const records = await opened.store.decisionRecords(intent.id);
      const released = records.find((r) => r.event === 'release');
      assert.equal(released?.actor, worker);
      assert.match(released?.reason ?? '', /its worker lost the store connection/);
      const after = await opened.store.getIntent(intent.id);
      assert.notEqual(after?.status, 'claimed', 'the intent was decided again, not left to its lease');
      assert.ok(
        records.some(
          (r) => r.event !== 'release' && r.event !== 'claim' && r.at >= (released?.at ?? Infinity),
        ),
        `decided after the release: ${records.map((r) => r.event).join(', ')}`,
      );
    } finally {
      stop.abort();
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
