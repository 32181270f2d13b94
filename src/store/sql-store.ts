// The Store port over a SQL driver. One implementation for SQLite and PostgreSQL: the dialects differ
// only in the capabilities the driver declares (row locks, SKIP LOCKED), never by name.
//
// Every status change goes through `planTransition` (the one transition table) and writes its decision
// record in the same transaction. Batch methods exist because a commit costs an fsync (~0.1 ms here):
// claiming, deciding or closing a hundred intents in one transaction pays it once.
import type { DecisionRecord } from '../domain/decision-record.ts';
import type { ScannerHeartbeat } from '../domain/heartbeat.ts';
import type { EpochMs, IntentId, PositionId, VariantId, WorkerId } from '../domain/ids.ts';
import { workerId } from '../domain/ids.ts';
import type { IntentNaturalKey, NewIntent, TradeIntent } from '../domain/intent.ts';
import {
  INTENT_STATUSES,
  INTENT_TRANSITIONS,
  LEASED_STATUSES,
  TERMINAL_STATUSES,
  onlySourceOf,
  type IntentEvent,
  type IntentStatus,
} from '../domain/intent-lifecycle.ts';
import { FencedOutError } from '../domain/intent-lifecycle.ts';
import { planTransition, type IntentChanges, type TransitionRequest } from '../domain/intent-transition.ts';
import type {
  ClaimOptions,
  ClosedPositionQuery,
  DialectName,
  EquityHeadline,
  EquitySnapshot,
  RealizedPnl,
  InsertResult,
  IntentQuery,
  RecycleOptions,
  RecycleResult,
  StatusCount,
  Store,
  StoredOrder,
  OrderAttempt,
  ApiCallCounts,
  ApiCallLimits,
} from '../domain/ports/store.ts';
import {
  advanced,
  type NewPosition,
  type Position,
  type PositionBar,
  type PositionClose,
} from '../domain/position.ts';
import { ALL_SYMBOLS, type ProtectionKind, type SymbolProtection } from '../domain/protection.ts';
import type { TradingState, TradingStateChange, TradingStateRecord } from '../domain/trading-state.ts';
import { advisoryKey } from './migrator.ts';
import * as jobRows from './job-rows.ts';
import * as leaseRows from './lease-rows.ts';
import * as identityRows from './identity-rows.ts';
import * as controlOffsetRows from './control-offset-rows.ts';
import type { StoreIdentity } from '../domain/store-identity.ts';
import * as orderRows from './order-rows.ts';
import * as llmRows from './llm-rows.ts';
import * as apiCallRows from './api-call-rows.ts';
import * as realized from './realized-pnl-rows.ts';
import * as equityRows from './equity-rows.ts';
import type { StopLevels } from '../domain/ports/broker.ts';
import type { CachedLlmResponse, LlmAmount, LlmLimits, LlmSpend } from '../domain/llm-usage.ts';
import type { OrderResult } from '../domain/order.ts';
import type { JobRecord } from '../domain/job.ts';
import type { LeaseClaim, LeaseHolder, LeaseRecord } from '../domain/lease.ts';
import {
  readTradingState,
  readTradingStateChanges,
  readTradingStates,
  writeTradingState,
} from './trading-state-rows.ts';
import { RejectedError, RetryableError } from '../domain/errors.ts';
import {
  changeColumns,
  INSERT_COLUMNS,
  insertValues,
  intentFromRow,
  RECORD_COLUMNS,
  recordFromRow,
  recordValues,
} from './intent-row.ts';
import { buildIntent, creationRecord, sameNaturalKey } from './new-intent.ts';
import { POSITION_INSERT_COLUMNS, positionFromRow, positionInsertValues } from './position-row.ts';
import {
  chunkRows,
  valuesPlaceholders,
  type Row,
  type SqlDriver,
  type SqlExecutor,
  type SqlValue,
} from './sql-driver.ts';
import {
  IdempotencyConflictError,
  IntentNotFoundError,
  PositionAlreadyOpenError,
  PositionNotOpenError,
} from './store-errors.ts';

const JANITOR = workerId('janitor');
/** The queues an intent expires from: pending and ready ones nobody acted on in time. */
const EXPIRING_STATUSES = INTENT_STATUSES.filter((status) => INTENT_TRANSITIONS[status].expire !== undefined);
/** Rows the janitor moves per transaction, so one sweep never holds the writer lock for long. */
const SWEEP_BATCH = 500;
/** The end of a lease taken or extended at the bound `now`: the intent's own TTL, in BIGINT arithmetic. */
const LEASE_END = 'CAST(? AS BIGINT) + claim_ttl_minutes * CAST(60000 AS BIGINT)';
const ONE_OPEN_POSITION = {
  name: 'positions_one_open_per_symbol',
  columns: ['positions.symbol', 'positions.variant_id'],
};

export class SqlStore implements Store {
  constructor(
    private readonly driver: SqlDriver,
    private readonly db: SqlExecutor = driver,
    private readonly inTransaction = false,
  ) {}

  get dialect(): DialectName {
    return this.driver.dialect.name;
  }

  async externalVersion(): Promise<number | null> {
    const sql = this.driver.dialect.externalVersionSql;
    if (sql === null) return null;
    const [row] = await this.db.query(sql);
    const value = row ? Object.values(row)[0] : undefined;
    return typeof value === 'number' ? value : null;
  }

  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    return this.driver.transaction((tx) => fn(new SqlStore(this.driver, tx, true)));
  }

  close(): Promise<void> {
    return this.driver.close();
  }

  private withTx<T>(fn: (db: SqlExecutor) => Promise<T>): Promise<T> {
    return this.inTransaction ? fn(this.db) : this.driver.transaction(fn);
  }

  // ── Intents: insert ────────────────────────────────────────────────────────────────────────────

  async insertIntent(intent: NewIntent, actor: string, now: EpochMs): Promise<InsertResult> {
    const [result] = await this.insertIntents([intent], actor, now);
    if (!result) throw new Error('insertIntents returned no result for one intent');
    return result;
  }

  async insertIntents(inputs: readonly NewIntent[], actor: string, now: EpochMs): Promise<InsertResult[]> {
    const built = inputs.map((input) => buildIntent(input, now));
    if (built.length === 0) return [];
    return this.withTx(async (db) => {
      const inserted = new Set<string>();
      for (const chunk of chunkRows(built, INSERT_COLUMNS.length, this.driver.dialect)) {
        const rows = await db.query<{ id: string }>(
          `INSERT INTO intents (${INSERT_COLUMNS.join(', ')}) VALUES ${valuesPlaceholders(chunk.length, INSERT_COLUMNS.length)} ` +
            'ON CONFLICT DO NOTHING RETURNING id',
          chunk.flatMap(insertValues),
        );
        for (const row of rows) inserted.add(row.id);
      }
      const results: InsertResult[] = [];
      const records: Omit<DecisionRecord, 'seq'>[] = [];
      for (const intent of built) {
        // A batch may repeat an intent: only its first occurrence counts as inserted.
        if (inserted.delete(intent.id)) {
          results.push({ intent, inserted: true });
          records.push(creationRecord(intent.id, actor, now));
        } else {
          results.push({ intent: await this.existingFor(db, intent), inserted: false });
        }
      }
      await this.insertRecords(db, records);
      return results;
    });
  }

  private async existingFor(db: SqlExecutor, intent: TradeIntent): Promise<TradeIntent> {
    const rows = await db.query(
      'SELECT * FROM intents WHERE idempotency_key = ? OR (trade_date = ? AND symbol = ? AND source = ? AND variant_id = ?)',
      [intent.idempotencyKey, intent.tradeDate, intent.symbol, intent.source, intent.variantId],
    );
    const existing = rows.map(intentFromRow);
    const sameKey = existing.find((other) => other.idempotencyKey === intent.idempotencyKey);
    if (sameKey && !sameNaturalKey(sameKey, intent))
      throw new IdempotencyConflictError(intent.idempotencyKey, sameKey.id);
    const found = sameKey ?? existing[0];
    // Only possible if the conflicting row vanished between our insert and this read.
    if (!found)
      throw new RetryableError(
        'insert_race',
        `intent ${intent.id} conflicted with a row that is gone; retry`,
      );
    return found;
  }

  async intentExists(key: IntentNaturalKey): Promise<boolean> {
    const rows = await this.db.query(
      'SELECT 1 AS found FROM intents WHERE trade_date = ? AND symbol = ? AND source = ? AND variant_id = ?',
      [key.tradeDate, key.symbol, key.source, key.variantId],
    );
    return rows.length > 0;
  }

  // ── Intents: leases ────────────────────────────────────────────────────────────────────────────

  claimPending(worker: WorkerId, now: EpochMs, options: ClaimOptions = {}): Promise<TradeIntent[]> {
    return this.leaseNext('claim', worker, now, options);
  }

  async claimNextPending(
    worker: WorkerId,
    now: EpochMs,
    options: Omit<ClaimOptions, 'limit'> = {},
  ): Promise<TradeIntent | null> {
    const [intent] = await this.leaseNext('claim', worker, now, { ...options, limit: 1 });
    return intent ?? null;
  }

  pickReady(worker: WorkerId, now: EpochMs, options: ClaimOptions = {}): Promise<TradeIntent[]> {
    return this.leaseNext('pick', worker, now, options);
  }

  /**
   * One conditional UPDATE takes the oldest unexpired intents of the event's source status. On PostgreSQL
   * the inner SELECT skips rows other claimers hold (FOR UPDATE SKIP LOCKED); on SQLite the IMMEDIATE
   * transaction makes claimers take turns. The changes are those `planTransition` makes for a lease.
   */
  private leaseNext(
    event: Extract<IntentEvent, 'claim' | 'pick'>,
    worker: WorkerId,
    now: EpochMs,
    options: ClaimOptions,
  ): Promise<TradeIntent[]> {
    const { from, rule } = onlySourceOf(event);
    const limit = options.limit ?? 1;
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`claim limit must be a whole number ≥ 1, got ${limit}`);
    const variantFilter = options.variantId ? ' AND variant_id = ?' : '';
    // A decision is never executed before it was made: a replay bar retried after a crash (its
    // decisions committed, its run not yet recorded) must not fill at its own open what was decided at
    // its close. A ready intent's updated_at is the time of its decision.
    const decidedBy = event === 'pick' ? ' AND updated_at <= ?' : '';
    const lock = this.driver.dialect.skipLocked ? ' FOR UPDATE SKIP LOCKED' : '';
    return this.withTx(async (db) => {
      // The candidates first, then the update by id: SQLite spent ~110 µs on `UPDATE … WHERE id IN
      // (SELECT … LIMIT ?)` even when the queue was empty — twice a bar in a replay — against ~6 µs for
      // the SELECT alone. The rows the SELECT picks are the writer's (SQLite's IMMEDIATE transaction) or
      // locked by it (PostgreSQL's FOR UPDATE SKIP LOCKED) until the transaction ends, as before.
      const picked = await db.query<{ id: string }>(
        `SELECT id FROM intents WHERE status = ${statusLiteral(from)} AND (expires_at IS NULL OR expires_at > ?)${decidedBy}${variantFilter}
         ORDER BY created_at, id${limitClause(limit)}${lock}`,
        [now, ...(event === 'pick' ? [now] : []), ...(options.variantId ? [options.variantId] : [])],
      );
      const rows: Row[] = [];
      for (const chunk of chunkRows(picked, 1, this.driver.dialect)) {
        const updated = await db.query(
          `UPDATE intents SET status = ?, status_reason = '', claim_worker_id = ?, claim_ts = ?,
             claim_expires_at = ${LEASE_END},
             attempts = attempts + ?, updated_at = ?
           WHERE id IN (${chunk.map(() => '?').join(', ')})
           RETURNING *`,
          [rule.to, worker, now, now, event === 'claim' ? 1 : 0, now, ...chunk.map((row) => row.id)],
        );
        rows.push(...updated);
      }
      const intents = rows
        .map(intentFromRow)
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
      await this.insertRecords(
        db,
        intents.map((intent) => ({
          intentId: intent.id,
          from,
          to: rule.to,
          event,
          actor: worker,
          reason: '',
          snapshot: null,
          at: now,
        })),
      );
      return intents;
    });
  }

  async extendLease(id: IntentId, worker: WorkerId, now: EpochMs): Promise<TradeIntent> {
    const [row] = await this.db.query(
      `UPDATE intents SET claim_expires_at = ${LEASE_END}, updated_at = ?
       WHERE id = ? AND status IN (${LEASED_STATUSES.map(() => '?').join(', ')}) AND claim_worker_id = ? RETURNING *`,
      [now, now, id, ...LEASED_STATUSES, worker],
    );
    if (row) return intentFromRow(row);
    const current = await this.getIntent(id);
    if (!current) throw new IntentNotFoundError(id);
    throw new FencedOutError(
      id,
      worker,
      LEASED_STATUSES.includes(current.status) ? current.claimWorkerId : null,
    );
  }

  // ── Intents: transitions ───────────────────────────────────────────────────────────────────────

  async transition(request: TransitionRequest, now: EpochMs): Promise<TradeIntent> {
    const [intent] = await this.transitionMany([request], now);
    if (!intent) throw new Error('transitionMany returned no intent for one request');
    return intent;
  }

  transitionMany(requests: readonly TransitionRequest[], now: EpochMs): Promise<TradeIntent[]> {
    if (requests.length === 0) return Promise.resolve([]);
    return this.withTx((db) => this.applyTransitions(db, requests, now));
  }

  private async applyTransitions(
    db: SqlExecutor,
    requests: readonly TransitionRequest[],
    now: EpochMs,
  ): Promise<TradeIntent[]> {
    // Lock in id order so that two batches touching the same intents cannot deadlock.
    const ids = [...new Set(requests.map((request) => request.id))].sort();
    const lock = this.driver.dialect.rowLocks ? ' FOR UPDATE' : '';
    const current = new Map<IntentId, TradeIntent>();
    for (const chunk of chunkRows(ids, 1, this.driver.dialect)) {
      const rows = await db.query(
        `SELECT * FROM intents WHERE id IN (${chunk.map(() => '?').join(', ')}) ORDER BY id${lock}`,
        chunk,
      );
      for (const row of rows) current.set(row.id as IntentId, intentFromRow(row));
    }

    const changed = new Map<IntentId, IntentChanges>();
    const records: Omit<DecisionRecord, 'seq'>[] = [];
    const results: TradeIntent[] = [];
    for (const request of requests) {
      const intent = current.get(request.id);
      if (!intent) throw new IntentNotFoundError(request.id);
      const plan = planTransition(intent, request, now);
      const changes = withoutUndefined(plan.changes);
      Object.assign(intent, changes);
      changed.set(intent.id, { ...changed.get(intent.id), ...changes });
      records.push(plan.record);
      results.push({ ...intent }); // the state after this request, even if a later one moves it again
    }

    // Rows that change the same columns go to the database in one bulk update.
    const groups = new Map<string, { columns: { name: string; pgType: string }[]; rows: SqlValue[][] }>();
    for (const [id, changes] of changed) {
      const columns = changeColumns(changes);
      const signature = columns.map((column) => column.name).join(',');
      let group = groups.get(signature);
      if (!group) groups.set(signature, (group = { columns, rows: [] }));
      group.rows.push([id, ...columns.map((column) => column.value)]);
    }
    for (const group of groups.values()) {
      await db.updateRows({ table: 'intents', key: 'id', columns: group.columns, rows: group.rows });
    }
    await this.insertRecords(db, records);
    return results;
  }

  private async insertRecords(
    db: SqlExecutor,
    records: readonly Omit<DecisionRecord, 'seq'>[],
  ): Promise<void> {
    for (const chunk of chunkRows(records, RECORD_COLUMNS.length, this.driver.dialect)) {
      await db.execute(
        `INSERT INTO decision_records (${RECORD_COLUMNS.join(', ')}) VALUES ${valuesPlaceholders(chunk.length, RECORD_COLUMNS.length)}`,
        chunk.flatMap(recordValues),
      );
    }
  }

  // ── Intents: janitor ───────────────────────────────────────────────────────────────────────────

  async recycleExpiredClaims(now: EpochMs, options: RecycleOptions): Promise<RecycleResult> {
    const total: RecycleResult = { timedOut: 0, requeued: 0, abandoned: 0 };
    const { from } = onlySourceOf('lease_expired');
    for (;;) {
      const batch = await this.withTx(async (db) => {
        const rows = await db.query(
          `SELECT * FROM intents WHERE status = ${statusLiteral(from)} AND claim_expires_at <= ? ORDER BY claim_expires_at${limitClause(SWEEP_BATCH)}${this.skipLocked()}`,
          [now],
        );
        const requests: TransitionRequest[] = [];
        let abandoned = 0;
        for (const intent of rows.map(intentFromRow)) {
          const expired = intent.expiresAt !== null && intent.expiresAt <= now;
          const exhausted = intent.attempts >= options.maxAttempts;
          const lapsed = `lease of ${intent.claimWorkerId ?? 'unknown'} expired`;
          requests.push({ id: intent.id, event: 'lease_expired', actor: JANITOR, reason: lapsed });
          if (expired || exhausted) {
            abandoned++;
            const why = expired
              ? 'the intent expired while claimed'
              : `gave up after ${intent.attempts} claims`;
            requests.push({ id: intent.id, event: 'abandon', actor: JANITOR, reason: why });
          } else {
            requests.push({
              id: intent.id,
              event: 'requeue',
              actor: JANITOR,
              reason: `${lapsed}; back in the queue`,
            });
          }
        }
        await this.applyTransitions(db, requests, now);
        return { found: rows.length, abandoned };
      });
      total.timedOut += batch.found;
      total.abandoned += batch.abandoned;
      total.requeued += batch.found - batch.abandoned;
      if (batch.found < SWEEP_BATCH || this.inTransaction) return total;
    }
  }

  async expireStaleIntents(now: EpochMs): Promise<number> {
    let total = 0;
    // One queue at a time, each through its partial index: the sweep reads the live queue, not history.
    for (const source of EXPIRING_STATUSES) total += await this.expireFrom(source, now);
    return total;
  }

  private async expireFrom(source: IntentStatus, now: EpochMs): Promise<number> {
    let total = 0;
    for (;;) {
      const found = await this.withTx(async (db) => {
        const rows = await db.query<{ id: IntentId }>(
          // In queue order, the order of the queue's partial index (ordering by id read the whole table).
          `SELECT id FROM intents WHERE status = ${statusLiteral(source)} AND expires_at <= ?
           ORDER BY created_at, id${limitClause(SWEEP_BATCH)}${this.skipLocked()}`,
          [now],
        );
        await this.applyTransitions(
          db,
          rows.map((row) => ({
            id: row.id,
            event: 'expire',
            actor: JANITOR,
            reason: 'expired before it was acted on',
          })),
          now,
        );
        return rows.length;
      });
      total += found;
      if (found < SWEEP_BATCH || this.inTransaction) return total;
    }
  }

  async cleanupOldIntents(retentionDays: number, now: EpochMs): Promise<number> {
    if (!(retentionDays > 0))
      throw new RejectedError('invalid_retention', `retention_days must be above 0, got ${retentionDays}`);
    const cutoff = now - retentionDays * 86_400_000;
    // Written out as the partial index intents_terminal_age spells it, so the sweep seeks the old rows
    // instead of reading every intent.
    const terminal = `status IN (${TERMINAL_STATUSES.map(statusLiteral).join(', ')}) AND updated_at < ?`;
    const params = [cutoff];
    return this.withTx(async (db) => {
      await db.execute(
        `DELETE FROM decision_records WHERE intent_id IN (SELECT id FROM intents WHERE ${terminal})`,
        params,
      );
      return db.execute(`DELETE FROM intents WHERE ${terminal}`, params);
    });
  }

  private skipLocked(): string {
    return this.driver.dialect.skipLocked ? ' FOR UPDATE SKIP LOCKED' : '';
  }

  // ── Intents: queries ───────────────────────────────────────────────────────────────────────────

  async getIntent(id: IntentId): Promise<TradeIntent | null> {
    const [row] = await this.db.query('SELECT * FROM intents WHERE id = ?', [id]);
    return row ? intentFromRow(row) : null;
  }

  async listIntents(query: IntentQuery = {}): Promise<TradeIntent[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    // Literal statuses, one as `=`: then it is a partial index's own term (the adoption sweep asks every
    // few minutes for 'executing', and must not read every intent ever made to find none).
    const statuses = query.statuses ?? [];
    if (statuses.length === 1) where.push(`status = ${statusLiteral(statuses[0] as IntentStatus)}`);
    else if (statuses.length > 1) where.push(`status IN (${statuses.map(statusLiteral).join(', ')})`);
    for (const [column, value] of [
      ['variant_id', query.variantId],
      ['symbol', query.symbol],
      ['trade_date', query.tradeDate],
    ] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      params.push(value);
    }
    if (query.tradeDay !== undefined) {
      // substr, not LIKE: a day holds no wildcard to escape, and both databases compare it the same.
      where.push('(trade_date = ? OR substr(trade_date, 1, 11) = ?)');
      params.push(query.tradeDay, `${query.tradeDay}T`);
    }
    const order = query.newestFirst ? 'created_at DESC, id DESC' : 'created_at, id';
    const rows = await this.db.query(
      `SELECT * FROM intents${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order}${limitClause(query.limit ?? 2_147_483_647)}${query.offset ? ' OFFSET ?' : ''}`,
      query.offset ? [...params, query.offset] : params,
    );
    return rows.map(intentFromRow);
  }

  async countByStatus(): Promise<StatusCount[]> {
    const rows = await this.db.query<{ variant_id: VariantId; status: IntentStatus; count: number }>(
      'SELECT variant_id, status, COUNT(*) AS count FROM intents GROUP BY variant_id, status ORDER BY variant_id, status',
    );
    return rows.map((row) => ({ variantId: row.variant_id, status: row.status, count: Number(row.count) }));
  }

  async decisionRecords(id: IntentId): Promise<DecisionRecord[]> {
    const rows = await this.db.query('SELECT * FROM decision_records WHERE intent_id = ? ORDER BY seq', [id]);
    return rows.map(recordFromRow);
  }

  // ── Positions ──────────────────────────────────────────────────────────────────────────────────

  async openPosition(position: NewPosition): Promise<Position> {
    try {
      const [row] = await this.db.query(
        `INSERT INTO positions (${POSITION_INSERT_COLUMNS.join(', ')}) VALUES ${valuesPlaceholders(1, POSITION_INSERT_COLUMNS.length)} RETURNING *`,
        positionInsertValues(position),
      );
      if (!row) throw new Error('INSERT … RETURNING returned no row');
      return positionFromRow(row);
    } catch (error) {
      if (this.driver.dialect.isUniqueViolation(error, ONE_OPEN_POSITION)) {
        throw new PositionAlreadyOpenError(position.variantId, position.symbol);
      }
      throw error;
    }
  }

  closePosition(id: PositionId, close: PositionClose): Promise<Position> {
    return this.withTx(async (db) => {
      const last = close.lastBar;
      const [row] = await db.query(
        `UPDATE positions SET status = 'closed', closed_at = ?, exit_price = ?, exit_reason = ?, exit_tag = ?, fees = ?, pnl = ?${
          last ? ', current_stop = ?, peak_price = ?, trough_price = ?, bars_held = ?, trailed_at = ?' : ''
        }
         WHERE id = ? AND status = 'open' RETURNING *`,
        [
          close.closedAt,
          close.exitPrice,
          close.exitReason,
          close.exitTag ?? null,
          close.fees,
          close.pnl,
          ...(last ? [last.currentStop, last.peakPrice, last.troughPrice, last.barsHeld, last.barAt] : []),
          id,
        ],
      );
      if (!row) throw new PositionNotOpenError(id);
      const closed = positionFromRow(row);
      await realized.addClose(db, closed);
      return closed;
    });
  }

  async getPosition(id: PositionId): Promise<Position | null> {
    const [row] = await this.db.query('SELECT * FROM positions WHERE id = ?', [id]);
    return row ? positionFromRow(row) : null;
  }

  async openPositions(variantId?: VariantId): Promise<Position[]> {
    const rows = await this.db.query(
      `SELECT * FROM positions WHERE status = 'open'${variantId ? ' AND variant_id = ?' : ''} ORDER BY opened_at, id`,
      variantId ? [variantId] : [],
    );
    return rows.map(positionFromRow);
  }

  async openPositionOf(variantId: VariantId, symbol: string): Promise<Position | null> {
    const [row] = await this.db.query(
      "SELECT * FROM positions WHERE status = 'open' AND variant_id = ? AND symbol = ?",
      [variantId, symbol],
    );
    return row ? positionFromRow(row) : null;
  }

  async advancePosition(position: Position, bar: PositionBar): Promise<Position> {
    // No RETURNING: an open position changes only here, so the caller's copy, advanced, is the row — and
    // reading a position row back cost more than the update itself, for every open position every bar.
    const changed = await this.db.execute(
      `UPDATE positions SET current_stop = ?, peak_price = ?, trough_price = ?, bars_held = ?, trailed_at = ?
       WHERE id = ? AND status = 'open'`,
      [bar.currentStop, bar.peakPrice, bar.troughPrice, bar.barsHeld, bar.barAt, position.id],
    );
    if (changed === 0) throw new PositionNotOpenError(position.id);
    return advanced(position, bar);
  }

  async closedPositions(query: ClosedPositionQuery = {}): Promise<Position[]> {
    const where = ["status = 'closed'"];
    const params: SqlValue[] = [];
    const filter = (term: string, value: SqlValue | undefined): void => {
      if (value === undefined) return;
      where.push(term);
      params.push(value);
    };
    filter('variant_id = ?', query.variantId);
    filter('symbol = ?', query.symbol);
    filter('closed_at > ?', query.closedAfter);
    const rows = await this.db.query(
      `SELECT * FROM positions WHERE ${where.join(' AND ')} ORDER BY closed_at, id`,
      params,
    );
    return rows.map(positionFromRow);
  }

  async realizedTotal(variantId: VariantId): Promise<number> {
    return (await realized.readLedger(this.db, variantId)).total;
  }

  realizedPnl(variantId: VariantId): Promise<RealizedPnl> {
    return realized.readLedger(this.db, variantId);
  }

  async tryLockEntry(variantId: VariantId, symbol: string): Promise<boolean> {
    if (!this.inTransaction)
      throw new Error('tryLockEntry holds its lock until the transaction ends: call it inside transaction()');
    if (!this.driver.dialect.advisoryLocks) return true; // BEGIN IMMEDIATE already serialises every entry.
    const [row] = await this.db.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_xact_lock(?::bigint) AS locked',
      [advisoryKey(`sigil-entry:${variantId}:${symbol}`)],
    );
    return row?.locked === true;
  }

  // ── Protections and heartbeats ─────────────────────────────────────────────────────────────────

  async upsertProtection(p: Omit<SymbolProtection, 'createdAt' | 'updatedAt'>, now: EpochMs): Promise<void> {
    await this.db.execute(
      `INSERT INTO symbol_protections (variant_id, symbol, kind, until, reason, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (variant_id, symbol, kind) DO UPDATE SET until = excluded.until, reason = excluded.reason,
         updated_at = excluded.updated_at
       WHERE excluded.until > symbol_protections.until`,
      [p.variantId, p.symbol, p.kind, p.until, p.reason, now, now],
    );
  }

  async activeProtections(variantId: VariantId, symbol: string, now: EpochMs): Promise<SymbolProtection[]> {
    const rows = await this.db.query(
      'SELECT * FROM symbol_protections WHERE variant_id = ? AND symbol IN (?, ?) AND until > ? ORDER BY until DESC',
      [variantId, symbol, ALL_SYMBOLS, now],
    );
    return rows.map(protectionFromRow);
  }

  async protectionsInForce(now: EpochMs, variantId?: VariantId): Promise<SymbolProtection[]> {
    const rows = await this.db.query(
      `SELECT * FROM symbol_protections WHERE until > ?${variantId ? ' AND variant_id = ?' : ''}
       ORDER BY variant_id, symbol, kind`,
      variantId ? [now, variantId] : [now],
    );
    return rows.map(protectionFromRow);
  }

  async liftProtections(
    lift: { variantId: VariantId; symbol: string; kinds: readonly ProtectionKind[]; note: string },
    now: EpochMs,
  ): Promise<SymbolProtection[]> {
    if (lift.kinds.length === 0) return [];
    const rows = await this.db.query(
      `UPDATE symbol_protections SET until = ?, reason = reason || ?, updated_at = ?
       WHERE variant_id = ? AND symbol = ? AND kind IN (${lift.kinds.map(() => '?').join(', ')}) AND until > ?
       RETURNING *`,
      [now, lift.note, now, lift.variantId, lift.symbol, ...lift.kinds, now],
    );
    return rows.map(protectionFromRow).sort((a, b) => a.kind.localeCompare(b.kind));
  }

  // ── Trading state (the kill switch) ────────────────────────────────────────────────────────────

  tradingState(variantId: VariantId): Promise<TradingStateRecord> {
    return readTradingState(this.db, variantId);
  }

  tradingStates(): Promise<TradingStateRecord[]> {
    return readTradingStates(this.db);
  }

  setTradingState(
    change: { variantId: VariantId; state: TradingState; reason: string; actor: string },
    now: EpochMs,
  ): Promise<TradingStateRecord> {
    return this.withTx((db) => writeTradingState(db, change, now));
  }

  tradingStateChanges(variantId: VariantId): Promise<TradingStateChange[]> {
    return readTradingStateChanges(this.db, variantId);
  }

  // ── Orders ─────────────────────────────────────────────────────────────────────────────────────

  recordOrder(request: StoredOrder['request'], result: OrderResult): Promise<OrderResult> {
    return this.withTx((db) => orderRows.recordOrder(db, { request, result }));
  }

  findOrder(clientOrderId: string): Promise<OrderResult | null> {
    return orderRows.findOrder(this.db, clientOrderId);
  }

  findOrderByBrokerRef(brokerRef: string): Promise<StoredOrder | null> {
    return orderRows.findOrderByBrokerRef(this.db, brokerRef);
  }

  variantOrders(variantId: VariantId): Promise<StoredOrder[]> {
    return orderRows.variantOrders(this.db, variantId);
  }

  setOrderStops(clientOrderId: string, stops: StopLevels): Promise<void> {
    return orderRows.setOrderStops(this.db, clientOrderId, stops);
  }

  recordOrderAttempt(attempt: OrderAttempt): Promise<OrderAttempt> {
    return this.withTx((db) => orderRows.recordOrderAttempt(db, attempt));
  }

  orderAttempt(clientOrderId: string): Promise<OrderAttempt | null> {
    return orderRows.orderAttempt(this.db, clientOrderId);
  }

  // ── Broker request budget ──────────────────────────────────────────────────────────────────────

  spendApiCalls(account: string, day: string, calls: ApiCallCounts, limits: ApiCallLimits): Promise<boolean> {
    return this.withTx((db) => apiCallRows.spendApiCalls(db, account, day, calls, limits));
  }

  apiCalls(account: string, day: string): Promise<ApiCallCounts> {
    return apiCallRows.apiCalls(this.db, account, day);
  }

  // ── LLM cache and spend ────────────────────────────────────────────────────────────────────────

  cachedLlmResponse(key: string): Promise<CachedLlmResponse | null> {
    return llmRows.cachedLlmResponse(this.db, key);
  }

  cacheLlmResponse(entry: CachedLlmResponse): Promise<void> {
    return llmRows.cacheLlmResponse(this.db, entry);
  }

  reserveLlmSpend(variantId: VariantId, day: string, amount: LlmAmount, limits: LlmLimits): Promise<boolean> {
    return this.withTx((db) => llmRows.reserveLlmSpend(db, variantId, day, amount, limits));
  }

  settleLlmSpend(
    variantId: VariantId,
    day: string,
    reserved: LlmAmount,
    actual: LlmAmount & { calls: number },
  ): Promise<void> {
    return this.withTx((db) => llmRows.settleLlmSpend(db, variantId, day, reserved, actual));
  }

  llmSpend(variantId: VariantId, day: string): Promise<LlmSpend> {
    return llmRows.llmSpend(this.db, variantId, day);
  }

  // ── Equity ─────────────────────────────────────────────────────────────────────────────────────

  recordEquity(snapshot: EquitySnapshot): Promise<void> {
    return this.withTx((db) => equityRows.recordEquity(db, snapshot));
  }

  equitySnapshots(variantId: VariantId, since?: EpochMs): Promise<EquitySnapshot[]> {
    return equityRows.equitySnapshots(this.db, variantId, since);
  }

  equityHeadline(variantId: VariantId): Promise<EquityHeadline> {
    return equityRows.equityHeadline(this.db, variantId);
  }

  // ── Scheduled jobs ─────────────────────────────────────────────────────────────────────────────

  ensureJob(name: string, firstRunAt: EpochMs, now: EpochMs): Promise<JobRecord> {
    return jobRows.ensureJob(this.db, name, firstRunAt, now);
  }

  claimDueJobs(names: readonly string[], owner: string, now: EpochMs, leaseMs: number): Promise<JobRecord[]> {
    return this.withTx((db) => jobRows.claimDueJobs(db, names, owner, now, leaseMs));
  }

  finishJob(name: string, owner: string, ranAt: EpochMs, nextRunAt: EpochMs, now: EpochMs): Promise<boolean> {
    return jobRows.finishJob(this.db, name, owner, ranAt, nextRunAt, now);
  }

  renewJobLease(name: string, owner: string, leaseUntil: EpochMs, now: EpochMs): Promise<boolean> {
    return jobRows.renewJobLease(this.db, name, owner, leaseUntil, now);
  }

  rescheduleJob(name: string, nextRunAt: EpochMs, now: EpochMs): Promise<void> {
    return jobRows.rescheduleJob(this.db, name, nextRunAt, now);
  }

  jobs(names?: readonly string[]): Promise<JobRecord[]> {
    return jobRows.readJobs(this.db, names);
  }

  freeJobLeases(names: readonly string[], now: EpochMs): Promise<void> {
    return jobRows.freeJobLeases(this.db, names, now);
  }

  // ── Leases ─────────────────────────────────────────────────────────────────────────────────────

  async acquireLeases(
    names: readonly string[],
    holder: LeaseHolder,
    now: EpochMs,
    ttlMs: number,
    replacing?: readonly string[],
  ): Promise<LeaseClaim> {
    try {
      return await this.withTx(async (db) => {
        const claim = await leaseRows.acquireLeases(db, names, holder, now, ttlMs, replacing);
        // All or none: a name held by another undoes the names taken before it.
        if (!claim.acquired) throw new LeaseRefused(claim);
        return claim;
      });
    } catch (error) {
      if (error instanceof LeaseRefused) return error.claim;
      throw error;
    }
  }

  renewLeases(names: readonly string[], holder: string, now: EpochMs, ttlMs: number): Promise<boolean> {
    return this.withTx((db) => leaseRows.renewLeases(db, names, holder, now, ttlMs));
  }

  releaseLeases(names: readonly string[], holder: string, now: EpochMs): Promise<void> {
    return leaseRows.releaseLeases(this.db, names, holder, now);
  }

  leases(names?: readonly string[]): Promise<LeaseRecord[]> {
    return leaseRows.readLeases(this.db, names);
  }

  storeIdentity(): Promise<StoreIdentity | null> {
    return identityRows.readIdentity(this.db);
  }

  claimStoreIdentity(identity: StoreIdentity): Promise<StoreIdentity> {
    return identityRows.claimIdentity(this.db, identity);
  }

  controlOffset(channel: string): Promise<number | null> {
    return controlOffsetRows.readControlOffset(this.db, channel);
  }

  saveControlOffset(channel: string, offset: number, now: EpochMs): Promise<number> {
    return controlOffsetRows.saveControlOffset(this.db, channel, offset, now);
  }

  async recordScanStart(variantId: VariantId, now: EpochMs): Promise<void> {
    await this.db.execute(
      `INSERT INTO scanner_heartbeat (variant_id, last_scan_start, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (variant_id) DO UPDATE SET last_scan_start = excluded.last_scan_start, updated_at = excluded.updated_at`,
      [variantId, now, now],
    );
  }

  async recordScanEnd(variantId: VariantId, now: EpochMs, error: string | null): Promise<void> {
    await this.db.execute(
      `INSERT INTO scanner_heartbeat (variant_id, last_scan_end, last_error, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (variant_id) DO UPDATE SET last_scan_end = excluded.last_scan_end,
         last_error = excluded.last_error, updated_at = excluded.updated_at`,
      [variantId, now, error, now],
    );
  }

  async heartbeats(): Promise<ScannerHeartbeat[]> {
    const rows = await this.db.query('SELECT * FROM scanner_heartbeat ORDER BY variant_id');
    return rows.map((row) => ({
      variantId: row.variant_id as VariantId,
      lastScanStart: row.last_scan_start as EpochMs | null,
      lastScanEnd: row.last_scan_end as EpochMs | null,
      lastError: row.last_error as string | null,
      updatedAt: row.updated_at as EpochMs,
    }));
  }
}

/**
 * A LIMIT written into the SQL text rather than bound: SQLite prepares a statement whose LIMIT is a
 * parameter again each time the parameter is bound, and on the queue queries that cost 5–28 µs a call
 * instead of 0.2 µs — several calls a bar. Only validated whole numbers get here, and each distinct limit
 * is one more cached statement (a handful: 1, 50, 100, 500, a page size). Paging's OFFSET stays bound:
 * it varies without bound, and pages are not read every bar.
 */
function limitClause(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new RangeError(`LIMIT must be a whole number ≥ 0, got ${limit}`);
  }
  return ` LIMIT ${limit}`;
}

/**
 * A status written into the SQL text rather than bound: only then can SQLite and PostgreSQL's generic
 * plans prove that a query fits a partial index (`WHERE status IN ('pending', 'ready_for_exec')`). With
 * a bound parameter the claim query scanned the whole table. Only statuses from the table get here.
 */
function statusLiteral(status: IntentStatus): string {
  if (!INTENT_STATUSES.includes(status)) throw new Error(`not an intent status: ${String(status)}`);
  return `'${status}'`;
}

function protectionFromRow(row: Row): SymbolProtection {
  return {
    variantId: row.variant_id as VariantId,
    symbol: row.symbol as string,
    kind: row.kind as SymbolProtection['kind'],
    until: row.until as EpochMs,
    reason: row.reason as string,
    createdAt: row.created_at as EpochMs,
    updatedAt: row.updated_at as EpochMs,
  };
}

function withoutUndefined(changes: IntentChanges): IntentChanges {
  return Object.fromEntries(
    Object.entries(changes).filter(([, value]) => value !== undefined),
  ) as IntentChanges;
}

/** Carries a refused claim out of the transaction it rolls back. */
class LeaseRefused extends Error {
  constructor(readonly claim: LeaseClaim) {
    super('lease refused');
  }
}
