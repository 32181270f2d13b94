// The immutable audit row written with every status change of an intent, in the same transaction.
import type { EpochMs, IntentId } from './ids.ts';
import type { IntentEvent, IntentStatus } from './intent-lifecycle.ts';

export interface DecisionRecord {
  /** Increases with every record written to the store; orders the records of one intent. */
  seq: number;
  intentId: IntentId;
  /** Null for the record that creates the intent. */
  from: IntentStatus | null;
  to: IntentStatus;
  event: IntentEvent | 'create';
  /** Who caused it: a worker id, `janitor`, `operator`, `scanner:<variant>`. */
  actor: string;
  reason: string;
  /** What the actor saw when it decided (a verdict, a guard's numbers); free-form JSON. */
  snapshot: unknown;
  at: EpochMs;
}
