// Every write to an intent: inserts, leases, transitions, and the janitor's sweeps. As in SqlStore,
// every status change is planned by `planTransition` (the one transition table) and its decision record
// is appended in the same step; a batch is planned whole before anything is written, so a refused
// request leaves the store as it was. Queue reads take only the live intents of one status.
import type { DecisionRecord } from '../../domain/decision-record.ts';
import { RejectedError } from '../../domain/errors.ts';
import { workerId, type EpochMs, type IntentId, type WorkerId } from '../../domain/ids.ts';
import { INTENT_SOURCES, type NewIntent, type TradeIntent } from '../../domain/intent.ts';
import {
  FencedOutError,
  INTENT_STATUSES,
  INTENT_TRANSITIONS,
  LEASED_STATUSES,
  onlySourceOf,
  type IntentEvent,
} from '../../domain/intent-lifecycle.ts';
import {
  planTransition,
  type IntentChanges,
  type TransitionRequest,
} from '../../domain/intent-transition.ts';
import type { ClaimOptions, InsertResult, RecycleOptions, RecycleResult } from '../../domain/ports/store.ts';
import { buildIntent, creationRecord, sameNaturalKey } from '../new-intent.ts';
import { IdempotencyConflictError, IntentNotFoundError } from '../store-errors.ts';
import type { IntentTable, Slot } from './intent-table.ts';
import { compareText, sortSmall } from './sorted.ts';
import { check, storedJson } from './stored-values.ts';

const JANITOR = workerId('janitor');
/** SqlStore's sweep batch: inside a caller's transaction a sweep moves one batch per queue, as there. */
const SWEEP_BATCH = 500;
const EXPIRING_STATUSES = INTENT_STATUSES.filter((status) => INTENT_TRANSITIONS[status].expire !== undefined);
const LEASES = { claim: onlySourceOf('claim'), pick: onlySourceOf('pick') } as const;
const LAPSED_FROM = onlySourceOf('lease_expired').from;

/** The order of SQL's queue indexes: (created_at, id). */
export function queueOrder(a: TradeIntent, b: TradeIntent): number {
  return a.createdAt - b.createdAt || compareText(a.id, b.id);
}

function slotOrder(a: Slot, b: Slot): number {
  return queueOrder(a.intent, b.intent);
}

export class IntentWrites {
  constructor(private readonly table: IntentTable) {}

  insert(inputs: readonly NewIntent[], actor: string, now: EpochMs): InsertResult[] {
    const built = inputs.map((input) => frozenIntent(buildIntent(input, now)));
    const results: InsertResult[] = [];
    const created: Slot[] = [];
    for (const intent of built) {
      check(INTENT_SOURCES.includes(intent.source), "source IN ('scanner', 'manual')");
      // SqlStore's existingFor: the idempotency key's owner first, which must be the same intent.
      const sameKey = this.table.withKey(intent.idempotencyKey);
      if (sameKey && !sameNaturalKey(sameKey, intent))
        throw new IdempotencyConflictError(intent.idempotencyKey, sameKey.id);
      const existing = sameKey ?? this.table.withNaturalKey(intent);
      if (existing) {
        results.push({ intent: existing, inserted: false });
        continue;
      }
      created.push(this.table.insert(intent));
      results.push({ intent, inserted: true });
    }
    for (const slot of created) this.table.appendRecord(slot, creationRecord(slot.intent.id, actor, now));
    return results;
  }

  /** Claim (pending → claimed) or pick (ready_for_exec → executing) the oldest eligible intents. */
  lease(event: keyof typeof LEASES, worker: WorkerId, now: EpochMs, options: ClaimOptions): TradeIntent[] {
    const limit = options.limit ?? 1;
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`claim limit must be a whole number ≥ 1, got ${limit}`);
    const { from } = LEASES[event];
    if (this.table.count(from, options.variantId) === 0) return [];
    const queue: Slot[] = [];
    this.table.collect(from, options.variantId, queue);
    let kept = 0;
    for (const slot of queue) {
      const { expiresAt, updatedAt } = slot.intent;
      if (expiresAt !== null && expiresAt <= now) continue;
      // A decision is never executed before it was made (see SqlStore.leaseNext).
      if (event === 'pick' && updatedAt > now) continue;
      queue[kept++] = slot;
    }
    if (kept === 0) return [];
    queue.length = kept;
    sortSmall(queue, slotOrder);
    if (queue.length > limit) queue.length = limit;
    return this.transitionMany(
      queue.map((slot) => ({ id: slot.intent.id, event, actor: worker, reason: '' })),
      now,
    );
  }

  extendLease(id: IntentId, worker: WorkerId, now: EpochMs): TradeIntent {
    const slot = this.table.find(id);
    if (!slot) throw new IntentNotFoundError(id);
    const intent = slot.intent;
    const leased = LEASED_STATUSES.includes(intent.status);
    if (!leased || intent.claimWorkerId !== worker)
      throw new FencedOutError(id, worker, leased ? intent.claimWorkerId : null);
    const next = changed(intent, { claimExpiresAt: now + intent.claimTtlMinutes * 60_000, updatedAt: now });
    this.table.update(slot, next);
    return next;
  }

  /** Plans every request (each sees the state the previous one left), then writes them all. */
  transitionMany(requests: readonly TransitionRequest[], now: EpochMs): TradeIntent[] {
    if (requests.length === 0) return [];
    // A batch moving one intent several times reads its planned state, not the stored one.
    const planned = requests.length > 1 ? new Map<Slot, TradeIntent>() : null;
    const slots: Slot[] = [];
    const records: Omit<DecisionRecord, 'seq'>[] = [];
    const results: TradeIntent[] = [];
    for (const request of requests) {
      const slot = this.table.find(request.id);
      if (!slot) throw new IntentNotFoundError(request.id);
      const intent = planned?.get(slot) ?? slot.intent;
      const plan = planTransition(intent, request, now);
      const next = changed(intent, plan.changes);
      planned?.set(slot, next);
      slots.push(slot);
      records.push(plan.record);
      results.push(next); // the state after this request, even if a later one moves it again
    }
    if (planned) for (const [slot, next] of planned) this.table.update(slot, next);
    else this.table.update(slots[0] as Slot, results[0] as TradeIntent);
    records.forEach((record, i) => this.table.appendRecord(slots[i] as Slot, record));
    return results;
  }

  recycleExpiredClaims(now: EpochMs, options: RecycleOptions, inTransaction: boolean): RecycleResult {
    if (this.table.count(LAPSED_FROM) === 0) return { timedOut: 0, requeued: 0, abandoned: 0 };
    const claimed: Slot[] = [];
    this.table.collect(LAPSED_FROM, undefined, claimed);
    const lapsed = claimed
      .map((slot) => slot.intent)
      .filter((intent) => intent.claimExpiresAt !== null && intent.claimExpiresAt <= now)
      .sort(
        (a, b) => (a.claimExpiresAt as EpochMs) - (b.claimExpiresAt as EpochMs) || compareText(a.id, b.id),
      );
    if (inTransaction && lapsed.length > SWEEP_BATCH) lapsed.length = SWEEP_BATCH;
    const requests: TransitionRequest[] = [];
    let abandoned = 0;
    for (const intent of lapsed) {
      const expired = intent.expiresAt !== null && intent.expiresAt <= now;
      const exhausted = intent.attempts >= options.maxAttempts;
      const reason = `lease of ${intent.claimWorkerId ?? 'unknown'} expired`;
      requests.push({ id: intent.id, event: 'lease_expired', actor: JANITOR, reason });
      if (expired || exhausted) {
        abandoned++;
        const why = expired ? 'the intent expired while claimed' : `gave up after ${intent.attempts} claims`;
        requests.push({ id: intent.id, event: 'abandon', actor: JANITOR, reason: why });
      } else {
        requests.push({
          id: intent.id,
          event: 'requeue',
          actor: JANITOR,
          reason: `${reason}; back in the queue`,
        });
      }
    }
    this.transitionMany(requests, now);
    return { timedOut: lapsed.length, requeued: lapsed.length - abandoned, abandoned };
  }

  expireStaleIntents(now: EpochMs, inTransaction: boolean): number {
    let total = 0;
    for (const source of EXPIRING_STATUSES) {
      if (this.table.count(source) === 0) continue;
      const queue: Slot[] = [];
      this.table.collect(source, undefined, queue);
      const stale = queue
        .map((slot) => slot.intent)
        .filter((intent) => intent.expiresAt !== null && intent.expiresAt <= now)
        .sort(queueOrder);
      if (inTransaction && stale.length > SWEEP_BATCH) stale.length = SWEEP_BATCH;
      const event: IntentEvent = 'expire';
      const reason = 'expired before it was acted on';
      this.transitionMany(
        stale.map((intent) => ({ id: intent.id, event, actor: JANITOR, reason })),
        now,
      );
      total += stale.length;
    }
    return total;
  }

  cleanupOldIntents(retentionDays: number, now: EpochMs): number {
    if (!(retentionDays > 0))
      throw new RejectedError('invalid_retention', `retention_days must be above 0, got ${retentionDays}`);
    const cutoff = now - retentionDays * 86_400_000;
    let deleted = 0;
    for (let slot = this.table.nextAged(cutoff); slot; slot = this.table.nextAged(cutoff)) {
      this.table.remove(slot);
      deleted++;
    }
    return deleted;
  }
}

function frozenIntent(intent: TradeIntent): TradeIntent {
  Object.freeze(intent.scanner);
  return Object.freeze(intent);
}

/** The intent with the changes applied; undefined changes leave their field alone, as changeColumns does. */
function changed(intent: TradeIntent, c: IntentChanges): TradeIntent {
  return Object.freeze({
    id: intent.id,
    variantId: intent.variantId,
    symbol: intent.symbol,
    tradeDate: intent.tradeDate,
    source: intent.source,
    idempotencyKey: intent.idempotencyKey,
    scanner: intent.scanner,
    atrAtSignal: intent.atrAtSignal,
    suggestedSide: c.suggestedSide === undefined ? intent.suggestedSide : c.suggestedSide,
    suggestedSlPrice: c.suggestedSlPrice === undefined ? intent.suggestedSlPrice : c.suggestedSlPrice,
    suggestedTpPrice: c.suggestedTpPrice === undefined ? intent.suggestedTpPrice : c.suggestedTpPrice,
    suggestedSlPips: c.suggestedSlPips === undefined ? intent.suggestedSlPips : c.suggestedSlPips,
    suggestedTpPips: c.suggestedTpPips === undefined ? intent.suggestedTpPips : c.suggestedTpPips,
    agentRiskReport: c.agentRiskReport === undefined ? intent.agentRiskReport : c.agentRiskReport,
    agentState: c.agentState === undefined ? intent.agentState : storedJson(c.agentState),
    status: c.status === undefined ? intent.status : c.status,
    statusReason: c.statusReason === undefined ? intent.statusReason : c.statusReason,
    claimWorkerId: c.claimWorkerId === undefined ? intent.claimWorkerId : c.claimWorkerId,
    claimTs: c.claimTs === undefined ? intent.claimTs : c.claimTs,
    claimTtlMinutes: intent.claimTtlMinutes,
    claimExpiresAt: c.claimExpiresAt === undefined ? intent.claimExpiresAt : c.claimExpiresAt,
    attempts: c.attempts === undefined ? intent.attempts : c.attempts,
    expiresAt: intent.expiresAt,
    positionId: c.positionId === undefined ? intent.positionId : c.positionId,
    executedAt: c.executedAt === undefined ? intent.executedAt : c.executedAt,
    executionError: c.executionError === undefined ? intent.executionError : c.executionError,
    complianceSnapshot:
      c.complianceSnapshot === undefined ? intent.complianceSnapshot : storedJson(c.complianceSnapshot),
    createdAt: intent.createdAt,
    updatedAt: c.updatedAt === undefined ? intent.updatedAt : c.updatedAt,
  });
}
