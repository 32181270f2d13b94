// A store with a row in every table, written through the Store API as a bot writes them, and two ways
// to read a whole store back for comparison: through the Store API (what the bot would see) and table by
// table through the driver (every column, as the database holds it).
import { CATALOGS } from '../../src/app/store-catalog.ts';
import { BOOKKEEPING_TABLE } from '../../src/app/store-copy.ts';
import { positionId, variantId, workerId, type EpochMs } from '../../src/domain/ids.ts';
import type { Store } from '../../src/domain/ports/store.ts';
import type { Row, SqlDriver } from '../../src/store/sql-driver.ts';
import { longAt100 } from './position-fixture.ts';

export const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
const HOUR = 3_600_000;
export const FILLED_VARIANTS = [variantId('baseline'), variantId('llm')] as const;
const [V, W] = FILLED_VARIANTS;
const ANALYST = workerId('analyst-1');
const DAY = '2026-01-05';

/** Writes a little of everything a bot writes, in both variants. */
export async function fillStore(store: Store): Promise<void> {
  await store.claimStoreIdentity({
    kind: 'replay',
    configVersion: '0123456789ab',
    configFile: '/srv/sigil/sigil.yaml',
    from: T0 - 86_400_000,
    to: T0 + 86_400_000,
    createdAt: T0,
  });
  const inserted = await store.insertIntents(
    ['EURUSD', 'GBPUSD', 'USDJPY'].map((symbol, i) => ({
      variantId: i === 2 ? W : V,
      symbol,
      tradeDate: DAY,
      scanner: { score: 0.8 - i / 10, confidence: 'high' as const, scoreGap: 0.125 },
      atrAtSignal: 0.0012 * (i + 1),
    })),
    'scanner:baseline',
    T0,
  );
  const first = inserted[0]?.intent;
  if (!first) throw new Error('no intent inserted');
  const claimed = await store.claimNextPending(ANALYST, T0 + 1_000);
  if (!claimed) throw new Error('nothing to claim');
  await store.transition(
    {
      id: claimed.id,
      event: 'decide_trade',
      actor: ANALYST,
      reason: 'breakout',
      snapshot: { verdict: 'BUY', nested: { ok: true, n: 1.5 } },
      decision: {
        side: 'BUY',
        slPrice: 1.0931,
        tpPrice: 1.1042,
        slPips: null,
        tpPips: null,
        riskReport: 'breakout',
        agentState: { rule: 'breakout', scores: [1, 2.5] },
      },
    },
    T0 + 2_000,
  );

  const open = await store.openPosition(
    longAt100('pos-open', { variant: V, symbol: 'EURUSD', openedAt: T0 }, { signalAt: T0 - HOUR }),
  );
  await store.advancePosition(open, {
    currentStop: 98.5,
    peakPrice: 103.25,
    troughPrice: 99.75,
    barsHeld: 3,
    barAt: T0 + 3 * HOUR,
  });
  const shut = await store.openPosition(
    longAt100('pos-closed', { variant: W, symbol: 'USDJPY', openedAt: T0 }, { fees: 0.1 }),
  );
  await store.closePosition(shut.id, {
    exitPrice: 97,
    exitReason: 'hard_stop',
    closedAt: T0 + 5 * HOUR,
    fees: 0.2,
    pnl: -3.2,
  });

  for (const [i, variant] of FILLED_VARIANTS.entries()) {
    for (let bar = 0; bar < 3; bar++) {
      await store.recordEquity({
        variantId: variant,
        at: T0 + bar * HOUR,
        balance: 10_000 + i,
        equity: 10_000 + i + bar * 12.5,
        openPositions: bar % 2,
      });
    }
  }

  await store.ensureJob('scan:baseline', T0, T0);
  await store.ensureJob('janitor', T0 + HOUR, T0);
  await store.claimDueJobs(['scan:baseline'], 'bot-1', T0, 60_000);
  await store.finishJob('scan:baseline', 'bot-1', T0, T0 + HOUR, T0 + 1_000);

  await store.setTradingState({ variantId: W, state: 'reducing', reason: 'drawdown', actor: 'guard' }, T0);
  await store.setTradingState({ variantId: W, state: 'halted', reason: 'by hand', actor: 'op' }, T0 + 1);
  await store.upsertProtection(
    { variantId: V, symbol: 'GBPUSD', kind: 'cooldown', until: T0 + 6 * HOUR, reason: 'after a loss' },
    T0,
  );

  await store.recordOrder(
    {
      clientOrderId: `${first.id}:entry`,
      variantId: V,
      symbol: 'EURUSD',
      side: 'buy',
      purpose: 'entry',
      qty: 0.5,
      contractSize: 100_000,
      intentId: first.id,
      positionId: positionId('pos-open'),
      stopLoss: 1.0931,
      takeProfit: null,
    },
    {
      clientOrderId: `${first.id}:entry`,
      status: 'filled',
      price: 1.09876,
      qty: 0.5,
      fee: 0.35,
      reason: '',
      at: T0 + 3_000,
      brokerRef: 'P1',
    },
  );
  await store.recordOrderAttempt({
    clientOrderId: 'pos-closed:exit',
    account: 'mt:1',
    variantId: W,
    symbol: 'USDJPY',
    side: 'sell',
    qty: 1,
    sentAt: T0 + 4_000,
  });
  await store.spendApiCalls(
    'mt:1',
    DAY,
    { all: 3, modifications: 1, positions: 1 },
    { all: null, modifications: null, positions: null },
  );

  await store.cacheLlmResponse({
    key: 'k1',
    model: 'gpt-test',
    response: { text: 'BUY', structured: { side: 'BUY', confidence: 0.7 } },
    inputTokens: 1200,
    outputTokens: 80,
    createdAt: T0,
  });
  await store.reserveLlmSpend(W, DAY, { tokens: 600, costUsd: 0.5 }, { tokens: null, costUsd: null });
  await store.settleLlmSpend(W, DAY, { tokens: 600, costUsd: 0.5 }, { tokens: 250, costUsd: 0.2, calls: 1 });

  await store.recordScanStart(V, T0);
  await store.recordScanEnd(V, T0 + 500, 'feed timeout');
  await store.acquireLeases(
    [`variant:${V}`],
    { holder: 'host-1:42:abc', host: 'host-1', pid: 42, info: JSON.stringify({ roles: ['execute'] }) },
    T0,
    15_000,
  );
  await store.saveControlOffset('telegram:8080', 981_234_567, T0);
}

/** Everything a bot reads of the filled store, through the Store API. */
export async function readStore(store: Store): Promise<Record<string, unknown>> {
  const intents = await store.listIntents();
  const byVariant = async <T>(read: (v: (typeof FILLED_VARIANTS)[number]) => Promise<T>) =>
    Promise.all(FILLED_VARIANTS.map(read));
  return {
    intents,
    decisionRecords: await Promise.all(intents.map((intent) => store.decisionRecords(intent.id))),
    counts: await store.countByStatus(),
    openPositions: await store.openPositions(),
    closedPositions: await store.closedPositions(),
    realizedPnl: await byVariant((v) => store.realizedPnl(v)),
    equitySnapshots: await byVariant((v) => store.equitySnapshots(v)),
    equityHeadlines: await byVariant((v) => store.equityHeadline(v)),
    jobs: await store.jobs(),
    tradingStates: await store.tradingStates(),
    tradingStateChanges: await byVariant((v) => store.tradingStateChanges(v)),
    protections: await store.protectionsInForce(T0),
    orders: await byVariant((v) => store.variantOrders(v)),
    orderAttempt: await store.orderAttempt('pos-closed:exit'),
    apiCalls: await store.apiCalls('mt:1', DAY),
    llmCache: await store.cachedLlmResponse('k1'),
    llmSpend: await store.llmSpend(W, DAY),
    heartbeats: await store.heartbeats(),
    leases: await store.leases(),
    identity: await store.storeIdentity(),
    controlOffset: await store.controlOffset('telegram:8080'),
  };
}

/** Every row of every table but the migrations' bookkeeping, by table, in a dialect-independent order. */
export async function dumpTables(driver: SqlDriver): Promise<Record<string, Row[]>> {
  const catalog = CATALOGS[driver.dialect.name];
  const dump: Record<string, Row[]> = {};
  for (const table of await catalog.tables(driver)) {
    if (table === BOOKKEEPING_TABLE) continue;
    const rows = await driver.query(`SELECT * FROM "${table}"`);
    // Sorted here, not by ORDER BY: PostgreSQL's text collation may order differently from SQLite's.
    dump[table] = rows
      .map((row) => Object.fromEntries(Object.entries(row).sort(([a], [b]) => a.localeCompare(b))))
      .map((row) => ({ row, key: JSON.stringify(row) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ row }) => row);
  }
  return dump;
}
