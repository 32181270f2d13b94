// Which intents a costly analyst decides when limited to a sample: a hash of the intent's idempotency
// key, so a re-run or a second backtest of the same period samples the same intents.
import { createHash } from 'node:crypto';
import type { TradeIntent } from '../domain/intent.ts';

export function inSample(intent: Pick<TradeIntent, 'idempotencyKey'>, fraction: number): boolean {
  if (fraction >= 1) return true;
  const digest = createHash('sha256').update(intent.idempotencyKey).digest();
  return digest.readUInt32BE(0) / 2 ** 32 < fraction;
}
