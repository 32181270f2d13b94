// The API end to end: a real SQLite store, a real server on 127.0.0.1 and real fetch calls, covering
// every endpoint, bad parameters, the token rules (refusals change nothing) and halt → reset.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SimClock } from '../clock/sim-clock.ts';
import { variantId, workerId, type EpochMs, type IntentId } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import { openStore } from '../store/open-store.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { longAt100 } from '../../test/support/position-fixture.ts';
import type { ApiVariant } from './api-variant.ts';
import { isLoopback, RemoteBindRefusedError, startApiServer, type ApiServer } from './server.ts';

const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
// Response bodies are read field by field in the assertions; typing each one would only restate the API.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>;
const TOKEN = 's3cret-token-value';
const ALPHA = variantId('alpha');
/** A paper variant as `sigil run` describes it to the API: no firm rules, no broker account. */
const paperVariant = (id: string): ApiVariant => ({
  id,
  startingBalance: 1000,
  staleAfterMinutes: 85,
  compliance: null,
  accountKey: null,
});
const PROFILES = [paperVariant('alpha'), paperVariant('beta')];
const BETA = variantId('beta');

describe('HTTP API', () => {
  const dir = tempDir('sigil-api-');
  const clock = new SimClock(T0);
  let store: Store;
  let api: ApiServer;
  let noToken: ApiServer;
  let pendingId: IntentId;
  let cancelledId: IntentId;

  before(async () => {
    ({ store } = await openStore(`sqlite:${dir.path}/api.db`, { now: new Date(T0).toISOString() }));
    const a = await store.insertIntent(
      { variantId: ALPHA, symbol: 'SOL/USDT', tradeDate: '2026-01-05' },
      'scanner:alpha',
      T0,
    );
    const b = await store.insertIntent(
      { variantId: ALPHA, symbol: 'BTC/USDT', tradeDate: '2026-01-05' },
      'scanner:alpha',
      T0,
    );
    await store.insertIntent(
      { variantId: BETA, symbol: 'SOL/USDT', tradeDate: '2026-01-05' },
      'scanner:beta',
      T0,
    );
    pendingId = a.intent.id;
    cancelledId = b.intent.id;
    await store.transition(
      { id: cancelledId, event: 'cancel', actor: workerId('operator'), reason: 'setup' },
      T0,
    );
    await store.openPosition(longAt100('p-open', { variant: 'alpha', symbol: 'ETH/USDT', openedAt: T0 }));
    const closed = await store.openPosition(
      longAt100('p-closed', { variant: 'beta', symbol: 'ETH/USDT', openedAt: T0 }),
    );
    await store.closePosition(closed.id, {
      exitPrice: 110,
      exitReason: 'take_profit',
      closedAt: T0 + 1000,
      fees: 0,
      pnl: 10,
    });
    await store.recordEquity({ variantId: ALPHA, at: T0, balance: 1000, equity: 1000, openPositions: 0 });
    await store.recordEquity({
      variantId: ALPHA,
      at: T0 + 60_000,
      balance: 1000,
      equity: 1012.5,
      openPositions: 1,
    });
    await store.recordScanStart(ALPHA, T0);
    await store.recordScanEnd(ALPHA, T0 + 5_000, null);
    clock.advanceTo(T0 + 65_000);
    api = await startApiServer({ store, variants: PROFILES, clock, token: TOKEN });
    noToken = await startApiServer({ store, variants: PROFILES, clock, token: null });
  });

  after(async () => {
    await api.close();
    await noToken.close();
    await store.close();
    dir.remove();
  });

  const get = async (path: string, base = api.url) => {
    const res = await fetch(base + path);
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  };
  const getJson = async (path: string) => {
    const res = await get(path);
    return { status: res.status, body: JSON.parse(res.text) as Row };
  };
  const post = async (path: string, init: { token?: string | null; body?: unknown; base?: string } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const token = init.token === undefined ? TOKEN : init.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const res = await fetch((init.base ?? api.url) + path, {
      method: 'POST',
      headers,
      body: init.body === undefined ? '' : JSON.stringify(init.body),
    });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) as Row };
  };

  it('binds to loopback and reports its url', () => {
    assert.match(api.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('GET /api/status counts intents by variant and status and gives trading states', async () => {
    const { status, body } = await getJson('/api/status');
    assert.equal(status, 200);
    assert.deepEqual(body.intents, { alpha: { pending: 1, cancelled: 1 }, beta: { pending: 1 } });
    assert.equal(body.tradingStates.alpha.state, 'active');
    assert.equal(body.now, T0 + 65_000);
  });

  it('GET /api/variants lists each configured variant with its state, heartbeat and equity', async () => {
    const { status, body } = await getJson('/api/variants');
    assert.equal(status, 200);
    assert.deepEqual(
      body.variants.map((v: Row) => [
        v.name,
        v.tradingState.state,
        v.latestEquity?.equity ?? null,
        v.openPositions,
      ]),
      [
        ['alpha', 'active', 1012.5, 1],
        ['beta', 'active', null, 0],
      ],
    );
    assert.equal(body.variants[0].heartbeat.lastScanEnd, T0 + 5_000);
  });

  it('GET /api/intents filters by status, variant and symbol and pages', async () => {
    const all = await getJson('/api/intents');
    assert.equal(all.status, 200);
    assert.equal(all.body.intents.length, 3);
    assert.equal(all.body.limit, 100);
    const pending = await getJson('/api/intents?status=pending,ready_for_exec&variant=alpha');
    assert.deepEqual(
      pending.body.intents.map((i: Row) => i.id),
      [pendingId],
    );
    const bySymbol = await getJson('/api/intents?symbol=SOL%2FUSDT');
    assert.equal(bySymbol.body.intents.length, 2);
    const page = await getJson('/api/intents?limit=2&offset=2');
    assert.equal(page.body.intents.length, 1);
    assert.equal(page.body.offset, 2);
  });

  it('GET /api/intents answers bad parameters with 400 naming the parameter', async () => {
    const cases: [string, RegExp][] = [
      ['status=bogus', /^status/],
      ['status=', /^status/],
      ['limit=0', /^limit/],
      ['limit=abc', /^limit/],
      ['limit=501', /^limit/],
      ['offset=-1', /^offset/],
      ['variant=gamma', /^variant: unknown variant "gamma"/],
      ['colour=red', /unknown parameter: colour/],
      ['limit=1&limit=2', /^limit: given more than once/],
    ];
    for (const [query, expected] of cases) {
      const { status, body } = await getJson(`/api/intents?${query}`);
      assert.equal(status, 400, query);
      assert.match(body.error, expected, query);
    }
  });

  it('GET /api/intents/:id gives the intent with its decision records; 404 when unknown', async () => {
    const { status, body } = await getJson(`/api/intents/${cancelledId}`);
    assert.equal(status, 200);
    assert.equal(body.intent.status, 'cancelled');
    assert.deepEqual(
      body.decisionRecords.map((r: Row) => r.event),
      ['create', 'cancel'],
    );
    const missing = await getJson('/api/intents/it_nope');
    assert.equal(missing.status, 404);
    assert.match(missing.body.error, /it_nope not found/);
  });

  it('GET /api/positions gives open or closed positions, by variant', async () => {
    const open = await getJson('/api/positions');
    assert.deepEqual(
      open.body.positions.map((p: Row) => p.id),
      ['p-open'],
    );
    const closed = await getJson('/api/positions?state=closed&variant=beta');
    assert.deepEqual(
      closed.body.positions.map((p: Row) => [p.id, p.pnl]),
      [['p-closed', 10]],
    );
    const none = await getJson('/api/positions?state=closed&variant=alpha');
    assert.deepEqual(none.body.positions, []);
    const bad = await getJson('/api/positions?state=ajar');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /^state/);
  });

  it('GET /api/trades gives the closed trades with their full record, by variant', async () => {
    const { status, body } = await getJson('/api/trades?variant=beta');
    assert.equal(status, 200);
    assert.deepEqual(body.trades, [
      {
        // The position's id and exit tag, then the backtest's trade record.
        id: 'p-closed',
        exitTag: null,
        variant: 'beta',
        symbol: 'ETH/USDT',
        side: 'long',
        signalTime: null,
        entryTime: new Date(T0).toISOString(),
        entryPrice: 100,
        exitTime: new Date(T0 + 1000).toISOString(),
        exitPrice: 110,
        qty: 1,
        initialStop: 97,
        stopFraction: 0.03,
        atrAtSignal: 2,
        barsHeld: 0,
        exitReason: 'take_profit',
        fees: 0,
        pnl: 10,
        mae: 0,
        mfe: 10,
        maeR: 0,
        mfeR: 10 / 3,
      },
    ]);
    assert.deepEqual((await getJson('/api/trades?variant=alpha')).body.trades, []);
    assert.match((await getJson('/api/trades?variant=gamma')).body.error, /unknown variant "gamma"/);
  });

  it('GET /api/equity/:variant gives the series, from `since` on; 404 for an unknown variant', async () => {
    const all = await getJson('/api/equity/alpha');
    assert.deepEqual(
      all.body.snapshots.map((s: Row) => s.equity),
      [1000, 1012.5],
    );
    const since = await getJson(`/api/equity/alpha?since=${T0 + 1}`);
    assert.deepEqual(
      since.body.snapshots.map((s: Row) => s.equity),
      [1012.5],
    );
    const iso = await getJson(`/api/equity/alpha?since=${new Date(T0 + 1).toISOString()}`);
    assert.equal(iso.body.snapshots.length, 1);
    const bad = await getJson('/api/equity/alpha?since=yesterday');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /^since/);
    // Strict ISO 8601, UTC without a zone: Date.parse also took a space and a US date.
    const zoneless = await getJson('/api/equity/alpha?since=2026-01-05T12:00:00.001');
    assert.equal(zoneless.body.snapshots.length, 1);
    assert.equal((await getJson('/api/equity/alpha?since=2026-01-05%2012:00Z')).status, 400);
    assert.equal((await getJson('/api/equity/alpha?since=01/05/2026')).status, 400);
    assert.equal((await getJson('/api/equity/gamma')).status, 404);
  });

  it('GET /api/locks lists the locks in force, by variant, and refuses an unknown one', async () => {
    const HOUR = 3_600_000;
    await store.upsertProtection(
      { variantId: ALPHA, symbol: 'SOL/USDT', kind: 'cooldown', until: T0 + 4 * HOUR, reason: 'opened p1' },
      T0,
    );
    await store.upsertProtection(
      { variantId: BETA, symbol: '*', kind: 'manual', until: T0 + 2 * HOUR, reason: 'CPI' },
      T0,
    );
    await store.upsertProtection(
      { variantId: BETA, symbol: 'BTC/USDT', kind: 'cooldown', until: T0 + 60_000, reason: 'over' },
      T0,
    );
    const all = await getJson('/api/locks');
    assert.equal(all.status, 200);
    assert.equal(all.body.now, T0 + 65_000);
    assert.deepEqual(
      all.body.locks.map((l: Row) => [l.variantId, l.symbol, l.kind, l.until, l.reason]),
      [
        ['alpha', 'SOL/USDT', 'cooldown', T0 + 4 * HOUR, 'opened p1'],
        ['beta', '*', 'manual', T0 + 2 * HOUR, 'CPI'],
      ],
      'an ended lock is not in force',
    );
    const beta = await getJson('/api/locks?variant=beta');
    assert.deepEqual(
      beta.body.locks.map((l: Row) => l.kind),
      ['manual'],
    );
    const unknown = await getJson('/api/locks?variant=gamma');
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error, /variant: unknown variant "gamma"/);
    assert.equal((await getJson('/api/locks?symbol=x')).status, 400, 'an unknown parameter is refused');
  });

  it('GET /api/heartbeats gives each heartbeat with its age', async () => {
    const { status, body } = await getJson('/api/heartbeats');
    assert.equal(status, 200);
    assert.deepEqual(
      body.heartbeats.map((hb: Row) => [hb.variantId, hb.ageSeconds]),
      [['alpha', 60]],
    );
  });

  it('GET /metrics is Prometheus text that parses line by line', async () => {
    const res = await get('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.type, /^text\/plain; version=0\.0\.4/);
    const samples = new Map<string, number>();
    const typed = new Set<string>();
    for (const line of res.text.trimEnd().split('\n')) {
      if (line === '') continue; // the format ignores empty lines (prom-client puts one between families)
      const meta = /^# (HELP|TYPE) (\w+) (.+)$/.exec(line);
      if (meta) {
        if (meta[1] === 'TYPE') typed.add(meta[2] ?? '');
        continue;
      }
      const sample = /^(\w+)(\{(?:\w+="(?:[^"\\]|\\.)*",?)*\})? (-?[\d.e+]+|NaN|[+-]Inf)$/.exec(line);
      assert.ok(sample, `unparseable line: ${line}`);
      assert.ok(typed.has(sample[1] ?? ''), `sample before its TYPE: ${line}`);
      samples.set(`${sample[1]}${sample[2] ?? ''}`, Number(sample[3]));
    }
    assert.equal(samples.get('sigil_intents{variant="alpha",status="pending"}'), 1);
    assert.equal(samples.get('sigil_intents{variant="alpha",status="cancelled"}'), 1);
    assert.equal(samples.get('sigil_intents{variant="beta",status="opened"}'), 0);
    assert.equal(samples.get('sigil_heartbeat_age_seconds{variant="alpha"}'), 60);
    assert.equal(samples.get('sigil_equity{variant="alpha"}'), 1012.5);
    assert.equal(samples.get('sigil_trading_halted{variant="beta"}'), 0);
  });

  it('refuses mutations with a wrong or missing token (401) and changes nothing', async () => {
    for (const token of [null, 'wrong', '']) {
      for (const path of ['/api/variants/alpha/halt', `/api/intents/${pendingId}/cancel`]) {
        const res = await post(path, { token });
        assert.equal(res.status, 401, `${path} with ${String(token)}`);
        assert.ok(!res.text.includes(TOKEN));
      }
    }
    assert.equal((await store.tradingState(ALPHA)).state, 'active');
    assert.equal((await store.tradingStateChanges(ALPHA)).length, 0);
    assert.equal((await store.getIntent(pendingId))?.status, 'pending');
  });

  it('refuses every mutation with 403 when no token is configured, whatever is sent', async () => {
    const res = await post('/api/variants/alpha/halt', { base: noToken.url, token: TOKEN });
    assert.equal(res.status, 403);
    assert.equal(res.body.error, 'mutations are disabled: set SIGIL_API_TOKEN');
    const cancel = await post(`/api/intents/${pendingId}/cancel`, { base: noToken.url });
    assert.equal(cancel.status, 403);
    assert.equal((await store.tradingState(ALPHA)).state, 'active');
    assert.equal((await store.getIntent(pendingId))?.status, 'pending');
  });

  it('halts then resets a variant through the API, visible in status and metrics', async () => {
    const halt = await post('/api/variants/beta/halt', { body: { reason: 'operator check' } });
    assert.equal(halt.status, 200);
    assert.equal(halt.body.tradingState.state, 'halted');
    assert.equal(halt.body.tradingState.reason, 'kill switch: operator check');
    assert.equal((await getJson('/api/status')).body.tradingStates.beta.state, 'halted');
    assert.match((await get('/metrics')).text, /^sigil_trading_halted\{variant="beta"\} 1$/m);
    const reset = await post('/api/variants/beta/reset', {});
    assert.equal(reset.status, 200);
    assert.equal(reset.body.tradingState.state, 'active');
    assert.deepEqual(
      (await store.tradingStateChanges(BETA)).map((c) => [c.to, c.actor]),
      [
        ['halted', 'api'],
        ['active', 'api'],
      ],
    );
  });

  it('answers unknown variants with 404 and bad bodies with 400', async () => {
    assert.equal((await post('/api/variants/gamma/halt')).status, 404);
    const extra = await post('/api/variants/alpha/halt', { body: { reason: 'x', force: true } });
    assert.equal(extra.status, 400);
    assert.match(extra.body.error, /unknown field: force/);
    const wrongType = await post('/api/variants/alpha/halt', { body: { reason: 5 } });
    assert.equal(wrongType.status, 400);
    assert.match(wrongType.body.error, /^reason/);
    const res = await fetch(`${api.url}/api/variants/alpha/halt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: '{not json',
    });
    assert.equal(res.status, 400);
    assert.equal((await store.tradingState(ALPHA)).state, 'active');
  });

  it('cancels a pending intent; 409 for one already finished, 404 for an unknown one', async () => {
    const res = await post(`/api/intents/${pendingId}/cancel`, { body: { reason: 'bad fill risk' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.intent.status, 'cancelled');
    const records = await store.decisionRecords(pendingId);
    assert.deepEqual(records.at(-1)?.actor, 'api');
    assert.equal(records.at(-1)?.reason, 'bad fill risk');
    const again = await post(`/api/intents/${pendingId}/cancel`);
    assert.equal(again.status, 409);
    assert.equal((await post('/api/intents/it_nope/cancel')).status, 404);
  });

  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    assert.equal((await get('/api/nothing')).status, 404);
    assert.equal((await get('/nothing.html')).status, 404);
    const wrong = await fetch(`${api.url}/api/status`, { method: 'DELETE' });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'GET');
    await wrong.text();
    const getHalt = await get('/api/variants/alpha/halt');
    assert.equal(getHalt.status, 405);
    assert.match(JSON.parse(getHalt.text).error, /use POST/);
  });

  it('refuses a non-loopback host unless allowRemote is set', async () => {
    await assert.rejects(
      startApiServer({ store, variants: [paperVariant('alpha')], clock, token: TOKEN, host: '0.0.0.0' }),
      (error: unknown) => error instanceof RemoteBindRefusedError && /allowRemote: true/.test(error.message),
    );
    assert.ok(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost'));
    assert.ok(!isLoopback('0.0.0.0') && !isLoopback('192.168.1.2') && !isLoopback('127.example.com'));
    const remote = await startApiServer({
      store,
      variants: [paperVariant('alpha')],
      clock,
      token: TOKEN,
      host: '0.0.0.0',
      allowRemote: true,
    });
    assert.match(remote.url, /^http:\/\/0\.0\.0\.0:\d+$/);
    await remote.close();
  });
});
