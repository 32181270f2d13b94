// `sigil dashboard --db URL`: the dashboard and API for a store no bot is running on, with the store's
// own variants when no config names them, refusing a port already taken with a reason, and stopping
// cleanly on Ctrl-C.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { variantId } from '../domain/ids.ts';
import { openStore } from '../store/open-store.ts';
import { longAt100 } from '../../test/support/position-fixture.ts';
import { sigilAsync, sigilServing } from '../../test/support/sigil-cli.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const T0 = Date.UTC(2026, 0, 5);

describe('sigil dashboard', () => {
  const dir = tempDir('sigil-dashboard-cmd-');
  const db = `sqlite:${join(dir.path, 'store.db')}`;

  before(async () => {
    const { store } = await openStore(db, { now: new Date(T0).toISOString() });
    await store.insertIntent(
      { variantId: variantId('fast'), symbol: 'BTCUSDT', tradeDate: '2026-01-05' },
      's',
      T0,
    );
    await store.openPosition(longAt100('p1', { variant: 'fast', symbol: 'BTCUSDT', openedAt: T0 }));
    await store.close();
  });
  after(() => dir.remove());

  it("serves any store's variants until Ctrl-C, with mutations off without a token", async () => {
    const { child, url } = await sigilServing(['--db', db, 'dashboard', '--port', '0'], dir.path);
    try {
      const variants = (await (await fetch(`${url}/api/variants`)).json()) as {
        variants: { name: string; openPositions: number }[];
      };
      assert.deepEqual(
        variants.variants.map((v) => [v.name, v.openPositions]),
        [['fast', 1]],
      );
      const halt = await fetch(`${url}/api/variants/fast/halt`, { method: 'POST' });
      assert.equal(halt.status, 403);
      assert.equal((await (await fetch(`${url}/`)).text()).includes('<title>Sigil</title>'), true);
    } finally {
      child.kill('SIGINT');
    }
    const code = await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(code, 0);
  });

  it('names the port when it is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const run = await sigilAsync(['--db', db, 'dashboard', '--port', String(port)], dir.path);
      assert.equal(run.code, 2);
      assert.match(run.err, new RegExp(`127\\.0\\.0\\.1:${port}: the port is taken`));
    } finally {
      blocker.close();
    }
  });
});
