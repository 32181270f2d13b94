// The endpoints the dashboard draws from, on a real SQLite store: the report with its chart data, exit
// stats and A/B verdict, the compliance numbers of a prop-firm variant, candles with the trades marked,
// heartbeats judged stale as the probe would, an intent's analyst transcript, and the page itself.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SimClock } from '../clock/sim-clock.ts';
import { presetRules } from '../compliance/presets.ts';
import type { Candle } from '../domain/candle.ts';
import { variantId, workerId, type EpochMs, type IntentId } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import { openStore } from '../store/open-store.ts';
import { longAt100 } from '../../test/support/position-fixture.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import type { ApiVariant } from './api-variant.ts';
import type { CandleSource } from './candle-source.ts';
import { startApiServer, type ApiServer } from './server.ts';

const HOUR = 3_600_000;
const TOKEN = 'dash-secret-7731';
const T0: EpochMs = Date.UTC(2026, 0, 5, 0);
// Response bodies are read field by field in the assertions; typing each one would only restate the API.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>;

/** 48 hourly bars of ETH/USDT around 100, the same files-backed port `sigil run` gives the API. */
function candleFixture(): CandleSource {
  const candles: Candle[] = Array.from({ length: 48 }, (_, i) => ({
    symbol: 'ETH/USDT',
    time: T0 + i * HOUR,
    open: 100 + i * 0.1,
    high: 101 + i * 0.1,
    low: 99 + i * 0.1,
    close: 100.05 + i * 0.1,
    volume: 10,
  }));
  return {
    symbols: ['ETH/USDT'],
    candles: async (symbol) => (symbol === 'ETH/USDT' ? candles : []),
  };
}

describe('the API behind the dashboard', () => {
  const dir = tempDir('sigil-dashboard-api-');
  const clock = new SimClock(T0 + 30 * HOUR);
  let store: Store;
  let api: ApiServer;
  let decidedId: IntentId;

  const variants: ApiVariant[] = [
    { id: 'alpha', startingBalance: 1000, staleAfterMinutes: 85, compliance: null, accountKey: null },
    {
      id: 'firm',
      startingBalance: 50_000,
      staleAfterMinutes: 85,
      compliance: presetRules('e8', 50_000),
      accountKey: 'match_trader:demo',
    },
  ];

  async function get(path: string): Promise<{ status: number; body: Row; headers: Headers; text: string }> {
    const response = await fetch(`${api.url}${path}`);
    const text = await response.text();
    const json = response.headers.get('content-type')?.startsWith('application/json');
    return { status: response.status, body: json ? JSON.parse(text) : {}, headers: response.headers, text };
  }

  before(async () => {
    ({ store } = await openStore(`sqlite:${dir.path}/api.db`, { now: new Date(T0).toISOString() }));
    const firm = variantId('firm');
    const alpha = variantId('alpha');
    // alpha: two winners and a loser on ETH, one still open; firm: one loser.
    const trades: [string, string, number, number, number][] = [
      ['a1', 'alpha', 2, 5, 110],
      ['a2', 'alpha', 8, 12, 96],
      ['a3', 'alpha', 14, 20, 104],
      ['f1', 'firm', 3, 9, 95],
    ];
    for (const [id, variant, openedAt, closedAt, exitPrice] of trades) {
      const position = await store.openPosition(
        longAt100(id, { variant, symbol: 'ETH/USDT', openedAt: T0 + openedAt * HOUR }),
      );
      await store.closePosition(position.id, {
        exitPrice,
        exitReason: exitPrice > 100 ? 'atr_trail' : 'hard_stop',
        closedAt: T0 + closedAt * HOUR,
        fees: 0,
        pnl: exitPrice - 100,
      });
    }
    await store.openPosition(
      longAt100(
        'a4',
        { variant: 'alpha', symbol: 'ETH/USDT', openedAt: T0 + 25 * HOUR },
        { currentStop: 98.5 },
      ),
    );
    await store.recordEquity({
      variantId: firm,
      at: T0 + 10 * HOUR,
      balance: 49_995,
      equity: 49_995,
      openPositions: 0,
    });
    await store.spendApiCalls(
      'match_trader:demo',
      // The firm's day at the API's now (06:00 UTC on the 6th, E8's day starts 22:00 UTC).
      '2026-01-06',
      { all: 12, modifications: 2, positions: 1 },
      { all: null, modifications: null, positions: null },
    );
    await store.recordScanStart(alpha, T0 + 29 * HOUR);
    await store.recordScanEnd(alpha, T0 + 29 * HOUR + 5_000, null);
    await store.recordScanStart(firm, T0 + 20 * HOUR);
    await store.recordScanEnd(firm, T0 + 20 * HOUR + 5_000, null);

    const { intent } = await store.insertIntent(
      { variantId: alpha, symbol: 'ETH/USDT', tradeDate: '2026-01-06' },
      'scanner:alpha',
      T0 + 29 * HOUR,
    );
    decidedId = intent.id;
    await store.claimPending(workerId('w1'), T0 + 29 * HOUR);
    await store.transition(
      {
        id: decidedId,
        event: 'decide_trade',
        actor: workerId('w1'),
        reason: 'the chain agreed',
        decision: {
          side: 'BUY',
          slPrice: 97,
          tpPrice: null,
          slPips: null,
          tpPips: null,
          riskReport: 'ok',
          agentState: {
            analyst: 'llm',
            source: 'llm',
            endpoint: 'http://127.0.0.1:1/v1',
            transcript: [{ role: 'bull', prompt: 'p', answer: 'buy', cached: false }],
            totals: { calls: 1, cachedCalls: 0, inputTokens: 1, outputTokens: 1, costUsd: 0, latencyMs: 1 },
          },
        },
      },
      T0 + 29 * HOUR,
    );
    api = await startApiServer({ store, variants, clock, token: TOKEN, candles: candleFixture() });
  });

  after(async () => {
    await api.close();
    await store.close();
    dir.remove();
  });

  it('serves the report with the same chart data as the backtest report', async () => {
    const { status, body } = await get('/api/report');
    assert.equal(status, 200);
    assert.deepEqual(
      body.variants.map((v: Row) => [v.variantId, v.trades]),
      [
        ['alpha', 3],
        ['firm', 1],
      ],
    );
    const alphaCurve = body.equity.find((s: Row) => s.variant === 'alpha');
    // From the starting balance through each exit: 1000 → 1010 → 1006 → 1010.
    assert.deepEqual(
      alphaCurve.points.map((p: Row) => p.value),
      [1000, 1010, 1006, 1010],
    );
    // The exit chart's categories, each reason once, and a bar per variant and reason.
    assert.deepEqual(body.exits.reasons, ['hard_stop', 'atr_trail']);
    assert.equal(body.exits.series.length, 2);
    assert.ok(body.exits.series.every((s: Row) => s.totals.length === body.exits.reasons.length));
    assert.equal(body.ab.length, 1);
    assert.match(body.ab[0].summary, /alpha vs firm/);
  });

  it('serves exit-reason stats and the A/B verdict on their own', async () => {
    const exits = (await get('/api/exits')).body.exits as Row[];
    const alpha = exits.find((e) => e.variant === 'alpha');
    assert.deepEqual(
      alpha?.stats.byReason.map((r: Row) => [r.reason, r.count]),
      [
        ['hard_stop', 1],
        ['atr_trail', 2],
      ],
    );
    assert.equal((await get('/api/ab')).body.ab[0].a, 'alpha');
  });

  it('shows the prop-firm numbers of the variant trading under rules', async () => {
    const { body } = await get('/api/compliance');
    assert.equal(body.variants.length, 1);
    const firm = body.variants[0];
    assert.equal(firm.variant, 'firm');
    assert.equal(firm.preset, 'e8');
    assert.equal(firm.equity, 49_995);
    assert.ok(firm.dailyLossLevel < 49_995 && firm.maxLossLevel < firm.dailyLossLevel + 5000);
    assert.deepEqual(firm.requests, { all: 12, modifications: 2, positions: 1 });
  });

  it('marks entries, exits and open stops on the candles up to the bot clock', async () => {
    const { status, body } = await get('/api/candles/ETH%2FUSDT?variant=alpha');
    assert.equal(status, 200);
    // Up to the last scan (hour 29), not the end of the data (hour 47).
    assert.equal(body.candles.at(-1).time, (T0 + 29 * HOUR) / 1000);
    assert.equal(body.candles.length, 30);
    const entries = body.markers.filter((m: Row) => m.shape === 'arrowUp');
    const exits = body.markers.filter((m: Row) => m.shape === 'circle');
    assert.equal(entries.length, 4);
    assert.equal(exits.length, 3);
    assert.deepEqual(
      body.markers.map((m: Row) => m.time),
      [...body.markers.map((m: Row) => m.time)].sort((a, b) => a - b),
    );
    const stopOut = exits.find((m: Row) => m.time === (T0 + 12 * HOUR) / 1000);
    assert.match(stopOut?.text ?? '', /hard_stop -4\.00/);
    // What the page filters by variant and merges per bar on.
    assert.deepEqual([stopOut?.variant, stopOut?.kind, stopOut?.pnl], ['alpha', 'exit', -4]);
    assert.ok(entries.every((m: Row) => m.kind === 'entry' && m.variant === 'alpha'));
    assert.deepEqual(body.stops, [{ price: 98.5, title: 'alpha stop', variant: 'alpha' }]);
    assert.equal((await get('/api/candles/XYZ')).status, 404);
    assert.match((await get('/api/candles/ETH%2FUSDT?limit=0')).body.error, /^limit:/);
  });

  it('judges heartbeats as the probe does: one bar plus the threshold', async () => {
    const { body } = await get('/api/heartbeats');
    const byVariant = Object.fromEntries(body.heartbeats.map((hb: Row) => [hb.variantId, hb]));
    assert.equal(byVariant.alpha.stale, false);
    assert.equal(byVariant.firm.stale, true);
    assert.equal(byVariant.firm.staleAfterMinutes, 85);
  });

  it("returns an intent's analyst transcript and lists the newest intents first", async () => {
    const { body } = await get(`/api/intents/${decidedId}`);
    assert.deepEqual(
      body.transcript.map((t: Row) => t.role),
      ['bull'],
    );
    const newest = await get('/api/intents?order=newest&limit=1');
    assert.equal(newest.body.intents[0].id, decidedId);
    assert.match((await get('/api/intents?order=sideways')).body.error, /^order:/);
  });

  it('serves the page without inline scripts or secrets, and its scripts', async () => {
    const page = await get('/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.ok(!page.text.includes('<script>') && !page.text.includes(TOKEN));
    for (const asset of ['lightweight-charts.js', 'sigil-charts.js', 'dashboard.js', 'dashboard.css']) {
      const response = await get(`/assets/${asset}`);
      assert.equal(response.status, 200, asset);
      assert.ok(response.text.length > 100, asset);
    }
    const status = (await get('/api/status')).body;
    assert.deepEqual(status.symbols, ['ETH/USDT']);
    assert.equal(status.mutationsEnabled, true);
  });
});
