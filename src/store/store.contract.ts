// The Store contract: the same cases for every implementation (run by sqlite/ and postgres/ tests).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { intentId, positionId, variantId, workerId, type EpochMs, type IntentId } from '../domain/ids.ts';
import type { AnalystDecision, NewIntent, TradeIntent } from '../domain/intent.ts';
import {
  FencedOutError,
  IllegalTransitionError,
  INTENT_EVENTS,
  INTENT_STATUSES,
  INTENT_TRANSITIONS,
  LeaseNotExpiredError,
  type IntentEvent,
  type IntentStatus,
} from '../domain/intent-lifecycle.ts';
import type { TransitionRequest } from '../domain/intent-transition.ts';
import type { Store } from '../domain/ports/store.ts';
import type { NewPosition } from '../domain/position.ts';
import { IdempotencyConflictError, IntentNotFoundError, PositionAlreadyOpenError } from './store-errors.ts';
import { longAt100 } from '../../test/support/position-fixture.ts';
import { leaseContractCases } from './lease.contract.ts';
import { identityContractCases } from './identity.contract.ts';
import { controlOffsetContractCases } from './control-offset.contract.ts';

export interface ContractTarget {
  name: string;
  open(): Promise<{ store: Store; cleanup(): Promise<void> }>;
}

const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
const MINUTE = 60_000;
const V = variantId('baseline');
const A = workerId('worker-a');
const B = workerId('worker-b');
const BUY: AnalystDecision = {
  side: 'BUY',
  slPrice: 95,
  tpPrice: 110,
  slPips: null,
  tpPips: null,
  riskReport: 'breakout',
  agentState: { rule: 'breakout' },
};
const HOLD: AnalystDecision = { ...BUY, side: 'HOLD', slPrice: null, tpPrice: null, riskReport: 'no edge' };

let counter = 0;
function newIntent(overrides: Partial<NewIntent> = {}): NewIntent {
  counter++;
  return {
    variantId: V,
    symbol: `SYM${counter}`,
    tradeDate: '2026-01-05',
    claimTtlMinutes: 10,
    ...overrides,
  };
}

/** The payload and actor each event needs to be legal. */
function requestFor(id: IntentId, event: IntentEvent): TransitionRequest {
  const base = { id, event, actor: A, reason: `test ${event}` };
  switch (event) {
    case 'decide_trade':
      return { ...base, decision: BUY };
    case 'decide_hold':
      return { ...base, decision: HOLD };
    case 'open':
      return { ...base, positionId: positionId(`pos-${id}`), complianceSnapshot: { passed: true } };
    case 'reject':
      return { ...base, complianceSnapshot: { passed: false } };
    case 'lease_expired':
    case 'adopt':
    case 'requeue':
    case 'abandon':
      return { ...base, actor: workerId('janitor') };
    default:
      return base;
  }
}

/** Events that lead from `pending` to each status, with the time each is applied. */
const PATHS: Record<IntentStatus, readonly IntentEvent[]> = {
  pending: [],
  claimed: ['claim'],
  ready_for_exec: ['claim', 'decide_trade'],
  executing: ['claim', 'decide_trade', 'pick'],
  opened: ['claim', 'decide_trade', 'pick', 'open'],
  closed: ['claim', 'decide_trade', 'pick', 'open', 'close'],
  rejected: ['claim', 'decide_trade', 'pick', 'reject'],
  failed: ['claim', 'fail'],
  cancelled: ['cancel'],
  timed_out: ['claim', 'lease_expired'],
};

/** Lease-expiry events happen after the 10-minute lease. */
function timeOf(event: IntentEvent): EpochMs {
  return event === 'lease_expired' || event === 'adopt' ? T0 + 11 * MINUTE : T0;
}

async function intentIn(store: Store, status: IntentStatus): Promise<TradeIntent> {
  const { intent } = await store.insertIntent(newIntent(), 'scanner:test', T0);
  let current = intent;
  for (const event of PATHS[status])
    current = await store.transition(requestFor(current.id, event), timeOf(event));
  assert.equal(current.status, status);
  return current;
}

export function describeStoreContract(target: ContractTarget): void {
  describe(`Store contract: ${target.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ store, cleanup } = await target.open());
    });
    after(async () => {
      await store.close();
      await cleanup();
    });

    describe('leases', () => leaseContractCases(() => store));
    describe('identity', () => identityContractCases(() => store));
    describe('control offsets', () => controlOffsetContractCases(() => store));

    describe('inserting intents', () => {
      it('creates a pending intent with a creation record', async () => {
        const { intent, inserted } = await store.insertIntent(
          newIntent({ scanner: { score: 0.8, confidence: 'high', scoreGap: 0.1 }, atrAtSignal: 1.25 }),
          'scanner:baseline',
          T0,
        );
        assert.equal(inserted, true);
        assert.equal(intent.status, 'pending');
        const stored = await store.getIntent(intent.id);
        assert.deepEqual(stored, intent);
        assert.equal(stored?.scanner.confidence, 'high');
        assert.equal(stored?.atrAtSignal, 1.25);
        const records = await store.decisionRecords(intent.id);
        assert.deepEqual(
          records.map((r) => [r.from, r.to, r.event, r.actor]),
          [[null, 'pending', 'create', 'scanner:baseline']],
        );
      });

      it('is idempotent on the natural key and on the idempotency key', async () => {
        const input = newIntent();
        const first = await store.insertIntent(input, 'scanner', T0);
        const again = await store.insertIntent(input, 'scanner', T0 + MINUTE);
        assert.equal(again.inserted, false);
        assert.equal(again.intent.id, first.intent.id);
        const otherKey = await store.insertIntent({ ...input, idempotencyKey: 'another-key' }, 'scanner', T0);
        assert.equal(otherKey.inserted, false, 'same (symbol, date, source, variant) is the same intent');
        assert.equal(otherKey.intent.id, first.intent.id);
        assert.equal((await store.decisionRecords(first.intent.id)).length, 1);
        assert.equal(await store.intentExists({ ...input, source: 'scanner' }), true);
        assert.equal(await store.intentExists({ ...input, source: 'manual' }), false);
      });

      it('refuses an idempotency key reused for a different intent', async () => {
        const first = newIntent({ idempotencyKey: 'manual-order-42', source: 'manual' });
        await store.insertIntent(first, 'operator', T0);
        await assert.rejects(
          store.insertIntent({ ...first, symbol: 'OTHER' }, 'operator', T0),
          IdempotencyConflictError,
        );
      });

      it('inserts a batch, counting a repeated intent once', async () => {
        const a = newIntent();
        const b = newIntent();
        const results = await store.insertIntents([a, b, a], 'scanner', T0);
        assert.deepEqual(
          results.map((r) => r.inserted),
          [true, true, false],
        );
        assert.equal(results[2]?.intent.id, results[0]?.intent.id);
      });

      it('refuses bad values without storing anything', async () => {
        const input = newIntent({ claimTtlMinutes: 0 });
        await assert.rejects(store.insertIntent(input, 'scanner', T0), /claimTtlMinutes/);
        assert.equal(await store.intentExists({ ...input, source: 'scanner' }), false);
      });
    });

    describe('the transition table', () => {
      for (const from of INTENT_STATUSES) {
        for (const event of INTENT_EVENTS) {
          const rule = INTENT_TRANSITIONS[from][event];
          if (rule) {
            it(`${from} --${event}--> ${rule.to}, with its decision record`, async () => {
              const intent = await intentIn(store, from);
              const before = await store.decisionRecords(intent.id);
              const at = Math.max(timeOf(event), T0 + 12 * MINUTE);
              const moved = await store.transition(requestFor(intent.id, event), at);
              assert.equal(moved.status, rule.to);
              assert.deepEqual(await store.getIntent(intent.id), moved);
              const records = await store.decisionRecords(intent.id);
              assert.equal(records.length, before.length + 1);
              const last = records.at(-1);
              assert.deepEqual([last?.from, last?.to, last?.event, last?.at], [from, rule.to, event, at]);
            });
          } else {
            it(`${from} --${event}--> refused`, async () => {
              const intent = await intentIn(store, from);
              const recordsBefore = await store.decisionRecords(intent.id);
              await assert.rejects(
                store.transition(requestFor(intent.id, event), T0 + 12 * MINUTE),
                IllegalTransitionError,
              );
              assert.deepEqual(await store.getIntent(intent.id), intent);
              assert.equal((await store.decisionRecords(intent.id)).length, recordsBefore.length);
            });
          }
        }
      }

      it('stores the decision, the position and the compliance snapshot on the way', async () => {
        const opened = await intentIn(store, 'opened');
        assert.equal(opened.suggestedSide, 'BUY');
        assert.equal(opened.suggestedSlPrice, 95);
        assert.deepEqual(opened.agentState, { rule: 'breakout' });
        assert.equal(opened.positionId, `pos-${opened.id}`);
        assert.deepEqual(opened.complianceSnapshot, { passed: true });
        assert.equal(opened.executedAt, T0);
        assert.equal(opened.claimExpiresAt, null, 'the lease ends when the intent leaves executing');
      });

      it('refuses a decision event without its payload', async () => {
        const claimed = await intentIn(store, 'claimed');
        await assert.rejects(
          store.transition({ id: claimed.id, event: 'decide_trade', actor: A }, T0),
          /needs a decision/,
        );
        await assert.rejects(
          store.transition({ id: claimed.id, event: 'decide_trade', actor: A, decision: HOLD }, T0),
          /BUY or SELL/,
        );
        assert.equal((await store.getIntent(claimed.id))?.status, 'claimed');
      });

      it('reports an unknown intent', async () => {
        await assert.rejects(
          store.transition(requestFor(intentId('it_missing'), 'cancel'), T0),
          IntentNotFoundError,
        );
      });

      it('applies a batch all or nothing', async () => {
        const one = await intentIn(store, 'pending');
        const two = await intentIn(store, 'opened');
        await assert.rejects(
          store.transitionMany([requestFor(one.id, 'cancel'), requestFor(two.id, 'cancel')], T0),
          IllegalTransitionError,
        );
        assert.equal((await store.getIntent(one.id))?.status, 'pending');
        const moved = await store.transitionMany(
          [requestFor(one.id, 'claim'), requestFor(one.id, 'decide_trade')],
          T0,
        );
        assert.deepEqual(
          moved.map((i) => i.status),
          ['claimed', 'ready_for_exec'],
        );
      });
    });

    describe('fencing', () => {
      it('lets only the lease holder move a claimed intent on', async () => {
        const claimed = await intentIn(store, 'claimed');
        for (const event of ['decide_trade', 'decide_hold', 'fail', 'release'] as const) {
          await assert.rejects(
            store.transition({ ...requestFor(claimed.id, event), actor: B }, T0),
            FencedOutError,
          );
        }
        assert.deepEqual(await store.getIntent(claimed.id), claimed);
        await assert.rejects(store.extendLease(claimed.id, B, T0), FencedOutError);
      });

      it('lets only the executor move an executing intent on', async () => {
        const executing = await intentIn(store, 'executing');
        await assert.rejects(
          store.transition({ ...requestFor(executing.id, 'open'), actor: B }, T0),
          FencedOutError,
        );
        await assert.rejects(
          store.transition({ ...requestFor(executing.id, 'adopt'), actor: B }, T0),
          LeaseNotExpiredError,
        );
        const adopted = await store.transition(
          { ...requestFor(executing.id, 'adopt'), actor: B },
          T0 + 11 * MINUTE,
        );
        assert.equal(adopted.claimWorkerId, B);
        await assert.rejects(
          store.transition(requestFor(executing.id, 'open'), T0 + 11 * MINUTE),
          FencedOutError,
        );
      });
    });

    describe('claiming, leases and the janitor', () => {
      it('claims the oldest pending intents of a variant once, skipping expired ones', async () => {
        const variant = variantId('claim-order');
        await store.insertIntent(
          newIntent({ variantId: variant, expiresAt: T0 + MINUTE }),
          'scanner',
          T0 - 3 * MINUTE,
        );
        const first = await store.insertIntent(newIntent({ variantId: variant }), 'scanner', T0 - 2 * MINUTE);
        const second = await store.insertIntent(newIntent({ variantId: variant }), 'scanner', T0 - MINUTE);
        const claimed = await store.claimPending(A, T0 + 2 * MINUTE, { variantId: variant, limit: 5 });
        assert.deepEqual(
          claimed.map((i) => i.id),
          [first.intent.id, second.intent.id],
        );
        for (const intent of claimed) {
          assert.equal(intent.claimWorkerId, A);
          assert.equal(intent.attempts, 1);
          assert.equal(intent.claimExpiresAt, T0 + 2 * MINUTE + 10 * MINUTE);
          const records = await store.decisionRecords(intent.id);
          assert.deepEqual([records.at(-1)?.event, records.at(-1)?.actor], ['claim', A]);
        }
        assert.equal(await store.claimNextPending(B, T0 + 2 * MINUTE, { variantId: variant }), null);
      });

      it('picks ready intents for execution under a lease', async () => {
        const variant = variantId('pick');
        const ready = await store.insertIntent(newIntent({ variantId: variant }), 'scanner', T0);
        await store.transitionMany(
          [requestFor(ready.intent.id, 'claim'), requestFor(ready.intent.id, 'decide_trade')],
          T0,
        );
        const picked = await store.pickReady(B, T0, { variantId: variant });
        assert.deepEqual(
          picked.map((i) => [i.id, i.status, i.claimWorkerId]),
          [[ready.intent.id, 'executing', B]],
        );
      });

      it('never picks a decision made after the time it executes at', async () => {
        const variant = variantId('pick-later');
        const ready = await store.insertIntent(newIntent({ variantId: variant }), 'scanner', T0);
        await store.transitionMany(
          [requestFor(ready.intent.id, 'claim'), requestFor(ready.intent.id, 'decide_trade')],
          T0 + 60 * MINUTE,
        );
        assert.deepEqual(await store.pickReady(B, T0, { variantId: variant }), []);
        const picked = await store.pickReady(B, T0 + 60 * MINUTE, { variantId: variant });
        assert.deepEqual(
          picked.map((i) => i.id),
          [ready.intent.id],
        );
      });

      it('recycles expired claims after the TTL, and only then', async () => {
        const variant = variantId('recycle');
        const { intent } = await store.insertIntent(newIntent({ variantId: variant }), 'scanner', T0);
        await store.claimNextPending(A, T0, { variantId: variant });
        await store.recycleExpiredClaims(T0 + 9 * MINUTE, { maxAttempts: 3 });
        assert.equal(
          (await store.getIntent(intent.id))?.status,
          'claimed',
          'the lease runs until T0 + 10 min',
        );
        await store.extendLease(intent.id, A, T0 + 5 * MINUTE);
        await store.recycleExpiredClaims(T0 + 11 * MINUTE, { maxAttempts: 3 });
        assert.equal(
          (await store.getIntent(intent.id))?.status,
          'claimed',
          'the extended lease runs until T0 + 15 min',
        );
        const result = await store.recycleExpiredClaims(T0 + 16 * MINUTE, { maxAttempts: 3 });
        assert.equal(result.requeued >= 1, true);
        const recycled = await store.getIntent(intent.id);
        assert.equal(recycled?.status, 'pending');
        assert.equal(recycled?.claimExpiresAt, null);
        const events = (await store.decisionRecords(intent.id)).map((r) => r.event);
        assert.deepEqual(events, ['create', 'claim', 'lease_expired', 'requeue']);
        await assert.rejects(
          store.transition({ ...requestFor(intent.id, 'decide_trade') }, T0 + 17 * MINUTE),
          IllegalTransitionError,
          'the old holder cannot decide an intent it lost',
        );
        const again = await store.claimNextPending(B, T0 + 17 * MINUTE, { variantId: variant });
        assert.equal(again?.attempts, 2);
      });

      it('abandons an intent claimed too often, or expired while claimed', async () => {
        const variant = variantId('abandon');
        const tired = await store.insertIntent(newIntent({ variantId: variant }), 'scanner', T0);
        const stale = await store.insertIntent(
          newIntent({ variantId: variant, expiresAt: T0 + 5 * MINUTE }),
          'scanner',
          T0,
        );
        await store.claimPending(A, T0, { variantId: variant, limit: 2 });
        await store.recycleExpiredClaims(T0 + 11 * MINUTE, { maxAttempts: 1 });
        for (const id of [tired.intent.id, stale.intent.id]) {
          const intent = await store.getIntent(id);
          assert.equal(intent?.status, 'cancelled');
          assert.equal((await store.decisionRecords(id)).at(-1)?.event, 'abandon');
        }
      });

      it('expires stale pending and ready intents', async () => {
        const variant = variantId('expire');
        const stale = await store.insertIntent(
          newIntent({ variantId: variant, expiresAt: T0 + MINUTE }),
          'scanner',
          T0,
        );
        const fresh = await store.insertIntent(
          newIntent({ variantId: variant, expiresAt: T0 + 60 * MINUTE }),
          'scanner',
          T0,
        );
        assert.equal((await store.expireStaleIntents(T0 + 2 * MINUTE)) >= 1, true);
        assert.equal((await store.getIntent(stale.intent.id))?.status, 'cancelled');
        assert.equal((await store.getIntent(fresh.intent.id))?.status, 'pending');
      });
    });

    describe('retention', () => {
      it('deletes old terminal intents with their records and keeps the rest', async () => {
        const DAY = 86_400_000;
        const { intent: old } = await store.insertIntent(newIntent(), 'scanner', T0);
        await store.transition(requestFor(old.id, 'cancel'), T0);
        const { intent: recent } = await store.insertIntent(newIntent(), 'scanner', T0);
        await store.transition(requestFor(recent.id, 'cancel'), T0 + 5 * DAY);
        const live = await intentIn(store, 'opened');
        const deleted = await store.cleanupOldIntents(3, T0 + 6 * DAY);
        assert.equal(deleted >= 1, true);
        assert.equal(await store.getIntent(old.id), null);
        assert.deepEqual(await store.decisionRecords(old.id), []);
        assert.notEqual(await store.getIntent(recent.id), null);
        assert.notEqual(await store.getIntent(live.id), null, 'an opened intent is never cleaned up');
      });
    });

    describe('positions', () => {
      const position = (overrides: Partial<NewPosition> = {}): NewPosition =>
        longAt100(
          `p-${++counter}`,
          { variant: V, symbol: 'BTCUSDT', openedAt: T0 },
          { qty: 0.01, fees: 0.1, ...overrides },
        );

      it('refuses a second open position of a variant in a symbol, by the partial unique index', async () => {
        const first = await store.openPosition(position());
        assert.equal(first.atrAtEntry, 2);
        await assert.rejects(store.openPosition(position()), PositionAlreadyOpenError);
        await store.openPosition(position({ variantId: variantId('other') }));
        const closed = await store.closePosition(first.id, {
          exitPrice: 105,
          exitReason: 'atr_trail',
          closedAt: T0 + MINUTE,
          fees: 0.2,
          pnl: 0.03,
        });
        assert.equal(closed.exitReason, 'atr_trail');
        const reopened = await store.openPosition(position());
        assert.deepEqual(
          (await store.openPositions(V)).map((p) => p.id),
          [reopened.id],
        );
      });

      it("keeps a strategy's exit reason on the closed position, and none on the others", async () => {
        const tagged = await store.openPosition(position({ symbol: 'TAGUSDT' }));
        const plain = await store.openPosition(position({ symbol: 'PLAINUSDT' }));
        const close = { exitPrice: 101, closedAt: T0 + MINUTE, fees: 0.2, pnl: 0.01 };
        await store.closePosition(tagged.id, { ...close, exitReason: 'signal_exit', exitTag: 'rsi-high' });
        await store.closePosition(plain.id, { ...close, exitReason: 'atr_trail' });
        assert.equal((await store.getPosition(tagged.id))?.exitTag, 'rsi-high');
        assert.equal('exitTag' in ((await store.getPosition(plain.id)) ?? {}), false);
      });
    });

    describe('protections and heartbeats', () => {
      it('upserts a lock and reports it while it is in force, variant-wide ones included', async () => {
        const variant = variantId('locks');
        await store.upsertProtection(
          {
            variantId: variant,
            symbol: 'ETHUSDT',
            kind: 'cooldown',
            until: T0 + 60 * MINUTE,
            reason: 'opened',
          },
          T0,
        );
        await store.upsertProtection(
          {
            variantId: variant,
            symbol: 'ETHUSDT',
            kind: 'cooldown',
            until: T0 + 90 * MINUTE,
            reason: 'again',
          },
          T0,
        );
        await store.upsertProtection(
          { variantId: variant, symbol: '*', kind: 'max_drawdown', until: T0 + 30 * MINUTE, reason: 'dd' },
          T0,
        );
        const active = await store.activeProtections(variant, 'ETHUSDT', T0 + 10 * MINUTE);
        assert.deepEqual(
          active.map((p) => [p.kind, p.until, p.reason]),
          [
            ['cooldown', T0 + 90 * MINUTE, 'again'],
            ['max_drawdown', T0 + 30 * MINUTE, 'dd'],
          ],
        );
        assert.equal((await store.activeProtections(variant, 'ETHUSDT', T0 + 90 * MINUTE)).length, 0);
      });

      it('records scan starts and ends per variant', async () => {
        const variant = variantId('hb');
        await store.recordScanStart(variant, T0);
        await store.recordScanEnd(variant, T0 + 1_000, null);
        await store.recordScanStart(variant, T0 + MINUTE);
        await store.recordScanEnd(variant, T0 + MINUTE + 500, 'exchange answered 503');
        const beat = (await store.heartbeats()).find((h) => h.variantId === variant);
        assert.deepEqual(beat, {
          variantId: variant,
          lastScanStart: T0 + MINUTE,
          lastScanEnd: T0 + MINUTE + 500,
          lastError: 'exchange answered 503',
          updatedAt: T0 + MINUTE + 500,
        });
      });
    });

    describe('transactions and queries', () => {
      it('rolls back everything a failed unit of work did', async () => {
        const input = newIntent();
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.insertIntent(input, 'scanner', T0);
            throw new Error('boom');
          }),
          /boom/,
        );
        assert.equal(await store.intentExists({ ...input, source: 'scanner' }), false);
      });

      it('finds the intents of a UTC day: daily trade dates and hourly bar close times on it', async () => {
        const variant = variantId('days');
        const symbols: [string, string][] = [
          ['DAILY', '2026-03-01'],
          ['EARLY', '2026-03-01T00:00:00.000Z'],
          ['LATE', '2026-03-01T23:00:00.000Z'],
          ['BEFORE', '2026-02-28T23:00:00.000Z'],
          ['AFTER', '2026-03-02T00:00:00.000Z'],
          ['NEXT', '2026-03-02'],
        ];
        for (const [symbol, tradeDate] of symbols) {
          await store.insertIntent(newIntent({ variantId: variant, symbol, tradeDate }), 's', T0);
        }
        const day = async (tradeDay: string) =>
          (await store.listIntents({ variantId: variant, tradeDay })).map((i) => i.symbol).sort();
        assert.deepEqual(await day('2026-03-01'), ['DAILY', 'EARLY', 'LATE']);
        assert.deepEqual(await day('2026-03-02'), ['AFTER', 'NEXT']);
        assert.deepEqual(await day('2026-03-03'), []);
      });

      it('filters intents and counts them by variant and status', async () => {
        const variant = variantId('query');
        const a = await store.insertIntent(
          newIntent({ variantId: variant, symbol: 'AAA', tradeDate: '2026-02-01' }),
          's',
          T0,
        );
        await store.insertIntent(
          newIntent({ variantId: variant, symbol: 'BBB', tradeDate: '2026-02-02' }),
          's',
          T0 + 1,
        );
        await store.transition(requestFor(a.intent.id, 'cancel'), T0);
        assert.deepEqual(
          (await store.listIntents({ variantId: variant, statuses: ['pending'] })).map((i) => i.symbol),
          ['BBB'],
        );
        assert.deepEqual(
          (await store.listIntents({ tradeDate: '2026-02-01', symbol: 'AAA' })).map((i) => i.id),
          [a.intent.id],
        );
        const newestFirst = await store.listIntents({ variantId: variant, newestFirst: true, limit: 1 });
        assert.deepEqual(
          newestFirst.map((i) => i.symbol),
          ['BBB'],
        );
        const counts = (await store.countByStatus()).filter((c) => c.variantId === variant);
        assert.deepEqual(
          counts.map((c) => [c.status, c.count]),
          [
            ['cancelled', 1],
            ['pending', 1],
          ],
        );
      });
    });
  });
}
