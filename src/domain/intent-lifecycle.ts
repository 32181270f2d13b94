// THE transition table of a trade intent. Nothing else in Sigil assigns an intent's status: the store
// asks `nextStatus` for every change and refuses any (status, event) pair that is not listed here.
//
//   pending ──claim──► claimed ──decide_trade──► ready_for_exec ──pick──► executing ──open──► opened ──close──► closed
//   pending ──cancel / expire──► cancelled            ready_for_exec ──cancel / expire──► cancelled
//   claimed ──decide_hold──► cancelled                executing ──reject──► rejected (a guard said no)
//   claimed ──fail──► failed                          executing ──fail──► failed (broker error)
//   claimed ──release──► pending (shutdown)           executing ──adopt──► executing (recovery, lease expired)
//   claimed ──lease_expired──► timed_out ──requeue──► pending
//                                        └─abandon──► cancelled (too many attempts, or the intent expired)
import { FatalError, RejectedError } from './errors.ts';
import type { EpochMs, IntentId, WorkerId } from './ids.ts';

export const INTENT_STATUSES = [
  'pending',
  'claimed',
  'ready_for_exec',
  'executing',
  'opened',
  'rejected',
  'failed',
  'cancelled',
  'timed_out',
  'closed',
] as const;
export type IntentStatus = (typeof INTENT_STATUSES)[number];

export const INTENT_EVENTS = [
  'claim',
  'decide_trade',
  'decide_hold',
  'release',
  'lease_expired',
  'requeue',
  'abandon',
  'pick',
  'adopt',
  'open',
  'reject',
  'fail',
  'close',
  'cancel',
  'expire',
] as const;
export type IntentEvent = (typeof INTENT_EVENTS)[number];

/**
 * Who may fire a transition.
 * - `owner`: only the worker holding the lease (fenced update).
 * - `lease_expired`: anyone, but only once the holder's lease has run out (janitor, recovery).
 * - `anyone`: the state has no owner.
 */
export type TransitionGuard = 'owner' | 'lease_expired' | 'anyone';

export interface TransitionRule {
  readonly to: IntentStatus;
  readonly guard: TransitionGuard;
  /** The actor becomes the lease holder (claim, pick, adopt). */
  readonly takesLease?: boolean;
}

const owner = (to: IntentStatus): TransitionRule => ({ to, guard: 'owner' });
const anyone = (to: IntentStatus): TransitionRule => ({ to, guard: 'anyone' });

export const INTENT_TRANSITIONS: Readonly<
  Record<IntentStatus, Readonly<Partial<Record<IntentEvent, TransitionRule>>>>
> = {
  pending: {
    claim: { to: 'claimed', guard: 'anyone', takesLease: true },
    cancel: anyone('cancelled'),
    expire: anyone('cancelled'),
  },
  claimed: {
    decide_trade: owner('ready_for_exec'),
    decide_hold: owner('cancelled'),
    fail: owner('failed'),
    release: owner('pending'),
    lease_expired: { to: 'timed_out', guard: 'lease_expired' },
  },
  timed_out: {
    requeue: anyone('pending'),
    abandon: anyone('cancelled'),
  },
  ready_for_exec: {
    pick: { to: 'executing', guard: 'anyone', takesLease: true },
    cancel: anyone('cancelled'),
    expire: anyone('cancelled'),
  },
  executing: {
    open: owner('opened'),
    reject: owner('rejected'),
    fail: owner('failed'),
    adopt: { to: 'executing', guard: 'lease_expired', takesLease: true },
  },
  opened: { close: anyone('closed') },
  rejected: {},
  failed: {},
  cancelled: {},
  closed: {},
};

/** States held under a lease by one worker. */
export const LEASED_STATUSES: readonly IntentStatus[] = ['claimed', 'executing'];
export const TERMINAL_STATUSES: readonly IntentStatus[] = INTENT_STATUSES.filter(
  (status) => Object.keys(INTENT_TRANSITIONS[status]).length === 0,
);

export class IllegalTransitionError extends FatalError {
  constructor(
    readonly intentId: IntentId,
    readonly from: IntentStatus,
    readonly event: IntentEvent,
  ) {
    super('illegal_transition', `intent ${intentId}: event "${event}" is not allowed in status "${from}"`);
  }
}

/** A worker tried to move an intent whose lease it does not hold (it expired, or another worker holds it). */
export class FencedOutError extends RejectedError {
  constructor(
    readonly intentId: IntentId,
    readonly worker: WorkerId | null,
    readonly holder: WorkerId | null,
  ) {
    super(
      'fenced_out',
      `intent ${intentId} is leased by ${holder ?? 'nobody'}, not by ${worker ?? 'an anonymous actor'}`,
    );
  }
}

export class LeaseNotExpiredError extends RejectedError {
  constructor(
    readonly intentId: IntentId,
    readonly expiresAt: EpochMs | null,
  ) {
    super('lease_not_expired', `intent ${intentId}: its lease runs until ${String(expiresAt)}`);
  }
}

export function ruleFor(from: IntentStatus, event: IntentEvent): TransitionRule | undefined {
  return INTENT_TRANSITIONS[from][event];
}

export interface LeaseState {
  id: IntentId;
  status: IntentStatus;
  claimWorkerId: WorkerId | null;
  claimExpiresAt: EpochMs | null;
}

/**
 * Checks one transition against the table and the lease; returns the rule or throws a typed error.
 * `actor` is the worker asking; `now` decides whether a lease has expired.
 */
export function checkTransition(
  current: LeaseState,
  event: IntentEvent,
  actor: WorkerId | null,
  now: EpochMs,
): TransitionRule {
  const rule = ruleFor(current.status, event);
  if (!rule) throw new IllegalTransitionError(current.id, current.status, event);
  if (rule.guard === 'owner' && (actor === null || current.claimWorkerId !== actor)) {
    throw new FencedOutError(current.id, actor, current.claimWorkerId);
  }
  if (rule.guard === 'lease_expired' && current.claimExpiresAt !== null && current.claimExpiresAt > now) {
    throw new LeaseNotExpiredError(current.id, current.claimExpiresAt);
  }
  return rule;
}

/** The one status an event leads to from its single source state (claim, pick…); used by bulk statements. */
export function onlySourceOf(event: IntentEvent): { from: IntentStatus; rule: TransitionRule } {
  const sources = INTENT_STATUSES.filter((status) => INTENT_TRANSITIONS[status][event] !== undefined);
  const [from] = sources;
  const rule = from === undefined ? undefined : INTENT_TRANSITIONS[from][event];
  if (sources.length !== 1 || from === undefined || rule === undefined) {
    throw new Error(`event "${event}" has ${sources.length} source states; it cannot be applied in bulk`);
  }
  return { from, rule };
}
