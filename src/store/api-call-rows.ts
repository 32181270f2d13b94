// The broker request budget: per account and firm day, a counter for every call, one for order / SL /
// TP modifications and one for positions opened. A call is counted before it is sent, in one
// conditional update per counter in one transaction, so processes sharing an account
// cannot overrun the budget together.
import type { ApiCallCounts, ApiCallLimits } from '../domain/ports/store.ts';
import type { SqlExecutor } from './sql-driver.ts';

const KINDS = ['all', 'modifications', 'positions'] as const satisfies readonly (keyof ApiCallCounts)[];

/** Adds the calls if every counter stays within its limit (null = unlimited); false (nothing added) if not. */
export async function spendApiCalls(
  db: SqlExecutor,
  account: string,
  day: string,
  calls: ApiCallCounts,
  limits: ApiCallLimits,
): Promise<boolean> {
  const added: (keyof ApiCallCounts)[] = [];
  for (const kind of KINDS) {
    if (calls[kind] === 0) continue;
    await db.execute(
      'INSERT INTO api_calls (account, day, kind, count) VALUES (?, ?, ?, 0) ON CONFLICT (account, day, kind) DO NOTHING',
      [account, day, kind],
    );
    const limit = limits[kind];
    const changed = await db.execute(
      `UPDATE api_calls SET count = count + ? WHERE account = ? AND day = ? AND kind = ?${limit === null ? '' : ' AND count + ? <= ?'}`,
      limit === null
        ? [calls[kind], account, day, kind]
        : [calls[kind], account, day, kind, calls[kind], limit],
    );
    if (changed !== 1) {
      // Undone here rather than by a rollback: the caller's transaction may hold other writes.
      for (const done of added) {
        await db.execute(
          'UPDATE api_calls SET count = count - ? WHERE account = ? AND day = ? AND kind = ?',
          [calls[done], account, day, done],
        );
      }
      return false;
    }
    added.push(kind);
  }
  return true;
}

export async function apiCalls(db: SqlExecutor, account: string, day: string): Promise<ApiCallCounts> {
  const rows = await db.query('SELECT kind, count FROM api_calls WHERE account = ? AND day = ?', [
    account,
    day,
  ]);
  const counts: ApiCallCounts = { all: 0, modifications: 0, positions: 0 };
  for (const row of rows) {
    const kind = row.kind as keyof ApiCallCounts;
    if (kind in counts) counts[kind] = Number(row.count);
  }
  return counts;
}
