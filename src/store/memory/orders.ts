// Orders by client order id (with each variant's in (created_at, client_order_id) order, and the
// broker's id), and the attempts written before a send — order-rows.ts's rules: a stored fill is never
// replaced, a refusal is replaced by the next answer; the latest attempt replaces the earlier one's size
// and time only.
import type { VariantId } from '../../domain/ids.ts';
import type { OrderResult } from '../../domain/order.ts';
import type { StopLevels } from '../../domain/ports/broker.ts';
import type { OrderAttempt, StoredOrder } from '../../domain/ports/store.ts';
import { compareText, insertSorted, removeSorted } from './sorted.ts';
import { check } from './stored-values.ts';
import type { UndoLog } from './undo-log.ts';

type Request = StoredOrder['request'];

function createdOrder(a: StoredOrder, b: StoredOrder): number {
  return a.result.at - b.result.at || compareText(a.request.clientOrderId, b.request.clientOrderId);
}

export class OrderTable {
  private readonly orders = new Map<string, StoredOrder>();
  private readonly byVariant = new Map<VariantId, StoredOrder[]>();
  private readonly byBrokerRef = new Map<string, Set<string>>();
  private readonly attempts = new Map<string, OrderAttempt>();

  constructor(private readonly undo: UndoLog) {}

  /** Stores the answer unless a non-refusal is stored under its client order id; returns what is stored. */
  record(q: Request, r: OrderResult): OrderResult {
    // The row is checked before its conflict is resolved, as SQLite does.
    const qty = r.qty > 0 ? r.qty : q.qty;
    check(qty > 0, 'qty > 0');
    check(q.side === 'buy' || q.side === 'sell', "side IN ('buy', 'sell')");
    check(q.purpose === 'entry' || q.purpose === 'exit', "purpose IN ('entry', 'exit')");
    check(r.status === 'filled' || r.status === 'rejected', "status IN ('filled', 'rejected')");
    const prev = this.orders.get(q.clientOrderId);
    if (prev && prev.result.status !== 'rejected') return prev.result;
    // A replaced refusal keeps what the first request said, except the size (as ON CONFLICT DO UPDATE).
    const base = prev?.request ?? q;
    const request = requestOf(base, qty, base.stopLoss ?? null, base.takeProfit ?? null);
    const result: OrderResult = Object.freeze({
      clientOrderId: q.clientOrderId,
      status: r.status,
      price: r.price,
      qty,
      fee: r.fee,
      reason: r.reason,
      at: r.at,
      brokerRef: r.brokerRef ?? null,
    });
    this.put(Object.freeze({ request, result }), prev ?? null);
    return result;
  }

  find(clientOrderId: string): OrderResult | null {
    return this.orders.get(clientOrderId)?.result ?? null;
  }

  /** The oldest order the broker knows by this id (ties: the first stored). */
  findByBrokerRef(brokerRef: string): StoredOrder | null {
    let oldest: StoredOrder | null = null;
    for (const id of this.byBrokerRef.get(brokerRef) ?? []) {
      const order = this.orders.get(id) as StoredOrder;
      if (oldest === null || order.result.at < oldest.result.at) oldest = order;
    }
    return oldest;
  }

  ofVariant(variantId: VariantId): StoredOrder[] {
    return this.byVariant.get(variantId)?.slice() ?? [];
  }

  setStops(clientOrderId: string, stops: StopLevels): void {
    const prev = this.orders.get(clientOrderId);
    if (!prev) return;
    const request = requestOf(prev.request, prev.request.qty, stops.stopLoss, stops.takeProfit);
    this.put(Object.freeze({ request, result: prev.result }), prev);
  }

  recordAttempt(attempt: OrderAttempt): OrderAttempt {
    const prev = this.attempts.get(attempt.clientOrderId);
    const base = prev ?? attempt;
    const next: OrderAttempt = Object.freeze({
      clientOrderId: base.clientOrderId,
      account: base.account,
      variantId: base.variantId,
      symbol: base.symbol,
      side: base.side,
      qty: attempt.qty,
      sentAt: attempt.sentAt,
    });
    this.attempts.set(next.clientOrderId, next);
    this.undo.record(() => {
      if (prev) this.attempts.set(prev.clientOrderId, prev);
      else this.attempts.delete(next.clientOrderId);
    });
    return next;
  }

  attempt(clientOrderId: string): OrderAttempt | null {
    return this.attempts.get(clientOrderId) ?? null;
  }

  private put(next: StoredOrder, prev: StoredOrder | null): void {
    this.write(next, prev);
    this.undo.record(() => this.write(prev, next));
  }

  /** Puts `next` where `prev` was; a null `next` deletes `prev` (undoing an insert). */
  private write(next: StoredOrder | null, prev: StoredOrder | null): void {
    if (prev) {
      const list = this.byVariant.get(prev.request.variantId);
      if (list) removeSorted(list, prev, createdOrder);
      const ref = prev.result.brokerRef;
      if (ref !== null && ref !== undefined) this.byBrokerRef.get(ref)?.delete(prev.request.clientOrderId);
      if (!next) this.orders.delete(prev.request.clientOrderId);
    }
    if (next) {
      const id = next.request.clientOrderId;
      this.orders.set(id, next);
      let list = this.byVariant.get(next.request.variantId);
      if (!list) this.byVariant.set(next.request.variantId, (list = []));
      insertSorted(list, next, createdOrder);
      const ref = next.result.brokerRef;
      if (ref !== null && ref !== undefined) {
        let ids = this.byBrokerRef.get(ref);
        if (!ids) this.byBrokerRef.set(ref, (ids = new Set()));
        ids.add(id);
      }
    }
  }
}

function requestOf(q: Request, qty: number, stopLoss: number | null, takeProfit: number | null): Request {
  return Object.freeze({
    clientOrderId: q.clientOrderId,
    variantId: q.variantId,
    symbol: q.symbol,
    side: q.side,
    purpose: q.purpose,
    qty,
    contractSize: q.contractSize,
    intentId: q.intentId ?? null,
    positionId: q.positionId ?? null,
    stopLoss,
    takeProfit,
  });
}
