// The durable store, as the rest of Sigil needs it. Three implementations (SQLite, PostgreSQL, and an
// in-memory one for backtests and sweeps) pass one contract suite. Every method takes `now` as a value:
// the store never reads a clock.
import type { DecisionRecord } from '../decision-record.ts';
import type { JobRecord } from '../job.ts';
import type { StoreIdentity } from '../store-identity.ts';
import type { LeaseClaim, LeaseHolder, LeaseRecord } from '../lease.ts';
import type { CachedLlmResponse, LlmAmount, LlmLimits, LlmSpend } from '../llm-usage.ts';
import type { OrderRequest, OrderResult, OrderSide } from '../order.ts';
import type { StopLevels } from './broker.ts';
import type { ScannerHeartbeat } from '../heartbeat.ts';
import type { EpochMs, IntentId, PositionId, VariantId, WorkerId } from '../ids.ts';
import type { IntentNaturalKey, NewIntent, TradeIntent } from '../intent.ts';
import type { IntentStatus } from '../intent-lifecycle.ts';
import type { TransitionRequest } from '../intent-transition.ts';
import type { NewPosition, Position, PositionBar, PositionClose } from '../position.ts';
import type { ProtectionKind, SymbolProtection } from '../protection.ts';
import type { TradingState, TradingStateChange, TradingStateRecord } from '../trading-state.ts';

export type DialectName = 'sqlite' | 'postgres' | 'memory';

export interface InsertResult {
  intent: TradeIntent;
  /** False when an intent with the same idempotency key or natural key already existed. */
  inserted: boolean;
}

export interface ClaimOptions {
  /** How many intents to claim at most (default 1). */
  limit?: number;
  /** Claim only this variant's intents. */
  variantId?: VariantId;
}

export interface IntentQuery {
  statuses?: readonly IntentStatus[];
  variantId?: VariantId;
  symbol?: string;
  tradeDate?: string;
  /**
   * A UTC day, YYYY-MM-DD: the intents whose trade date falls on it — a daily scanner's date itself, or
   * an hourly scanner's bar close time (an ISO time in Z) on that day.
   */
  tradeDay?: string;
  /** Latest first (the dashboard's recent intents); default oldest first. */
  newestFirst?: boolean;
  limit?: number;
  offset?: number;
}

export interface EquityHeadline {
  latest: EquitySnapshot | null;
  /** Null without snapshots. */
  peak: number | null;
}

export interface StatusCount {
  variantId: VariantId;
  status: IntentStatus;
  count: number;
}

export interface RecycleOptions {
  /** Leases taken this many times are abandoned (cancelled) instead of requeued. */
  maxAttempts: number;
}

export interface RecycleResult {
  timedOut: number;
  requeued: number;
  abandoned: number;
}

export interface ClosedPositionQuery {
  variantId?: VariantId;
  symbol?: string;
  /** Only positions closed after this time (exclusive). */
  closedAfter?: EpochMs;
}

/** A variant's realised P&L: the running total of its closed trades in close order, and that total's peak. */
export interface RealizedPnl {
  total: number;
  /** The highest the running total ever was, 0 included (the account's start). */
  peak: number;
  trades: number;
}

export interface EquitySnapshot {
  variantId: VariantId;
  at: EpochMs;
  /** Starting balance + realised P&L (fees included). */
  balance: number;
  /** Balance + open positions marked at the last price. */
  equity: number;
  openPositions: number;
}

/** An order as stored: what was asked (without the paper-only limit hint) and what the broker answered. */
export interface StoredOrder {
  request: Omit<OrderRequest, 'limitHint' | 'brokerRef'>;
  result: OrderResult;
}

/** An order written down before it is sent to a broker that keeps no client order id. */
export interface OrderAttempt {
  clientOrderId: string;
  account: string;
  variantId: VariantId;
  symbol: string;
  side: OrderSide;
  qty: number;
  sentAt: EpochMs;
}

/** A day's broker requests: every call, order / SL / TP modifications, positions opened. */
export interface ApiCallCounts {
  all: number;
  modifications: number;
  positions: number;
}

export type ApiCallLimits = { [K in keyof ApiCallCounts]: number | null };

export interface Store {
  readonly dialect: DialectName;

  /** Idempotent on the idempotency key and on (symbol, trade_date, source, variant). */
  insertIntent(intent: NewIntent, actor: string, now: EpochMs): Promise<InsertResult>;
  insertIntents(intents: readonly NewIntent[], actor: string, now: EpochMs): Promise<InsertResult[]>;
  intentExists(key: IntentNaturalKey): Promise<boolean>;

  /** Atomically leases the oldest claimable pending intents to `worker`. */
  claimPending(worker: WorkerId, now: EpochMs, options?: ClaimOptions): Promise<TradeIntent[]>;
  claimNextPending(
    worker: WorkerId,
    now: EpochMs,
    options?: Omit<ClaimOptions, 'limit'>,
  ): Promise<TradeIntent | null>;
  /** Picks ready intents for execution under a lease (ready_for_exec → executing). */
  pickReady(worker: WorkerId, now: EpochMs, options?: ClaimOptions): Promise<TradeIntent[]>;

  /** Applies one event through the transition table, with its decision record, atomically. */
  transition(request: TransitionRequest, now: EpochMs): Promise<TradeIntent>;
  /** All or nothing: if one request is refused, none is applied. */
  transitionMany(requests: readonly TransitionRequest[], now: EpochMs): Promise<TradeIntent[]>;
  /** Long work extends its lease; only the holder may. */
  extendLease(id: IntentId, worker: WorkerId, now: EpochMs): Promise<TradeIntent>;

  /** Janitor: expired claimed leases → timed_out → pending (or cancelled after too many attempts). */
  recycleExpiredClaims(now: EpochMs, options: RecycleOptions): Promise<RecycleResult>;
  /** Janitor: pending and ready intents past their expiry → cancelled. */
  expireStaleIntents(now: EpochMs): Promise<number>;
  /** Deletes intents in a terminal status, untouched for `retentionDays`, with their records. */
  cleanupOldIntents(retentionDays: number, now: EpochMs): Promise<number>;

  getIntent(id: IntentId): Promise<TradeIntent | null>;
  listIntents(query?: IntentQuery): Promise<TradeIntent[]>;
  countByStatus(): Promise<StatusCount[]>;
  decisionRecords(id: IntentId): Promise<DecisionRecord[]>;

  /** Throws PositionAlreadyOpenError when the variant already holds the symbol. */
  openPosition(position: NewPosition): Promise<Position>;
  closePosition(id: PositionId, close: PositionClose): Promise<Position>;
  getPosition(id: PositionId): Promise<Position | null>;
  openPositions(variantId?: VariantId): Promise<Position[]>;
  openPositionOf(variantId: VariantId, symbol: string): Promise<Position | null>;
  /**
   * A bar applied to the open position the caller holds: its stop, best and worst prices and bar count
   * after the bar (only these change while a position is open); returns the position as advanced.
   */
  advancePosition(position: Position, bar: PositionBar): Promise<Position>;
  closedPositions(query?: ClosedPositionQuery): Promise<Position[]>;
  realizedPnl(variantId: VariantId): Promise<RealizedPnl>;
  /** The running total alone: cheaper than realizedPnl (no peak, so no ordered scan). */
  realizedTotal(variantId: VariantId): Promise<number>;
  /**
   * The entry path's lock on (variant, symbol), held until the transaction ends. Only inside
   * `transaction`. False when another entry holds it: skip the symbol this cycle. Where the dialect has
   * no advisory locks the write transaction itself serialises entries, and this is always true.
   */
  tryLockEntry(variantId: VariantId, symbol: string): Promise<boolean>;

  /** Writes a lock; an existing lock of the same kind that lasts longer is kept (locks never shorten). */
  upsertProtection(
    protection: Omit<SymbolProtection, 'createdAt' | 'updatedAt'>,
    now: EpochMs,
  ): Promise<void>;
  /** Locks in force at `now` for the symbol, including variant-wide ones. */
  activeProtections(variantId: VariantId, symbol: string, now: EpochMs): Promise<SymbolProtection[]>;
  /** Every lock in force at `now`, for operators. */
  protectionsInForce(now: EpochMs, variantId?: VariantId): Promise<SymbolProtection[]>;
  /**
   * Ends at `now` the locks of these kinds in force on exactly (variant, symbol) — '*' names the
   * variant-wide ones — appending `note` to each reason (the row stays, as history); returns them as lifted.
   */
  liftProtections(
    lift: { variantId: VariantId; symbol: string; kinds: readonly ProtectionKind[]; note: string },
    now: EpochMs,
  ): Promise<SymbolProtection[]>;

  tradingState(variantId: VariantId): Promise<TradingStateRecord>;
  tradingStates(): Promise<TradingStateRecord[]>;
  /** Switches a variant's trading state and appends the change to its audit trail (no-op if unchanged). */
  setTradingState(
    change: { variantId: VariantId; state: TradingState; reason: string; actor: string },
    now: EpochMs,
  ): Promise<TradingStateRecord>;
  tradingStateChanges(variantId: VariantId): Promise<TradingStateChange[]>;

  /** Records a broker's answer to an order, once per client order id; returns the stored answer. */
  recordOrder(request: StoredOrder['request'], result: OrderResult): Promise<OrderResult>;
  findOrder(clientOrderId: string): Promise<OrderResult | null>;
  findOrderByBrokerRef(brokerRef: string): Promise<StoredOrder | null>;
  /** A variant's orders, oldest first: the paper account is rebuilt from them. */
  variantOrders(variantId: VariantId): Promise<StoredOrder[]>;
  setOrderStops(clientOrderId: string, stops: StopLevels): Promise<void>;
  /** Writes down a send; a later send under the same client order id replaces it (its size and time). */
  recordOrderAttempt(attempt: OrderAttempt): Promise<OrderAttempt>;
  orderAttempt(clientOrderId: string): Promise<OrderAttempt | null>;

  /** Counts broker calls before they are sent if every counter stays within its limit; false if not. */
  spendApiCalls(account: string, day: string, calls: ApiCallCounts, limits: ApiCallLimits): Promise<boolean>;
  apiCalls(account: string, day: string): Promise<ApiCallCounts>;

  cachedLlmResponse(key: string): Promise<CachedLlmResponse | null>;
  /** Keeps the first answer stored under a key. */
  cacheLlmResponse(entry: CachedLlmResponse): Promise<void>;
  /** Reserves a call's worst case against the variant's caps for the day; false when it does not fit. */
  reserveLlmSpend(variantId: VariantId, day: string, amount: LlmAmount, limits: LlmLimits): Promise<boolean>;
  /** Releases the reservation and books the call's real cost. */
  settleLlmSpend(
    variantId: VariantId,
    day: string,
    reserved: LlmAmount,
    actual: LlmAmount & { calls: number },
  ): Promise<void>;
  llmSpend(variantId: VariantId, day: string): Promise<LlmSpend>;

  recordEquity(snapshot: EquitySnapshot): Promise<void>;
  equitySnapshots(variantId: VariantId, since?: EpochMs): Promise<EquitySnapshot[]>;
  /** The latest snapshot and the highest equity ever snapshotted, without reading them all (a scrape's). */
  equityHeadline(variantId: VariantId): Promise<EquityHeadline>;

  /** Registers a job if it does not exist yet; an existing job keeps its schedule (it survives restarts). */
  ensureJob(name: string, firstRunAt: EpochMs, now: EpochMs): Promise<JobRecord>;
  /** Leases the named jobs that are due at `now` and not leased by a live run. */
  claimDueJobs(names: readonly string[], owner: string, now: EpochMs, leaseMs: number): Promise<JobRecord[]>;
  /** Ends the owner's run: records it and sets the next run. False if the lease was lost to another owner. */
  finishJob(name: string, owner: string, ranAt: EpochMs, nextRunAt: EpochMs, now: EpochMs): Promise<boolean>;
  /** Extends the owner's lease of a running job; false if the run is no longer the owner's. */
  renewJobLease(name: string, owner: string, leaseUntil: EpochMs, now: EpochMs): Promise<boolean>;
  /** Moves a job's next run (e.g. skipping runs missed while down). */
  rescheduleJob(name: string, nextRunAt: EpochMs, now: EpochMs): Promise<void>;
  jobs(names?: readonly string[]): Promise<JobRecord[]>;
  /**
   * Frees the named jobs' run leases (owner and lease end), whoever holds them: the new owner of a dead
   * process's variants takes over its jobs at once instead of waiting out their leases.
   */
  freeJobLeases(names: readonly string[], now: EpochMs): Promise<void>;

  /**
   * Takes every named lease or none (see LeaseRecord); `now` and `ttlMs` are wall-clock. `replacing`:
   * holders known dead (a process of this host that no longer exists), whose leases are taken even live.
   */
  acquireLeases(
    names: readonly string[],
    holder: LeaseHolder,
    now: EpochMs,
    ttlMs: number,
    replacing?: readonly string[],
  ): Promise<LeaseClaim>;
  /** Extends the holder's live leases; false, and nothing changed, if any is no longer its own. */
  renewLeases(names: readonly string[], holder: string, now: EpochMs, ttlMs: number): Promise<boolean>;
  /** Ends the holder's leases now (a clean stop); others' leases are untouched. */
  releaseLeases(names: readonly string[], holder: string, now: EpochMs): Promise<void>;
  /** The named leases, or all, by name — lapsed ones included. */
  leases(names?: readonly string[]): Promise<LeaseRecord[]>;

  /** What the store was started for (null until a run starts on it); see StoreIdentity. */
  storeIdentity(): Promise<StoreIdentity | null>;
  /** Records `identity` unless the store has one already; returns the one in force. */
  claimStoreIdentity(identity: StoreIdentity): Promise<StoreIdentity>;

  /** The next update a control channel (e.g. `telegram:<bot id>`) reads; null before its first save. */
  controlOffset(channel: string): Promise<number | null>;
  /** Moves the channel's offset forward (never back); returns the offset in force. */
  saveControlOffset(channel: string, offset: number, now: EpochMs): Promise<number>;

  recordScanStart(variantId: VariantId, now: EpochMs): Promise<void>;
  recordScanEnd(variantId: VariantId, now: EpochMs, error: string | null): Promise<void>;
  heartbeats(): Promise<ScannerHeartbeat[]>;

  /**
   * A token that changes whenever ANOTHER connection or process commits to this store (SQLite's
   * data_version), for a caller that keeps what it read across its own transactions — the replay's
   * state cache — to know when that is stale. Absent, or null, where the store offers no such token
   * (PostgreSQL): then nothing may be kept across transactions.
   */
  externalVersion?(): Promise<number | null>;

  /** Runs `fn` in one transaction (one commit, one fsync); nested calls join the outer one. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
