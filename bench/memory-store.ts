// The memory store under a replay's per-bar call mix, one transaction per bar: the jobs claimed and
// finished, the heartbeat written, the trading state, the locks in force, the executing intents, the
// ready and pending queues, the open positions (trailed, or closed with a cooldown), the realised ledger,
// the equity snapshot and headline, the day's closes and the janitor's three sweeps; every tenth bar a
// signal is inserted, decided and opened, so history grows as a replay's does. Timed on an empty store
// and on one already holding 20,000 closed positions and 100,000 terminal intents: no call may grow
// with history, so both must cost about the same. Then an intent's whole lifecycle, and the retention
// sweep deleting 100,000 aged intents.
//
// The machine's load moves these figures by tens of percent; each is the best of a few interleaved runs.
import { positionId, variantId, workerId, type EpochMs, type IntentId } from '../src/domain/ids.ts';
import type { AnalystDecision } from '../src/domain/intent.ts';
import type { Store } from '../src/domain/ports/store.ts';
import type { NewPosition } from '../src/domain/position.ts';
import { MemoryStore } from '../src/store/memory/memory-store.ts';
import type { BenchFigure } from './indicators.ts';

const V = variantId('bench');
const WORKER = workerId('bench-worker');
const JOBS = ['bar:bench', 'janitor'];
const SYMBOLS = Array.from({ length: 10 }, (_, i) => `S${i}`);
const MINUTE = 60_000;
const DAY = 86_400_000;
const T0: EpochMs = Date.UTC(2026, 0, 1);
const BARS = 100_000;
const WARM_UP = 10_000;
const SIGNAL_EVERY = 10;
const HOLD_BARS = 5;
const RUNS = 3;
/** Long enough that nothing is deleted during the timed bars: they time the sweep that finds nothing. */
const RETENTION_DAYS = 365;

const TRADE: AnalystDecision = {
  side: 'BUY',
  slPrice: 99,
  tpPrice: 103,
  slPips: null,
  tpPips: null,
  riskReport: 'bench',
  agentState: { rule: 'bench' },
};
const HOLD: AnalystDecision = { ...TRADE, side: 'HOLD', slPrice: null, tpPrice: null };

function position(id: string, symbol: string, openedAt: EpochMs, intentId: IntentId | null): NewPosition {
  return {
    id: positionId(id),
    intentId,
    variantId: V,
    symbol,
    side: 'long',
    qty: 1,
    entryPrice: 100,
    atrAtEntry: 1,
    initialStop: 99,
    currentStop: 99,
    peakPrice: 100,
    takeProfit: null,
    openedAt,
    fees: 0,
  };
}

function order(clientOrderId: string, symbol: string, side: 'buy' | 'sell') {
  return {
    clientOrderId,
    variantId: V,
    symbol,
    side,
    purpose: side === 'buy' ? ('entry' as const) : ('exit' as const),
    qty: 1,
    contractSize: 1,
    intentId: null,
    positionId: null,
  };
}

function fill(clientOrderId: string, at: EpochMs) {
  const result = { clientOrderId, status: 'filled' as const, price: 100, qty: 1, fee: 0, reason: '', at };
  return { ...result, brokerRef: null };
}

async function bar(store: Store, i: number): Promise<void> {
  const now = T0 + i * MINUTE;
  await store.transaction(async (tx) => {
    await tx.jobs(JOBS);
    const due = await tx.claimDueJobs(JOBS, 'bench', now, MINUTE);
    await tx.recordScanStart(V, now);
    await tx.tradingState(V);
    await tx.protectionsInForce(now, V);
    await tx.listIntents({ statuses: ['executing'], limit: 100 });
    for (const picked of await tx.pickReady(WORKER, now, { limit: 50 })) {
      const locked = (await tx.activeProtections(V, picked.symbol, now)).length > 0;
      if (locked || (await tx.openPositionOf(V, picked.symbol))) {
        await tx.transition({ id: picked.id, event: 'reject', actor: WORKER, reason: 'locked' }, now);
        continue;
      }
      const cid = `${picked.id}:entry`;
      await tx.findOrder(cid);
      await tx.recordOrder({ ...order(cid, picked.symbol, 'buy'), intentId: picked.id }, fill(cid, now));
      const opened = await tx.openPosition(position(`p-${picked.id}`, picked.symbol, now, picked.id));
      const open = { id: picked.id, event: 'open' as const, actor: WORKER, positionId: opened.id };
      await tx.transition({ ...open, complianceSnapshot: { passed: true } }, now);
    }
    for (const held of await tx.openPositions(V)) {
      const p = (await tx.getPosition(held.id)) ?? held;
      if (now - p.openedAt < HOLD_BARS * MINUTE) {
        const bar = { currentStop: p.currentStop + 0.01, peakPrice: p.peakPrice + 0.01, barAt: now };
        await tx.advancePosition(p, { ...bar, troughPrice: p.troughPrice, barsHeld: p.barsHeld + 1 });
        continue;
      }
      const pnl = ((i * 7) % 11) - 5.25;
      const cid = `${p.id}:exit`;
      await tx.findOrder(cid);
      await tx.recordOrder({ ...order(cid, p.symbol, 'sell'), positionId: p.id }, fill(cid, now));
      const close = { exitPrice: 100 + pnl, exitReason: 'atr_trail' as const, closedAt: now, fees: 0, pnl };
      await tx.closePosition(p.id, close);
      if (p.intentId) await tx.transition({ id: p.intentId, event: 'close', actor: WORKER }, now);
      const cooldown = { variantId: V, symbol: p.symbol, kind: 'cooldown' as const, reason: 'exit' };
      await tx.upsertProtection({ ...cooldown, until: now + 2 * MINUTE }, now);
    }
    await tx.openPositions();
    if (i % SIGNAL_EVERY === 0) {
      const symbol = SYMBOLS[(i / SIGNAL_EVERY) % SYMBOLS.length] as string;
      const signal = { variantId: V, symbol, tradeDate: `bar-${i}`, claimTtlMinutes: 5 };
      await tx.insertIntents([{ ...signal, expiresAt: now + 10 * MINUTE }], 'scanner:bench', now);
    }
    for (const claimed of await tx.claimPending(WORKER, now, { limit: 50 })) {
      const hold = i % (3 * SIGNAL_EVERY) === 0;
      const event = hold ? 'decide_hold' : 'decide_trade';
      await tx.transition({ id: claimed.id, event, actor: WORKER, decision: hold ? HOLD : TRADE }, now);
    }
    const realized = await tx.realizedTotal(V);
    await tx.realizedPnl(V);
    const open = (await tx.openPositions(V)).length;
    const equity = 10_000 + realized;
    await tx.recordEquity({ variantId: V, at: now, balance: equity, equity, openPositions: open });
    await tx.equityHeadline(V);
    await tx.closedPositions({ variantId: V, closedAfter: now - 60 * MINUTE });
    await tx.recycleExpiredClaims(now, { maxAttempts: 3 });
    await tx.expireStaleIntents(now);
    await tx.cleanupOldIntents(RETENTION_DAYS, now);
    for (const job of due) await tx.finishJob(job.name, 'bench', now, now + MINUTE, now);
    await tx.recordScanEnd(V, now, null);
  });
}

/**
 * History in the 30 days before T0, in the variant the bars trade: closed trades on other symbols,
 * cancelled intents. Before T0, so the bars' closes append to the ledger as a replay's do.
 */
async function withHistory(store: Store, closed: number, terminal: number): Promise<void> {
  const start = T0 - 30 * DAY;
  for (let k = 0; k < closed; k++) {
    const at = start + Math.floor((k * 29 * DAY) / closed);
    await store.openPosition(position(`h-${k}`, `H${k % 50}`, at, null));
    const close = { exitPrice: 101, exitReason: 'take_profit' as const, closedAt: at + MINUTE, fees: 0 };
    await store.closePosition(positionId(`h-${k}`), { ...close, pnl: (k % 7) - 3 });
  }
  const batch = 1_000;
  for (let k = 0; k < terminal; k += batch) {
    const at = start + Math.floor((k * 29 * DAY) / terminal);
    const inputs = Array.from({ length: batch }, (_, j) => ({
      variantId: V,
      symbol: 'HX',
      tradeDate: `h${k + j}`,
    }));
    const results = await store.insertIntents(inputs, 'scanner:history', at);
    const cancel = results.map((r) => ({ id: r.intent.id, event: 'cancel' as const, actor: WORKER }));
    await store.transitionMany(cancel, at);
  }
}

/** µs per bar over BARS bars, after a warm-up. */
async function perBar(history: boolean): Promise<number> {
  const store = new MemoryStore();
  for (const name of JOBS) await store.ensureJob(name, T0, T0);
  if (history) await withHistory(store, 20_000, 100_000);
  for (let i = 0; i < WARM_UP; i++) await bar(store, i);
  const started = performance.now();
  for (let i = WARM_UP; i < WARM_UP + BARS; i++) await bar(store, i);
  const micros = ((performance.now() - started) * 1_000) / BARS;
  await store.close();
  return micros;
}

/** µs per intent: insert, claim, decide, pick, open, close, each its own call outside a transaction. */
async function lifecycle(): Promise<number> {
  const store = new MemoryStore();
  const count = 50_000;
  let started = 0;
  for (let i = -5_000; i < count; i++) {
    if (i === 0) started = performance.now();
    const now = T0 + (i + 5_000) * MINUTE;
    const input = { variantId: V, symbol: 'L', tradeDate: `l${i}` };
    const [{ intent } = { intent: null }] = await store.insertIntents([input], 'scanner:bench', now);
    if (!intent) throw new Error('no intent inserted');
    const [claimed] = await store.claimPending(WORKER, now, { variantId: V });
    if (claimed?.id !== intent.id) throw new Error('the claim took another intent');
    await store.transition({ id: intent.id, event: 'decide_trade', actor: WORKER, decision: TRADE }, now);
    await store.pickReady(WORKER, now, { variantId: V });
    const opened = { id: intent.id, event: 'open' as const, actor: WORKER, positionId: positionId(`l${i}`) };
    await store.transition({ ...opened, complianceSnapshot: { passed: true } }, now);
    await store.transition({ id: intent.id, event: 'close', actor: WORKER }, now);
  }
  const micros = ((performance.now() - started) * 1_000) / count;
  await store.close();
  return micros;
}

async function retentionSweep(): Promise<number> {
  const store = new MemoryStore();
  await withHistory(store, 0, 100_000);
  const started = performance.now();
  const deleted = await store.cleanupOldIntents(1, T0 + DAY);
  const micros = ((performance.now() - started) * 1_000) / deleted;
  await store.close();
  return micros;
}

export async function memoryStoreBench(): Promise<BenchFigure[]> {
  const empty: number[] = [];
  const loaded: number[] = [];
  const lifecycles: number[] = [];
  const sweeps: number[] = [];
  // Interleaved, so a burst of load on the machine does not land on one figure only.
  for (let run = 0; run < RUNS; run++) {
    empty.push(await perBar(false));
    loaded.push(await perBar(true));
    lifecycles.push(await lifecycle());
    sweeps.push(await retentionSweep());
  }
  const min = (values: number[], digits: number) => Number(Math.min(...values).toFixed(digits));
  return [
    {
      bench: 'memory store, per-bar call mix in one transaction (empty store)',
      value: min(empty, 2),
      unit: 'µs/bar',
      target: '≤ 20',
    },
    {
      bench: 'memory store, per-bar call mix, after 20,000 closed positions and 100,000 terminal intents',
      value: min(loaded, 2),
      unit: 'µs/bar',
      target: `≈ ${min(empty, 2)} (the empty store's)`,
    },
    {
      bench: 'memory store, one intent insert → claim → decide → pick → open → close, call by call',
      value: min(lifecycles, 2),
      unit: 'µs/intent',
      target: '—',
    },
    {
      bench: 'memory store, retention sweep deleting 100,000 terminal intents',
      value: min(sweeps, 3),
      unit: 'µs/intent',
      target: '—',
    },
  ];
}
