// Positions and trades through the API on a real SQLite store: open positions marked at the last closed
// bar, closed trades sorted and paged, and the exit by hand behind the token — closed through the real
// force-exit on a paper account, refused for a wrong token, for no such position (404), where this
// process may not act (409) and when the broker refuses (502, still open).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { forceExit } from '../app/force-exit.ts';
import { riskRulesFor } from '../app/risk-rules.ts';
import { parseConfig } from '../config/load-config.ts';
import { PaperBroker } from '../brokers/paper-broker.ts';
import { SimClock } from '../clock/sim-clock.ts';
import type { Candle } from '../domain/candle.ts';
import { variantId, type EpochMs } from '../domain/ids.ts';
import type { ForceExitPort } from '../domain/manual-exit.ts';
import type { Store } from '../domain/ports/store.ts';
import type { TradingEvent } from '../domain/trading-event.ts';
import { openStore } from '../store/open-store.ts';
import { longAt100, SPOT } from '../../test/support/position-fixture.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import type { ApiVariant } from './api-variant.ts';
import { startApiServer, type ApiServer } from './server.ts';

const HOUR = 3_600_000;
const closeRules = riskRulesFor(
  parseConfig('variants:\n  alpha:\n', 'api.yaml').variants[0]!.settings,
  HOUR,
).close;
const TOKEN = 'positions-secret-5521';
const T0: EpochMs = Date.UTC(2026, 0, 5, 0);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>;

const candles: Candle[] = Array.from({ length: 10 }, (_, i) => ({
  symbol: 'ETH/USDT',
  time: T0 + i * HOUR,
  open: 100 + i,
  high: 101 + i,
  low: 99 + i,
  close: 100.5 + i,
  volume: 1,
}));

describe('positions, trades and exits through the API', () => {
  const dir = tempDir('sigil-position-api-');
  // The bar opened at T0+6h has closed by T0+7h: its close, 106.5, is the last price.
  const clock = new SimClock(T0 + 7 * HOUR + 60_000);
  const variants: ApiVariant[] = ['alpha', 'beta'].map((id) => ({
    id,
    startingBalance: 1000,
    staleAfterMinutes: 85,
    compliance: null,
    accountKey: null,
  }));
  const events: TradingEvent[] = [];
  let store: Store;
  let withExits: ApiServer;
  let withoutExits: ApiServer;
  let price: number | null = 106.5;

  before(async () => {
    ({ store } = await openStore(`sqlite:${dir.path}/api.db`, { now: new Date(T0).toISOString() }));
    // alpha: three closed trades of different P&L and one open; beta: one open.
    for (const [id, closedAt, pnl] of [
      ['c1', 3, 5],
      ['c2', 4, -2],
      ['c3', 5, 9],
    ] as const) {
      const p = await store.openPosition(
        longAt100(id, { variant: 'alpha', symbol: 'ETH/USDT', openedAt: T0 }),
      );
      await store.closePosition(p.id, {
        exitPrice: 100 + pnl,
        exitReason: 'atr_trail',
        closedAt: T0 + closedAt * HOUR,
        fees: 0,
        pnl,
      });
    }
    await store.openPosition(
      longAt100(
        'open-a',
        { variant: 'alpha', symbol: 'ETH/USDT', openedAt: T0 + 5 * HOUR },
        { currentStop: 99 },
      ),
    );
    await store.openPosition(
      longAt100('open-b', { variant: 'beta', symbol: 'ETH/USDT', openedAt: T0 + 6 * HOUR }),
    );
    const port: ForceExitPort = (request, onEvent) =>
      forceExit(
        {
          store,
          broker: (id) =>
            new PaperBroker(store, () => price, {
              variantId: id,
              startingBalance: 1000,
              feePct: 0,
              slippagePct: 0,
              quoteOf: () => 'dollars',
            }),
          lastPrice: () => price,
          instruments: () => SPOT,
          closeRules: () => closeRules,
          now: () => clock.now(),
          ...(onEvent ? { onEvent } : {}),
        },
        request,
      );
    const common = {
      store,
      variants,
      clock,
      candles: { symbols: ['ETH/USDT'], candles: async () => candles },
      token: TOKEN,
      onEvent: (event: TradingEvent) => events.push(event),
    };
    withExits = await startApiServer({ ...common, forceExit: port });
    withoutExits = await startApiServer(common);
  });
  after(async () => {
    await withExits.close();
    await withoutExits.close();
    await store.close();
    dir.remove();
  });

  async function call(
    server: ApiServer,
    path: string,
    init?: RequestInit,
  ): Promise<{ status: number; body: Row }> {
    const response = await fetch(`${server.url}${path}`, init);
    return { status: response.status, body: (await response.json()) as Row };
  }
  const exit = (server: ApiServer, path: string, token = TOKEN, reason?: string) =>
    call(server, path, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(reason === undefined ? {} : { reason }),
    });

  it('marks the open positions at the last closed bar: unrealised P&L, stop, trail and age', async () => {
    const { status, body } = await call(withExits, '/api/positions?variant=alpha');
    assert.equal(status, 200);
    assert.match(body.priceSource, /last closed bar/);
    const [p] = body.positions as Row[];
    assert.deepEqual(
      [p?.id, p?.lastPrice, p?.lastPriceAt, p?.unrealisedPnl, p?.currentStop, p?.trailing, p?.ageMs],
      ['open-a', 106.5, T0 + 7 * HOUR, 6.5, 99, true, 2 * HOUR + 60_000],
    );
    assert.equal((await call(withExits, '/api/positions?state=closed')).body.positions.length, 3);
  });

  it('sorts and pages the closed trades', async () => {
    const ids = async (query: string) => {
      const { status, body } = await call(withExits, `/api/trades${query}`);
      assert.equal(status, 200, JSON.stringify(body));
      return { ids: (body.trades as Row[]).map((t) => t.id), total: body.total };
    };
    assert.deepEqual(await ids(''), { ids: ['c1', 'c2', 'c3'], total: 3 });
    assert.deepEqual(await ids('?sort=pnl&order=desc'), { ids: ['c3', 'c1', 'c2'], total: 3 });
    assert.deepEqual(await ids('?sort=pnl&order=desc&limit=2&offset=1'), { ids: ['c1', 'c2'], total: 3 });
    assert.deepEqual(await ids('?sort=exitTime&order=desc&limit=1'), { ids: ['c3'], total: 3 });
    assert.equal((await call(withExits, '/api/trades?sort=colour')).status, 400);
    assert.equal((await call(withExits, '/api/trades?limit=0')).status, 400);
  });

  it('closes a position by hand with the token, as operator:api, and refuses what it cannot do', async () => {
    const path = '/api/variants/beta/positions/ETH%2FUSDT/exit';
    const wrong = await exit(withExits, path, 'not-the-token');
    assert.equal(wrong.status, 401);
    assert.notEqual(await store.openPositionOf(variantId('beta'), 'ETH/USDT'), null);
    assert.equal((await exit(withoutExits, path)).status, 409);
    assert.equal((await exit(withExits, '/api/variants/nosuch/positions/all/exit')).status, 404);

    // The broker refuses (no price): 502, and the position stays open.
    price = null;
    const refused = await exit(withExits, path);
    assert.equal(refused.status, 502);
    assert.match(refused.body.error, /stays open/);
    assert.notEqual(await store.openPositionOf(variantId('beta'), 'ETH/USDT'), null);
    price = 106.5;

    events.length = 0;
    const done = await exit(withExits, path, TOKEN, 'risk off');
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.deepEqual(
      (done.body.closed as Row[]).map((p) => [p.id, p.exitReason, p.exitPrice, p.exitTag]),
      [['open-b', 'manual', 106.5, 'operator:api: risk off']],
    );
    assert.deepEqual(
      events.map((e) => e.type === 'position_closed' && e.by),
      ['operator:api'],
    );
    const again = await exit(withExits, path);
    assert.equal(again.status, 404);
    assert.match(again.body.error, /beta has no open position in ETH\/USDT/);
  });
});
