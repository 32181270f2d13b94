// The LLM tables: the response cache and the per-variant daily spend ledger.
import type { VariantId } from '../domain/ids.ts';
import type { CachedLlmResponse, LlmAmount, LlmLimits, LlmSpend } from '../domain/llm-usage.ts';
import type { Row, SqlExecutor, SqlValue } from './sql-driver.ts';

export async function cachedLlmResponse(db: SqlExecutor, key: string): Promise<CachedLlmResponse | null> {
  const [row] = await db.query('SELECT * FROM llm_cache WHERE key = ?', [key]);
  if (!row) return null;
  return {
    key: row.key as string,
    model: row.model as string,
    response: JSON.parse(row.response as string) as unknown,
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    createdAt: Number(row.created_at),
  };
}

/** The first answer stored under a key stays: a cache that changed under a replay would not reproduce it. */
export async function cacheLlmResponse(db: SqlExecutor, entry: CachedLlmResponse): Promise<void> {
  await db.execute(
    `INSERT INTO llm_cache (key, model, response, input_tokens, output_tokens, created_at)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
    [
      entry.key,
      entry.model,
      JSON.stringify(entry.response),
      entry.inputTokens,
      entry.outputTokens,
      entry.createdAt,
    ],
  );
}

/**
 * Adds `amount` to the day's reservations if spent + reserved + amount stays within every cap; false
 * when it would not. One conditional UPDATE: the row lock makes concurrent reservations queue, and each
 * re-reads the totals the previous one left.
 */
export async function reserveLlmSpend(
  db: SqlExecutor,
  variantId: VariantId,
  day: string,
  amount: LlmAmount,
  limits: LlmLimits,
): Promise<boolean> {
  await db.execute(
    'INSERT INTO llm_spend (variant_id, day) VALUES (?, ?) ON CONFLICT (variant_id, day) DO NOTHING',
    [variantId, day],
  );
  const conditions: string[] = [];
  const params: SqlValue[] = [amount.tokens, amount.costUsd, variantId, day];
  if (limits.tokens !== null) {
    conditions.push('tokens + reserved_tokens + ? <= ?');
    params.push(amount.tokens, limits.tokens);
  }
  if (limits.costUsd !== null) {
    conditions.push('cost_usd + reserved_cost_usd + ? <= ?');
    params.push(amount.costUsd, limits.costUsd);
  }
  const changed = await db.execute(
    `UPDATE llm_spend SET reserved_tokens = reserved_tokens + ?, reserved_cost_usd = reserved_cost_usd + ?
     WHERE variant_id = ? AND day = ?${conditions.map((c) => ` AND ${c}`).join('')}`,
    params,
  );
  return changed === 1;
}

/** Releases a reservation and books what the call really cost (zero for a call that never answered). */
export async function settleLlmSpend(
  db: SqlExecutor,
  variantId: VariantId,
  day: string,
  reserved: LlmAmount,
  actual: LlmAmount & { calls: number },
): Promise<void> {
  await db.execute(
    'INSERT INTO llm_spend (variant_id, day) VALUES (?, ?) ON CONFLICT (variant_id, day) DO NOTHING',
    [variantId, day],
  );
  await db.execute(
    `UPDATE llm_spend SET reserved_tokens = reserved_tokens - ?, reserved_cost_usd = reserved_cost_usd - ?,
       calls = calls + ?, tokens = tokens + ?, cost_usd = cost_usd + ?
     WHERE variant_id = ? AND day = ?`,
    [reserved.tokens, reserved.costUsd, actual.calls, actual.tokens, actual.costUsd, variantId, day],
  );
}

export async function llmSpend(db: SqlExecutor, variantId: VariantId, day: string): Promise<LlmSpend> {
  const [row] = await db.query('SELECT * FROM llm_spend WHERE variant_id = ? AND day = ?', [variantId, day]);
  return row ? spendFromRow(row) : emptySpend(variantId, day);
}

function spendFromRow(row: Row): LlmSpend {
  return {
    variantId: row.variant_id as VariantId,
    day: row.day as string,
    calls: Number(row.calls),
    tokens: Number(row.tokens),
    costUsd: Number(row.cost_usd),
    reserved: { tokens: Number(row.reserved_tokens), costUsd: Number(row.reserved_cost_usd) },
  };
}

function emptySpend(variantId: VariantId, day: string): LlmSpend {
  return { variantId, day, calls: 0, tokens: 0, costUsd: 0, reserved: { tokens: 0, costUsd: 0 } };
}
