// The blueprint's mark_* operations, one per transition, as thin requests to the store's transition path.
// Each goes through the transition table and appends its decision record in the same transaction.
import type { EpochMs, IntentId, PositionId, WorkerId } from './ids.ts';
import type { AnalystDecision, TradeIntent } from './intent.ts';
import type { Store } from './ports/store.ts';
import { FencedOutError, IllegalTransitionError } from './intent-lifecycle.ts';

type Transitioner = Pick<Store, 'transition'>;

export function markReadyForExec(
  store: Transitioner,
  id: IntentId,
  worker: WorkerId,
  decision: AnalystDecision,
  now: EpochMs,
): Promise<TradeIntent> {
  return store.transition(
    { id, event: 'decide_trade', actor: worker, decision, reason: decidedReason(decision) },
    now,
  );
}

export function markHold(
  store: Transitioner,
  id: IntentId,
  worker: WorkerId,
  decision: AnalystDecision,
  now: EpochMs,
) {
  return store.transition(
    { id, event: 'decide_hold', actor: worker, decision, reason: decidedReason(decision) },
    now,
  );
}

export function markOpened(
  store: Transitioner,
  id: IntentId,
  worker: WorkerId,
  positionId: PositionId,
  complianceSnapshot: unknown,
  now: EpochMs,
) {
  return store.transition(
    { id, event: 'open', actor: worker, positionId, complianceSnapshot, reason: 'position opened' },
    now,
  );
}

export function markRejected(
  store: Transitioner,
  id: IntentId,
  worker: WorkerId,
  reason: string,
  complianceSnapshot: unknown,
  now: EpochMs,
) {
  return store.transition({ id, event: 'reject', actor: worker, reason, complianceSnapshot }, now);
}

/** From claimed (analysis error) or executing (broker error); the table decides which applies. */
export function markFailed(store: Transitioner, id: IntentId, worker: WorkerId, error: string, now: EpochMs) {
  return store.transition({ id, event: 'fail', actor: worker, reason: error }, now);
}

/** From pending or ready_for_exec, by an operator or an invalidated signal. */
export function markCancelled(
  store: Transitioner,
  id: IntentId,
  actor: WorkerId,
  reason: string,
  now: EpochMs,
) {
  return store.transition({ id, event: 'cancel', actor, reason }, now);
}

export function markClosed(store: Transitioner, id: IntentId, actor: WorkerId, reason: string, now: EpochMs) {
  return store.transition({ id, event: 'close', actor, reason }, now);
}

/** Graceful shutdown, or an analyst that will decide later, hands an unfinished claim back to the queue. */
export function releaseClaim(
  store: Transitioner,
  id: IntentId,
  worker: WorkerId,
  now: EpochMs,
  reason = 'released by a stopping worker',
) {
  return store.transition({ id, event: 'release', actor: worker, reason }, now);
}

/**
 * Hands a claim back for a worker that is no longer deciding it (its connection dropped, its process
 * died); false when the claim is not the worker's any more — decided or recycled meanwhile.
 */
export async function releaseIfStillHeld(
  store: Transitioner,
  id: IntentId,
  worker: WorkerId,
  now: EpochMs,
  reason: string,
): Promise<boolean> {
  try {
    await releaseClaim(store, id, worker, now, reason);
    return true;
  } catch (error) {
    if (error instanceof FencedOutError || error instanceof IllegalTransitionError) return false;
    throw error;
  }
}

function decidedReason(decision: AnalystDecision): string {
  return `analyst decided ${decision.side}${decision.note ? ` (${decision.note})` : ''}`;
}
