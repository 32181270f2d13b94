// The orders table: what each broker adapter sent and how it was answered, by client order id; and the
// attempts written before a request to a broker that keeps no client order id.
import type { EpochMs, IntentId, PositionId, VariantId } from '../domain/ids.ts';
import type { OrderAttempt, StoredOrder } from '../domain/ports/store.ts';
import type { OrderPurpose, OrderResult, OrderSide } from '../domain/order.ts';
import type { StopLevels } from '../domain/ports/broker.ts';
import type { Row, SqlExecutor } from './sql-driver.ts';

/**
 * Inserts the order unless its client order id exists — then only a refusal is replaced (an exit sent
 * again after the broker refused it); a fill is never overwritten. Returns the stored result.
 */
export async function recordOrder(db: SqlExecutor, order: StoredOrder): Promise<OrderResult> {
  const { request: q, result: r } = order;
  await db.execute(
    `INSERT INTO orders (client_order_id, variant_id, symbol, side, purpose, qty, status, fill_price, fee, reason,
       intent_id, position_id, created_at, contract_size, stop_loss, take_profit, broker_ref)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (client_order_id) DO UPDATE SET qty = excluded.qty, status = excluded.status,
       fill_price = excluded.fill_price, fee = excluded.fee, reason = excluded.reason,
       created_at = excluded.created_at, broker_ref = excluded.broker_ref
     WHERE orders.status = 'rejected'`,
    [
      q.clientOrderId,
      q.variantId,
      q.symbol,
      q.side,
      q.purpose,
      r.qty > 0 ? r.qty : q.qty,
      r.status,
      r.price,
      r.fee,
      r.reason,
      q.intentId,
      q.positionId,
      r.at,
      q.contractSize,
      q.stopLoss ?? null,
      q.takeProfit ?? null,
      r.brokerRef ?? null,
    ],
  );
  const found = await findOrder(db, q.clientOrderId);
  if (!found) throw new Error(`order ${q.clientOrderId} vanished after its insert`);
  return found;
}

export async function findOrder(db: SqlExecutor, clientOrderId: string): Promise<OrderResult | null> {
  const [row] = await db.query('SELECT * FROM orders WHERE client_order_id = ?', [clientOrderId]);
  return row ? resultFromRow(row) : null;
}

export async function findOrderByBrokerRef(db: SqlExecutor, brokerRef: string): Promise<StoredOrder | null> {
  const [row] = await db.query('SELECT * FROM orders WHERE broker_ref = ? ORDER BY created_at LIMIT 1', [
    brokerRef,
  ]);
  return row ? storedFromRow(row) : null;
}

/** A variant's orders, oldest first. */
export async function variantOrders(db: SqlExecutor, variantId: VariantId): Promise<StoredOrder[]> {
  const rows = await db.query(
    'SELECT * FROM orders WHERE variant_id = ? ORDER BY created_at, client_order_id',
    [variantId],
  );
  return rows.map(storedFromRow);
}

export async function setOrderStops(
  db: SqlExecutor,
  clientOrderId: string,
  stops: StopLevels,
): Promise<void> {
  await db.execute('UPDATE orders SET stop_loss = ?, take_profit = ? WHERE client_order_id = ?', [
    stops.stopLoss,
    stops.takeProfit,
    clientOrderId,
  ]);
}

/**
 * The latest send under a client order id replaces the attempt: a read-back matches the broker's
 * positions against the last request sent (its size and time), the earlier ones having been read back
 * as not placed before it was sent.
 */
export async function recordOrderAttempt(db: SqlExecutor, attempt: OrderAttempt): Promise<OrderAttempt> {
  await db.execute(
    `INSERT INTO order_attempts (client_order_id, account, variant_id, symbol, side, qty, sent_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (client_order_id) DO UPDATE SET qty = excluded.qty, sent_at = excluded.sent_at`,
    [
      attempt.clientOrderId,
      attempt.account,
      attempt.variantId,
      attempt.symbol,
      attempt.side,
      attempt.qty,
      attempt.sentAt,
    ],
  );
  const stored = await orderAttempt(db, attempt.clientOrderId);
  if (!stored) throw new Error(`order attempt ${attempt.clientOrderId} vanished after its insert`);
  return stored;
}

export async function orderAttempt(db: SqlExecutor, clientOrderId: string): Promise<OrderAttempt | null> {
  const [row] = await db.query('SELECT * FROM order_attempts WHERE client_order_id = ?', [clientOrderId]);
  if (!row) return null;
  return {
    clientOrderId: row.client_order_id as string,
    account: row.account as string,
    variantId: row.variant_id as VariantId,
    symbol: row.symbol as string,
    side: row.side as OrderSide,
    qty: Number(row.qty),
    sentAt: Number(row.sent_at),
  };
}

function resultFromRow(row: Row): OrderResult {
  return {
    clientOrderId: row.client_order_id as string,
    status: row.status as OrderResult['status'],
    price: row.fill_price as number | null,
    qty: row.qty as number,
    fee: row.fee as number,
    reason: row.reason as string,
    at: Number(row.created_at) as EpochMs,
    brokerRef: (row.broker_ref as string | null) ?? null,
  };
}

function storedFromRow(row: Row): StoredOrder {
  return {
    request: {
      clientOrderId: row.client_order_id as string,
      variantId: row.variant_id as VariantId,
      symbol: row.symbol as string,
      side: row.side as OrderSide,
      purpose: row.purpose as OrderPurpose,
      qty: row.qty as number,
      contractSize: row.contract_size as number,
      intentId: row.intent_id as IntentId | null,
      positionId: row.position_id as PositionId | null,
      stopLoss: row.stop_loss as number | null,
      takeProfit: row.take_profit as number | null,
    },
    result: resultFromRow(row),
  };
}
