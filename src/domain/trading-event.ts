// What happened, as the engine, the probe and the operator's switches saw it: facts for whoever listens
// (alerts today). The engine collects a bar's events in its BarSummary, so they reach listeners only
// after the bar committed; nothing here knows how, or whether, an event is delivered.
import type { EpochMs, IntentId, PositionId, VariantId } from './ids.ts';
import type { TradeSide } from './intent.ts';
import type { ExitReason, PositionSide } from './position.ts';
import type { TradingState } from './trading-state.ts';

interface VariantEvent {
  at: EpochMs;
  variantId: VariantId;
}

interface IntentEvent extends VariantEvent {
  intentId: IntentId;
  symbol: string;
}

/** A scanner's signal became a pending intent. */
export interface IntentCreated extends IntentEvent {
  type: 'intent_created';
  side: TradeSide;
}

/** The entry filled and the position is open (or was found open when a crashed attempt was reconciled). */
export interface IntentExecuted extends IntentEvent {
  type: 'intent_executed';
  positionId: PositionId;
  side: PositionSide;
  price: number;
  qty: number;
  stop: number;
}

/** A guard refused the entry (trading state, a lock, the compliance rules, the plan, the broker). */
export interface IntentRejected extends IntentEvent {
  type: 'intent_rejected';
  reason: string;
}

/** Deciding or executing the intent broke; the intent is failed with this reason. */
export interface IntentFailed extends IntentEvent {
  type: 'intent_failed';
  reason: string;
}

export interface PositionClosed extends VariantEvent {
  type: 'position_closed';
  positionId: PositionId;
  intentId: IntentId | null;
  symbol: string;
  side: PositionSide;
  exitReason: ExitReason;
  /** Realised, after every fee. */
  pnl: number;
  entryPrice: number;
  exitPrice: number;
  qty: number;
  /** A close by hand: who asked (`operator:cli`, `operator:api`, `telegram:<chat>`) and why. */
  by?: string;
  why?: string;
}

/** The equity monitor paused (soft) or halted (hard) the variant before the prop firm would act. */
export interface ComplianceBreach extends VariantEvent {
  type: 'compliance_breach';
  level: 'soft' | 'hard';
  /** The firm's rule: `daily_loss` or `max_loss`. */
  rule: string;
  reason: string;
  /** Positions the breach closed at the market, and those whose close failed (tried again later). */
  closedPositions: number;
  closeFailures: number;
}

export interface KillSwitchTripped extends VariantEvent {
  type: 'kill_switch_tripped';
  /** Who tripped it: `operator:cli`, `api`, `probe`, or a worker (a drawdown at a close). */
  actor: string;
  why: string;
}

export interface KillSwitchReset extends VariantEvent {
  type: 'kill_switch_reset';
  actor: string;
  why: string;
  /** The state the reset ended. */
  from: TradingState;
}

/** The dead-man probe found the variant's scanner late (or never seen while it holds intents). */
export interface HeartbeatStale extends VariantEvent {
  type: 'heartbeat_stale';
  /** Since the last scan ended (or the running one started); null when it never scanned. */
  ageMs: number | null;
  staleAfterMinutes: number;
  /** What the probe saw, in words. */
  detail: string;
}

/** Intents have waited for an analyst longer than the variant allows: none is running, or too few. */
export interface IntentsWaiting extends VariantEvent {
  type: 'intents_waiting';
  pending: number;
  /** Since the oldest of them was created. */
  oldestWaitMinutes: number;
  alertAfterMinutes: number;
}

/**
 * The equity monitor could not read a variant's broker account: its stops, its broker-side closes and
 * its prop-firm limits go unchecked until a look succeeds.
 */
export interface BrokerUnreachable extends VariantEvent {
  type: 'broker_unreachable';
  error: string;
}

/** A scheduled job threw: the bar step, the janitor or the equity monitor did not complete this run. */
export interface WorkerCrashed {
  type: 'worker_crashed';
  at: EpochMs;
  variantId: null;
  worker: string;
  error: string;
}

export type TradingEvent =
  | IntentCreated
  | IntentExecuted
  | IntentRejected
  | IntentFailed
  | PositionClosed
  | ComplianceBreach
  | KillSwitchTripped
  | KillSwitchReset
  | HeartbeatStale
  | IntentsWaiting
  | BrokerUnreachable
  | WorkerCrashed;

export type TradingEventType = TradingEvent['type'];

/** Where a worker reports what it did; absent = nobody listens. */
export type ReportEvent = (event: TradingEvent) => void;
