// The memory store against SQLite, the reference: the same seeded stream of calls — every method, with
// repeats, conflicts, illegal events, late closes, rewrites and rolled-back transactions — must give
// the same answers and leave the same state, to the last bit of every sum. And a transaction that
// fails leaves every memory table exactly as it found it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { isSigilError } from '../../domain/errors.ts';
import { positionId, variantId, workerId, type EpochMs, type IntentId } from '../../domain/ids.ts';
import type { AnalystDecision } from '../../domain/intent.ts';
import { INTENT_EVENTS, INTENT_TRANSITIONS, type IntentEvent } from '../../domain/intent-lifecycle.ts';
import type { TransitionRequest } from '../../domain/intent-transition.ts';
import type { Store } from '../../domain/ports/store.ts';
import { EXIT_REASONS } from '../../domain/position.ts';
import { PROTECTION_KINDS } from '../../domain/protection.ts';
import { TRADING_STATES } from '../../domain/trading-state.ts';
import { openStore } from '../open-store.ts';
import { MemoryStore } from './memory-store.ts';
import { seededRandom } from '../../../test/support/seeded-random.ts';

const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
const MINUTE = 60_000;
const VARIANTS = [variantId('pa'), variantId('pb')];
const SYMBOLS = ['A', 'B', 'C'];
const WORKERS = [workerId('w1'), workerId('w2'), workerId('janitor')];
const JOBS = ['j1', 'j2'];

/** What the two stores must agree on: answers as JSON (frozen or not, referenced or copied). */
function plain(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}

async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: plain(await call()) };
  } catch (error) {
    const e = error as Error;
    return { error: isSigilError(e) ? e.code : 'other', message: e.message };
  }
}

interface Known {
  intents: Set<IntentId>;
  positions: Set<string>;
  orders: Set<string>;
}

/** Everything a store holds that its reads show; decision records without `seq` unless asked. */
async function dump(store: Store, known: Known, withSeq = true): Promise<unknown> {
  const perVariant = await Promise.all(
    VARIANTS.map(async (v) => ({
      open: await store.openPositions(v),
      closed: await store.closedPositions({ variantId: v }),
      realized: [await store.realizedPnl(v), await store.realizedTotal(v)],
      locks: await store.protectionsInForce(0, v),
      state: [await store.tradingState(v), await store.tradingStateChanges(v)],
      orders: await store.variantOrders(v),
      llm: await store.llmSpend(v, 'd1'),
      equity: [await store.equitySnapshots(v), await store.equityHeadline(v)],
    })),
  );
  const intents = await store.listIntents();
  const records = await Promise.all(
    [...known.intents].map(async (id) =>
      (await store.decisionRecords(id)).map((r) => (withSeq ? r : { ...r, seq: 0 })),
    ),
  );
  return plain({
    intents,
    records,
    counts: await store.countByStatus(),
    perVariant,
    positions: await Promise.all([...known.positions].map((id) => store.getPosition(positionId(id)))),
    allOpen: await store.openPositions(),
    allClosed: await store.closedPositions(),
    orders: await Promise.all([...known.orders].map((id) => store.findOrder(id))),
    attempts: await Promise.all([...known.orders].map((id) => store.orderAttempt(id))),
    byRef: await Promise.all(['R1', 'R2'].map((ref) => store.findOrderByBrokerRef(ref))),
    apiCalls: await store.apiCalls('acct', 'd1'),
    cache: await store.cachedLlmResponse('k1'),
    states: await store.tradingStates(),
    jobs: await store.jobs(),
    heartbeats: await store.heartbeats(),
  });
}

type Call = (store: Store) => Promise<unknown>;

/**
 * One random call, the same for both stores; `now` only moves forward, closes may land in the past.
 * Transitions are mostly legal ones for the intent's status and holder, as `peek` shows them.
 */
function workload(seed: number, known: Known): { next(peek: Store): Promise<Call> } {
  const rnd = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const chance = (p: number) => rnd() < p;
  let now = T0;
  let serial = 0;
  const decision = (side: AnalystDecision['side']): AnalystDecision => ({
    side,
    slPrice: side === 'HOLD' ? null : 95,
    tpPrice: null,
    slPips: null,
    tpPips: null,
    riskReport: 'r',
    agentState: { note: 'x', dropped: undefined, at: new Date(T0) },
  });
  // Recent intents: older ones are often cleaned up by now.
  const recentIntent = () => pick([...known.intents].slice(-20));
  const request = async (peek: Store): Promise<TransitionRequest> => {
    const id = recentIntent();
    const current = await peek.getIntent(id);
    const legal = current ? (Object.keys(INTENT_TRANSITIONS[current.status]) as IntentEvent[]) : [];
    const event = legal.length > 0 && chance(0.8) ? pick(legal) : pick(INTENT_EVENTS);
    const holder = current?.claimWorkerId ?? null;
    const actor = holder !== null && chance(0.8) ? holder : pick(WORKERS);
    const base = { id, event, actor, reason: pick(['', 'why']) };
    if (event === 'decide_trade' || event === 'decide_hold')
      return {
        ...base,
        ...(chance(0.9) ? { decision: decision(event === 'decide_hold' ? 'HOLD' : 'BUY') } : {}),
      };
    if (event === 'open')
      return {
        ...base,
        positionId: positionId(`po-${serial}`),
        complianceSnapshot: { ok: 1, no: undefined },
      };
    if (event === 'reject') return { ...base, complianceSnapshot: chance(0.5) ? { ok: 0 } : undefined };
    return base;
  };
  const single = async (peek: Store): Promise<Call> => {
    now += Math.floor(rnd() * 3 * MINUTE);
    const at = now;
    const v = pick(VARIANTS);
    const symbol = pick(SYMBOLS);
    const worker = pick(WORKERS);
    serial++;
    const roll = rnd();
    if (roll < 0.12) {
      // One custom key per batch: SqlStore misreports a batch in which two intents share a custom key
      // and only the second is inserted (their ids are equal, and RETURNING tells rows apart by id).
      const keyedAt = chance(0.3) ? Math.floor(rnd() * 3) : -1;
      const inputs = Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, k) => ({
        variantId: pick(VARIANTS),
        symbol: pick(SYMBOLS),
        tradeDate: `d${Math.floor(rnd() * 6)}`,
        source: chance(0.8) ? ('scanner' as const) : ('manual' as const),
        ...(k === keyedAt ? { idempotencyKey: `key-${Math.floor(rnd() * 4)}` } : {}),
        claimTtlMinutes: chance(0.05) ? 0 : 1 + Math.floor(rnd() * 5),
        expiresAt: chance(0.3) ? at + Math.floor(rnd() * 20 * MINUTE) : null,
      }));
      return async (s) => {
        const results = await s.insertIntents(inputs, 'scanner', at);
        for (const r of results) known.intents.add(r.intent.id);
        return results;
      };
    }
    if (known.intents.size > 0 && roll < 0.3) {
      const requests = [await request(peek)];
      if (chance(0.3)) requests.push(await request(peek));
      return (s) =>
        requests.length === 1
          ? s.transition(requests[0] as TransitionRequest, at)
          : s.transitionMany(requests, at);
    }
    const options = { ...(chance(0.7) ? { variantId: v } : {}), limit: 1 + Math.floor(rnd() * 3) };
    if (roll < 0.36) return (s) => s.claimPending(worker, at, options);
    if (roll < 0.38) return (s) => s.claimNextPending(worker, at, { variantId: v });
    if (roll < 0.43) return (s) => s.pickReady(worker, at, options);
    if (known.intents.size > 0 && roll < 0.45) {
      const id = recentIntent();
      return (s) => s.extendLease(id, worker, at);
    }
    if (roll < 0.48) {
      const maxAttempts = 1 + Math.floor(rnd() * 3);
      return (s) => s.recycleExpiredClaims(at, { maxAttempts });
    }
    if (roll < 0.5) return (s) => s.expireStaleIntents(at);
    if (roll < 0.52) return (s) => s.cleanupOldIntents(0.1, at);
    if (roll < 0.58) {
      const id = chance(0.1) && known.positions.size > 0 ? pick([...known.positions]) : `p-${serial}`;
      const position = {
        id: positionId(id),
        intentId: null,
        variantId: v,
        symbol,
        side: chance(0.5) ? ('long' as const) : ('short' as const),
        qty: 0.5,
        entryPrice: 100,
        atrAtEntry: chance(0.5) ? 2 : null,
        initialStop: 97,
        currentStop: 97,
        peakPrice: 100,
        takeProfit: null,
        openedAt: at,
        fees: 0.1,
      };
      return async (s) => {
        const p = await s.openPosition(position);
        known.positions.add(id);
        return p;
      };
    }
    if (known.positions.size > 0 && roll < 0.64) {
      const id = positionId(pick([...known.positions]));
      const close = {
        exitPrice: 101,
        exitReason: pick(EXIT_REASONS),
        closedAt: at - Math.floor(rnd() * 120) * MINUTE,
        fees: 0.2,
        pnl: Math.round(rnd() * 2_000 - 1_000) / 100 + 0.1,
      };
      return (s) => s.closePosition(id, close);
    }
    if (known.positions.size > 0 && roll < 0.67) {
      const id = positionId(pick([...known.positions]));
      const [stop, peak, trough] = [98 + rnd(), 100 + rnd(), 97 + rnd()];
      return async (s) => {
        const held = await s.getPosition(id);
        if (!held) throw new Error(`position ${id} vanished`);
        const bars = held.barsHeld + 1;
        return s.advancePosition(held, {
          currentStop: stop,
          peakPrice: peak,
          troughPrice: trough,
          barsHeld: bars,
          barAt: at,
        });
      };
    }
    if (roll < 0.71) {
      const p = {
        variantId: v,
        symbol: chance(0.3) ? '*' : symbol,
        kind: pick(PROTECTION_KINDS),
        until: at + Math.floor(rnd() * 60) * MINUTE + serial,
        reason: `r${serial}`,
      };
      return (s) => s.upsertProtection(p, at);
    }
    if (roll < 0.72) {
      const lift = {
        variantId: v,
        symbol,
        kinds: [pick(PROTECTION_KINDS), pick(PROTECTION_KINDS)],
        note: '!',
      };
      return (s) => s.liftProtections(lift, at);
    }
    if (roll < 0.74) return (s) => s.activeProtections(v, symbol, at);
    if (roll < 0.76) {
      const change = { variantId: v, state: pick(TRADING_STATES), reason: `s${serial}`, actor: 'op' };
      return (s) => s.setTradingState(change, at);
    }
    if (roll < 0.8) {
      const cid = `o${Math.floor(rnd() * 6)}`;
      const filled = chance(0.5);
      const req = {
        clientOrderId: cid,
        variantId: v,
        symbol,
        side: 'buy' as const,
        purpose: 'entry' as const,
        qty: 1,
        contractSize: 1,
        intentId: null,
        positionId: null,
        ...(chance(0.5) ? { stopLoss: 90 } : {}),
      };
      const result = {
        clientOrderId: cid,
        status: filled ? ('filled' as const) : ('rejected' as const),
        price: filled ? 100 : null,
        qty: chance(0.2) ? 0 : 1,
        fee: 0,
        reason: '',
        at: at + serial,
        brokerRef: chance(0.5) ? `R${serial % 2 === 0 ? 1 : 2}` : null,
      };
      return async (s) => {
        known.orders.add(cid);
        return s.recordOrder(req, result);
      };
    }
    if (roll < 0.81) {
      const cid = `o${Math.floor(rnd() * 6)}`;
      const stops = { stopLoss: chance(0.5) ? 91 : null, takeProfit: 120 };
      return (s) => s.setOrderStops(cid, stops);
    }
    if (roll < 0.82) {
      const attempt = {
        clientOrderId: `o${Math.floor(rnd() * 6)}`,
        account: 'acct',
        variantId: v,
        symbol,
        side: 'sell' as const,
        qty: rnd(),
        sentAt: at,
      };
      return (s) => s.recordOrderAttempt(attempt);
    }
    if (roll < 0.84) {
      const calls = {
        all: 1 + Math.floor(rnd() * 2),
        modifications: Math.floor(rnd() * 2),
        positions: Math.floor(rnd() * 2),
      };
      return (s) => s.spendApiCalls('acct', 'd1', calls, { all: 30, modifications: 8, positions: null });
    }
    if (roll < 0.86) {
      const amount = { tokens: 100 + Math.floor(rnd() * 300), costUsd: 0.1 + rnd() / 10 };
      const settle = chance(0.7);
      return async (s) => {
        const ok = await s.reserveLlmSpend(v, 'd1', amount, { tokens: 2_000, costUsd: 1.5 });
        if (ok && settle)
          await s.settleLlmSpend(v, 'd1', amount, {
            tokens: amount.tokens / 2,
            costUsd: amount.costUsd / 3,
            calls: 1,
          });
        return ok;
      };
    }
    if (roll < 0.87) {
      const entry = {
        key: 'k1',
        model: 'm',
        response: { text: `t${serial}`, gone: undefined },
        inputTokens: 1,
        outputTokens: 2,
        createdAt: at,
      };
      return (s) => s.cacheLlmResponse(entry);
    }
    if (roll < 0.91) {
      const snapshot = {
        variantId: v,
        at: T0 + Math.floor(rnd() * 8) * MINUTE,
        balance: 1_000,
        equity: 900 + Math.floor(rnd() * 200),
        openPositions: 1,
      };
      return (s) => s.recordEquity(snapshot);
    }
    if (roll < 0.96) {
      const name = pick(JOBS);
      const which = rnd();
      const owner = pick(['a', 'b']);
      if (which < 0.2) return (s) => s.ensureJob(name, at, at);
      if (which < 0.5) return (s) => s.claimDueJobs([...JOBS, name], owner, at, 2 * MINUTE);
      if (which < 0.8) return (s) => s.finishJob(name, owner, at, at + MINUTE, at);
      if (which < 0.9) return (s) => s.rescheduleJob(name, at + 3 * MINUTE, at);
      return (s) => s.jobs([name, name]);
    }
    return chance(0.5)
      ? (s) => s.recordScanStart(v, at)
      : (
          (error: string | null) => (s: Store) =>
            s.recordScanEnd(v, at, error)
        )(chance(0.5) ? null : 'e');
  };
  return {
    async next(peek: Store): Promise<Call> {
      if (!chance(0.08)) return single(peek);
      // A unit of work of a few calls; a failing call, or the deliberate failure, rolls it all back.
      const calls = [await single(peek), await single(peek), await single(peek)];
      const fail = chance(0.5);
      return (s) =>
        s.transaction(async (tx) => {
          const results = [];
          for (const call of calls) results.push(await call(tx));
          if (fail) throw new Error('rolled back');
          return results;
        });
    },
  };
}

describe('memory store parity with SQLite', () => {
  const dir = tempDir();
  let sqlite: Store;
  before(async () => {
    ({ store: sqlite } = await openStore(`sqlite:${join(dir.path, 'parity.db')}`, {
      now: '2026-01-05T00:00:00Z',
    }));
  });
  after(async () => {
    await sqlite.close();
    dir.remove();
  });

  it('answers every call of a random workload as SQLite does, and ends in the same state', async () => {
    const memory = new MemoryStore();
    const known: Known = { intents: new Set(), positions: new Set(), orders: new Set() };
    const calls = workload(20260105, known);
    for (let step = 0; step < 600; step++) {
      const call = await calls.next(memory);
      // `known` grows inside the calls: the memory store runs second, so both see the same ids.
      const expected = await outcome(() => call(sqlite));
      const actual = await outcome(() => call(memory));
      assert.deepEqual(actual, expected, `step ${step}`);
    }
    // Sequence numbers may differ where SQL leaves an order open (leases lapsing at the same time).
    assert.deepEqual(await dump(memory, known, false), await dump(sqlite, known, false));
  });
});

describe('memory store rollback', () => {
  it('leaves every table as it was when a transaction fails', async () => {
    const store = new MemoryStore();
    const known: Known = { intents: new Set(), positions: new Set(), orders: new Set() };
    const calls = workload(7, known);
    for (let step = 0; step < 300; step++) await outcome(async () => (await calls.next(store))(store));
    for (let round = 0; round < 20; round++) {
      // The failed transaction's calls add ids to `known`; both dumps read the ids known before it.
      const seen: Known = {
        intents: new Set(known.intents),
        positions: new Set(known.positions),
        orders: new Set(known.orders),
      };
      const before = await dump(store, seen);
      await assert.rejects(
        store.transaction(async (tx) => {
          for (let k = 0; k < 15; k++) await outcome(async () => (await calls.next(tx))(tx));
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.deepEqual(await dump(store, seen), before, `round ${round}`);
      for (let k = 0; k < 10; k++) await outcome(async () => (await calls.next(store))(store));
    }
  });
});
