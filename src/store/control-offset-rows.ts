// The control_offsets table: one row per control channel, the next update id it reads. An offset only
// moves forward, so a late write from a stopping bot never makes its successor read old commands again.
import type { EpochMs } from '../domain/ids.ts';
import type { SqlExecutor } from './sql-driver.ts';

export async function readControlOffset(db: SqlExecutor, channel: string): Promise<number | null> {
  const [row] = await db.query('SELECT next_offset FROM control_offsets WHERE channel = ?', [channel]);
  return row ? Number(row.next_offset) : null;
}

export async function saveControlOffset(
  db: SqlExecutor,
  channel: string,
  offset: number,
  now: EpochMs,
): Promise<number> {
  // CASE rather than MAX/GREATEST: one statement both databases read alike.
  await db.execute(
    `INSERT INTO control_offsets (channel, next_offset, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (channel) DO UPDATE SET
       next_offset = CASE WHEN excluded.next_offset > control_offsets.next_offset
                          THEN excluded.next_offset ELSE control_offsets.next_offset END,
       updated_at = excluded.updated_at`,
    [channel, offset, now],
  );
  const stored = await readControlOffset(db, channel);
  if (stored === null) throw new Error('control_offsets row vanished after its write');
  return stored;
}
