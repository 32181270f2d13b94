// Halt and reset through the API are told to the server's listener (the alerts), once stored: a reset of
// a variant already active tells nothing, and a refused request (no token) neither.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SimClock } from '../clock/sim-clock.ts';
import type { Store } from '../domain/ports/store.ts';
import type { TradingEvent } from '../domain/trading-event.ts';
import { openStore } from '../store/open-store.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { startApiServer, type ApiServer } from './server.ts';

const T0 = Date.UTC(2026, 0, 5, 12);
const TOKEN = 'switch-events-token';

describe('API halt and reset events', () => {
  const dir = tempDir('sigil-api-events-');
  const events: TradingEvent[] = [];
  let store: Store;
  let api: ApiServer;

  before(async () => {
    ({ store } = await openStore(`sqlite:${dir.path}/api.db`, { now: new Date(T0).toISOString() }));
    api = await startApiServer({
      store,
      variants: [
        { id: 'alpha', startingBalance: 1000, staleAfterMinutes: 85, compliance: null, accountKey: null },
      ],
      clock: new SimClock(T0),
      token: TOKEN,
      onEvent: (event) => events.push(event),
    });
  });
  after(async () => {
    await api.close();
    await store.close();
    dir.remove();
  });

  const post = (path: string, body: unknown, token = TOKEN) =>
    fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('tells a halt and the reset that ends it, with who and why', async () => {
    assert.equal((await post('/api/variants/alpha/reset', {})).status, 200);
    assert.equal((await post('/api/variants/alpha/halt', { reason: 'x' }, 'wrong-token')).status, 401);
    assert.deepEqual(events, [], 'nothing was halted, so nothing is told');

    assert.equal((await post('/api/variants/alpha/halt', { reason: 'news' })).status, 200);
    assert.equal((await post('/api/variants/alpha/reset', {})).status, 200);
    assert.deepEqual(events, [
      { type: 'kill_switch_tripped', at: T0, variantId: 'alpha', actor: 'api', why: 'news' },
      {
        type: 'kill_switch_reset',
        at: T0,
        variantId: 'alpha',
        actor: 'api',
        why: 'reset through the API',
        from: 'halted',
      },
    ]);
  });
});
