// The intents and their decision records, with the indices the SQL schema keeps: by id, by idempotency
// key, by natural key (unique), the live ones (not terminal) by status and variant — what the claimers,
// the executor and the janitor read at every bar, never history — and the terminal ones by age, for
// retention. Terminal intents are only counted per status: read back by status (an operator's query)
// they are found by a scan, as SQL's query reads every terminal row; holding them in sets would cost
// every intent's last transition a write into a set as big as history.
//
// Each intent has a slot holding its current (frozen) record and its decision records. A transition
// replaces the record in its slot: the big id / key maps are written once per intent, at its insert,
// and a status change moves the slot between two small buckets. Decision records are kept as the SQL
// rows they would be (snapshot as JSON text) and read through `recordFromRow`: they are written at
// every transition and read only by audits, so the text is parsed on read, and a snapshot costs a
// string rather than an object graph. Their `seq` is one counter for the whole store, as SQLite's
// AUTOINCREMENT, and a rollback gives the numbers back as SQLite's does.
import type { DecisionRecord } from '../../domain/decision-record.ts';
import type { EpochMs, IntentId, VariantId } from '../../domain/ids.ts';
import type { IntentNaturalKey, TradeIntent } from '../../domain/intent.ts';
import { INTENT_STATUSES, TERMINAL_STATUSES, type IntentStatus } from '../../domain/intent-lifecycle.ts';
import { recordFromRow, toJson } from '../intent-row.ts';
import type { Row } from '../sql-driver.ts';
import { AgingQueue } from './aging-queue.ts';
import type { UndoLog } from './undo-log.ts';

export interface Slot {
  intent: TradeIntent;
  /** decision_records rows, in seq order. */
  readonly records: Row[];
  /** Deleted (by retention, or an insert rolled back): stale age entries skip it. */
  gone: boolean;
}

type Bucket = Set<Slot>;

const TERMINAL: ReadonlySet<IntentStatus> = new Set(TERMINAL_STATUSES);

export function isTerminal(status: IntentStatus): boolean {
  return TERMINAL.has(status);
}

function naturalKey(key: IntentNaturalKey): string {
  return `${key.tradeDate}\u0000${key.symbol}\u0000${key.source}\u0000${key.variantId}`;
}

export class IntentTable {
  private readonly slots = new Map<IntentId, Slot>();
  private readonly byKey = new Map<string, Slot>();
  private readonly byNaturalKey = new Map<string, Slot>();
  /** Live statuses only: status → variant → slots. */
  private readonly live = new Map<IntentStatus, Map<VariantId, Bucket>>(
    INTENT_STATUSES.filter((status) => !TERMINAL.has(status)).map((status) => [status, new Map()]),
  );
  /** Every status: status → variant → how many. */
  private readonly counts = new Map<IntentStatus, Map<VariantId, number>>(
    INTENT_STATUSES.map((status) => [status, new Map()]),
  );
  private readonly totals = new Map<IntentStatus, number>(INTENT_STATUSES.map((status) => [status, 0]));
  private readonly aging = new AgingQueue<Slot>();
  private seq = 0;

  constructor(private readonly undo: UndoLog) {}

  find(id: IntentId): Slot | undefined {
    return this.slots.get(id);
  }

  withKey(idempotencyKey: string): TradeIntent | undefined {
    return this.byKey.get(idempotencyKey)?.intent;
  }

  withNaturalKey(key: IntentNaturalKey): TradeIntent | undefined {
    return this.byNaturalKey.get(naturalKey(key))?.intent;
  }

  *all(): Generator<TradeIntent> {
    for (const slot of this.slots.values()) yield slot.intent;
  }

  /** How many intents are in `status` (of one variant, or of all): a janitor with nothing to do stops here. */
  count(status: IntentStatus, variantId?: VariantId): number {
    if (variantId === undefined) return this.totals.get(status) as number;
    return this.counts.get(status)?.get(variantId) ?? 0;
  }

  /** Appends to `into` the slots in a live `status`, of one variant or of all; unordered. */
  collect(status: IntentStatus, variantId: VariantId | undefined, into: Slot[]): void {
    const buckets = this.live.get(status);
    if (!buckets) throw new Error(`${status} is terminal: its intents are not kept by status`);
    if (variantId !== undefined) {
      const bucket = buckets.get(variantId);
      if (bucket) for (const slot of bucket) into.push(slot);
      return;
    }
    for (const bucket of buckets.values()) for (const slot of bucket) into.push(slot);
  }

  /** Non-empty (variant, status) groups with their sizes. */
  groups(): { variantId: VariantId; status: IntentStatus; count: number }[] {
    const groups: { variantId: VariantId; status: IntentStatus; count: number }[] = [];
    for (const [status, counts] of this.counts) {
      for (const [variantId, count] of counts) if (count > 0) groups.push({ variantId, status, count });
    }
    return groups;
  }

  insert(intent: TradeIntent): Slot {
    const slot: Slot = { intent, records: [], gone: false };
    this.link(slot);
    this.undo.record(() => this.unlink(slot));
    return slot;
  }

  update(slot: Slot, next: TradeIntent): void {
    const prev = slot.intent;
    this.replace(slot, prev, next);
    this.undo.record(() => this.replace(slot, next, prev));
  }

  /** Deletes an intent with its decision records (retention). */
  remove(slot: Slot): void {
    this.unlink(slot);
    this.undo.record(() => this.link(slot));
  }

  appendRecord(slot: Slot, record: Omit<DecisionRecord, 'seq'>): void {
    // The row recordValues would bind, read back by recordFromRow.
    slot.records.push({
      seq: ++this.seq,
      intent_id: record.intentId,
      from_status: record.from,
      to_status: record.to,
      event: record.event,
      actor: record.actor,
      reason: record.reason,
      snapshot: toJson(record.snapshot),
      at: record.at,
    });
    this.undo.record(() => {
      slot.records.pop();
      this.seq--;
    });
  }

  recordsOf(id: IntentId): DecisionRecord[] {
    return this.slots.get(id)?.records.map(recordFromRow) ?? [];
  }

  /**
   * The oldest terminal intent last touched before `cutoff`, taken off the age queue; undefined when
   * there is none (one comparison when the oldest is recent enough). Its removal re-queues it if undone.
   */
  nextAged(cutoff: EpochMs): Slot | undefined {
    while (this.aging.oldest() < cutoff) {
      const at = this.aging.oldest();
      const slot = this.aging.pop();
      if (!slot.gone && TERMINAL.has(slot.intent.status) && slot.intent.updatedAt === at) return slot;
    }
    return undefined;
  }

  private link(slot: Slot): void {
    const { intent } = slot;
    slot.gone = false;
    this.slots.set(intent.id, slot);
    this.byKey.set(intent.idempotencyKey, slot);
    this.byNaturalKey.set(naturalKey(intent), slot);
    this.enter(slot, intent);
  }

  private unlink(slot: Slot): void {
    const { intent } = slot;
    slot.gone = true;
    this.slots.delete(intent.id);
    this.byKey.delete(intent.idempotencyKey);
    this.byNaturalKey.delete(naturalKey(intent));
    this.leave(slot, intent);
  }

  private replace(slot: Slot, prev: TradeIntent, next: TradeIntent): void {
    slot.intent = next;
    if (prev.status === next.status) return;
    this.leave(slot, prev);
    this.enter(slot, next);
  }

  /** Counts the slot in its status and files it: in its bucket if live, in the age queue if terminal. */
  private enter(slot: Slot, intent: TradeIntent): void {
    const { status, variantId } = intent;
    this.tally(status, variantId, 1);
    // A terminal intent is never touched again: it is queued once, when it turns terminal.
    if (TERMINAL.has(status)) this.aging.push(intent.updatedAt, slot);
    else this.bucket(status, variantId).add(slot);
  }

  private leave(slot: Slot, intent: TradeIntent): void {
    const { status, variantId } = intent;
    this.tally(status, variantId, -1);
    if (!TERMINAL.has(status)) this.bucket(status, variantId).delete(slot);
  }

  private tally(status: IntentStatus, variantId: VariantId, by: 1 | -1): void {
    const counts = this.counts.get(status) as Map<VariantId, number>;
    counts.set(variantId, (counts.get(variantId) ?? 0) + by);
    this.totals.set(status, (this.totals.get(status) as number) + by);
  }

  private bucket(status: IntentStatus, variantId: VariantId): Bucket {
    const buckets = this.live.get(status) as Map<VariantId, Bucket>;
    let bucket = buckets.get(variantId);
    if (!bucket) buckets.set(variantId, (bucket = new Set()));
    return bucket;
  }
}
