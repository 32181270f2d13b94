// Plans one intent transition: checks it against the table and the lease, validates the payload the event
// needs, and returns the field changes and the decision record. Pure: both stores apply its result.
import type { DecisionRecord } from './decision-record.ts';
import { RejectedError } from './errors.ts';
import type { EpochMs, IntentId, PositionId, WorkerId } from './ids.ts';
import type { AnalystDecision, TradeIntent } from './intent.ts';
import {
  checkTransition,
  LEASED_STATUSES,
  type IntentEvent,
  type LeaseState,
  type TransitionRule,
} from './intent-lifecycle.ts';

export interface TransitionRequest {
  id: IntentId;
  event: IntentEvent;
  /** The worker (or `janitor`, `operator`) asking; the fence compares it with the lease holder. */
  actor: WorkerId;
  reason?: string;
  snapshot?: unknown;
  /** For decide_trade and decide_hold. */
  decision?: AnalystDecision;
  /** For open. */
  positionId?: PositionId;
  /** For reject and open: the compliance guard's results. */
  complianceSnapshot?: unknown;
}

/** What a transition needs to know of the stored intent. */
export interface TransitionSubject extends LeaseState {
  claimTtlMinutes: number;
  attempts: number;
}

export type IntentChanges = Partial<
  Pick<
    TradeIntent,
    | 'status'
    | 'statusReason'
    | 'claimWorkerId'
    | 'claimTs'
    | 'claimExpiresAt'
    | 'attempts'
    | 'suggestedSide'
    | 'suggestedSlPrice'
    | 'suggestedTpPrice'
    | 'suggestedSlPips'
    | 'suggestedTpPips'
    | 'agentRiskReport'
    | 'agentState'
    | 'positionId'
    | 'executedAt'
    | 'executionError'
    | 'complianceSnapshot'
    | 'updatedAt'
  >
>;

export interface TransitionPlan {
  rule: TransitionRule;
  changes: IntentChanges;
  record: Omit<DecisionRecord, 'seq'>;
}

export class InvalidTransitionPayloadError extends RejectedError {
  constructor(id: IntentId, event: IntentEvent, what: string) {
    super('invalid_transition_payload', `intent ${id}: event "${event}" ${what}`);
  }
}

export function planTransition(
  subject: TransitionSubject,
  request: TransitionRequest,
  now: EpochMs,
): TransitionPlan {
  const rule = checkTransition(subject, request.event, request.actor, now);
  const changes: IntentChanges = { status: rule.to, statusReason: request.reason ?? '', updatedAt: now };

  if (rule.takesLease) {
    changes.claimWorkerId = request.actor;
    changes.claimTs = now;
    changes.claimExpiresAt = now + subject.claimTtlMinutes * 60_000;
  } else if (!LEASED_STATUSES.includes(rule.to)) {
    changes.claimExpiresAt = null;
  }
  if (request.event === 'claim') changes.attempts = subject.attempts + 1;

  Object.assign(changes, payloadChanges(subject.id, request, now));
  return {
    rule,
    changes,
    record: {
      intentId: subject.id,
      from: subject.status,
      to: rule.to,
      event: request.event,
      actor: request.actor,
      reason: request.reason ?? '',
      snapshot: request.snapshot ?? request.decision ?? request.complianceSnapshot ?? null,
      at: now,
    },
  };
}

function payloadChanges(id: IntentId, request: TransitionRequest, now: EpochMs): IntentChanges {
  const { event, decision } = request;
  switch (event) {
    case 'decide_trade':
    case 'decide_hold': {
      const wanted = event === 'decide_hold' ? 'HOLD' : 'BUY or SELL';
      if (!decision || (event === 'decide_hold') !== (decision.side === 'HOLD')) {
        throw new InvalidTransitionPayloadError(id, event, `needs a decision with side ${wanted}`);
      }
      return {
        suggestedSide: decision.side,
        suggestedSlPrice: decision.slPrice,
        suggestedTpPrice: decision.tpPrice,
        suggestedSlPips: decision.slPips,
        suggestedTpPips: decision.tpPips,
        agentRiskReport: decision.riskReport,
        agentState: decision.agentState,
      };
    }
    case 'open':
      if (!request.positionId) throw new InvalidTransitionPayloadError(id, event, 'needs the position id');
      return {
        positionId: request.positionId,
        executedAt: now,
        complianceSnapshot: request.complianceSnapshot,
      };
    case 'reject':
    case 'fail':
      if (!request.reason) throw new InvalidTransitionPayloadError(id, event, 'needs a reason');
      return event === 'reject'
        ? { executionError: request.reason, complianceSnapshot: request.complianceSnapshot }
        : { executionError: request.reason };
    default:
      return {};
  }
}
