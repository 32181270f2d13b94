// The store goes away in the middle of a run — its PostgreSQL connections killed again and again, as
// in a server restart — and the bot backs off, resumes, and ends with exactly the trades of an
// undisturbed run: no bar lost, none applied twice.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfigFile } from '../config/load-config.ts';
import { fingerprint, tradeRows } from '../backtest/metrics.ts';
import { openStore } from '../store/open-store.ts';
import { freshSchema, testPostgresBaseUrl, type TestSchema } from '../../test/support/postgres.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { runReplay } from './replay-bot.ts';

const DATA = fileURLToPath(new URL('../../data/crypto/1h', import.meta.url));
const UNTIL = Date.parse('2021-05-05T00:00:00Z');
const CONFIG = `
market:
  data: ${DATA}
  symbols: [BTCUSDT, DOGEUSDT]
scanner:
  breakout_lookback: 20
  min_volume_ratio: 0
`;

describe('the bot while its PostgreSQL store keeps dropping connections', () => {
  const dir = tempDir('sigil-outage-');
  const configFile = join(dir.path, 'sigil.yaml');
  let schema: TestSchema;
  before(async () => {
    writeFileSync(configFile, CONFIG);
    schema = await freshSchema('outage');
  });
  after(async () => {
    await schema.drop();
    dir.remove();
  });

  async function replay(url: string, chaos?: (driverPid: () => Promise<number | null>) => () => void) {
    const config = loadConfigFile(configFile);
    const opened = await openStore(url, { now: '2021-04-01T00:00:00Z', poolSize: 1 });
    const stopChaos = chaos?.(async () => {
      try {
        const [row] = await opened.driver.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        return row?.pid ?? null;
      } catch {
        return null;
      }
    });
    let retries = 0;
    try {
      await runReplay({
        store: opened.store,
        config,
        variants: config.variants,
        speed: 0,
        until: UNTIL,
        signal: new AbortController().signal,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        onRetry: () => retries++,
      });
    } finally {
      stopChaos?.();
    }
    const trades = tradeRows(await opened.store.closedPositions());
    await opened.store.close();
    return { trades, retries };
  }

  it('backs off, resumes, and trades exactly as an undisturbed run', async () => {
    const calm = await replay(`sqlite:${join(dir.path, 'calm.db')}`);
    assert.ok(calm.trades.length > 5);

    const admin = new pg.Client({ connectionString: testPostgresBaseUrl() });
    await admin.connect();
    let kills = 0;
    try {
      const { trades, retries } = await replay(schema.url, (driverPid) => {
        let running = true;
        void (async () => {
          // Kill the bot's connection every 150 ms for the first two seconds of the run.
          const until = performance.now() + 2_000;
          while (running && performance.now() < until) {
            const pid = await driverPid();
            if (pid !== null) {
              await admin.query('SELECT pg_terminate_backend($1)', [pid]);
              kills++;
            }
            await new Promise((resolve) => setTimeout(resolve, 150));
          }
        })();
        return () => {
          running = false;
        };
      });
      assert.ok(kills >= 3, `the connection was killed (${kills} times)`);
      assert.ok(retries >= 1, 'the run noticed and backed off');
      assert.equal(fingerprint(trades), fingerprint(calm.trades));
    } finally {
      await admin.end();
    }
  });
});
