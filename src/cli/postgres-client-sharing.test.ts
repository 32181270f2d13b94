// On PostgreSQL a transaction is one client, and a client runs one query at a time: concurrent work
// inside a transaction (the bar's analysts deciding several intents at once) would make node-postgres
// queue queries on it — deprecated, and an error from pg 9. A replay on PostgreSQL with several analyst
// workers runs clean under --trace-deprecation.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sigilAsync } from '../../test/support/sigil-cli.ts';
import { freshSchema, type TestSchema } from '../../test/support/postgres.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const DATA = fileURLToPath(new URL('../../data/crypto/1h', import.meta.url));

describe('PostgreSQL: one client per concurrent transaction', () => {
  const dir = tempDir('sigil-pg-clients-');
  let schema: TestSchema;
  before(async () => {
    schema = await freshSchema();
  });
  after(async () => {
    await schema.drop();
    dir.remove();
  });

  it('replays with four analyst workers without node-postgres queueing queries on a busy client', async () => {
    const config = join(dir.path, 'sigil.yaml');
    writeFileSync(
      config,
      `market:
  data: ${DATA}
  symbols: [BTCUSDT, DOGEUSDT, SOLUSDT, ETHUSDT]
scanner:
  breakout_lookback: 10
  min_volume_ratio: 0
engine:
  analyst_workers: 4
variants:
  a:
  b:
`,
    );
    const run = await sigilAsync(
      [
        '--db',
        schema.url,
        '--config',
        config,
        'run',
        '--quiet',
        '--no-dashboard',
        '--until',
        '2021-05-15T00:00:00Z',
      ],
      dir.path,
      { NODE_OPTIONS: '--trace-deprecation' },
    );
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /a: \d+ closed/);
    assert.doesNotMatch(run.err, /already executing a query/);
    assert.doesNotMatch(run.err, /DeprecationWarning/);
  });
});
