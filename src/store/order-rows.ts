// The orders table: what each broker adapter sent and how it was answered, by client order id.
import type { EpochMs } from '../domain/ids.ts';
import type { OrderRequest, OrderResult } from '../domain/order.ts';
import type { Row, SqlExecutor } from './sql-driver.ts';

export interface StoredOrder {
  request: Omit<OrderRequest, 'contractSize' | 'limitHint'>;
  result: OrderResult;
}

/** Inserts the order unless its client order id exists; returns the stored result either way. */
export async function recordOrder(db: SqlExecutor, order: StoredOrder): Promise<OrderResult> {
  const { request: q, result: r } = order;
  await db.execute(
    `INSERT INTO orders (client_order_id, variant_id, symbol, side, purpose, qty, status, fill_price, fee, reason,
       intent_id, position_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_order_id) DO NOTHING`,
    [
      q.clientOrderId,
      q.variantId,
      q.symbol,
      q.side,
      q.purpose,
      q.qty,
      r.status,
      r.price,
      r.fee,
      r.reason,
      q.intentId,
      q.positionId,
      r.at,
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

function resultFromRow(row: Row): OrderResult {
  return {
    clientOrderId: row.client_order_id as string,
    status: row.status as OrderResult['status'],
    price: row.fill_price as number | null,
    qty: row.qty as number,
    fee: row.fee as number,
    reason: row.reason as string,
    at: row.created_at as EpochMs,
  };
}
