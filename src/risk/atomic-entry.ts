// The entry path (the seed's layer H): in ONE transaction, re-check that the (variant, symbol) may enter,
// insert the position and write the cooldown at OPEN. The seed wrote the cooldown at close, and checked
// for an open position outside any transaction, so concurrent signals stacked positions.
//
// PostgreSQL: a transaction-scoped advisory lock keyed by a stable hash of (variant, symbol); if another
// entry holds it the symbol is skipped this cycle rather than waited for. SQLite: the write transaction
// (BEGIN IMMEDIATE) serialises entries. Either way the partial unique index on open positions is the
// last backstop, and its violation is an "already open" refusal, not a crash.
import type { EpochMs, VariantId } from '../domain/ids.ts';
import type { NewPosition, Position } from '../domain/position.ts';
import type { Store } from '../domain/ports/store.ts';
import { RejectedError } from '../domain/errors.ts';
import { entryDenial } from './trading-policy.ts';

const HOUR = 3_600_000;

export interface EntryAttempt {
  position: NewPosition;
  /** The lock written at open: no re-entry of the symbol for this long. 0 = none. */
  cooldownHours: number;
}

export type EntryOutcome =
  | { kind: 'opened'; position: Position }
  /** Another entry holds the (variant, symbol) lock right now: try again next cycle. */
  | { kind: 'skipped'; code: 'entry_locked'; message: string }
  | { kind: 'refused'; code: string; message: string };

/**
 * Why (variant, symbol) may not enter now — its trading state, an open position, a lock in force — or
 * null. The entry path asks under its lock; execution asks too before it sends an order, so that a
 * refusal costs nothing rather than an unwind.
 */
export async function entryRefusal(
  store: Pick<Store, 'tradingState' | 'openPositionOf' | 'activeProtections'>,
  variantId: VariantId,
  symbol: string,
  now: EpochMs,
): Promise<{ code: string; message: string } | null> {
  const denial = entryDenial(await store.tradingState(variantId));
  if (denial) return { code: denial.code, message: denial.message };
  const open = await store.openPositionOf(variantId, symbol);
  if (open) return { code: 'already_open', message: `position ${open.id} is already open` };
  const [lock] = await store.activeProtections(variantId, symbol, now);
  if (!lock) return null;
  return {
    code: `locked_${lock.kind}`,
    message: `${lock.symbol === symbol ? symbol : 'the variant'} is locked (${lock.kind}) until ${new Date(lock.until).toISOString()}: ${lock.reason}`,
  };
}

export async function enterAtomically(
  store: Store,
  attempt: EntryAttempt,
  now: EpochMs,
): Promise<EntryOutcome> {
  const { variantId, symbol } = attempt.position;
  try {
    return await store.transaction(async (tx): Promise<EntryOutcome> => {
      if (!(await tx.tryLockEntry(variantId, symbol))) {
        return {
          kind: 'skipped',
          code: 'entry_locked',
          message: `another entry into ${symbol} is in progress`,
        };
      }
      const refusal = await entryRefusal(tx, variantId, symbol, now);
      if (refusal) return { kind: 'refused', ...refusal };

      const position = await tx.openPosition(attempt.position);
      if (attempt.cooldownHours > 0) {
        await tx.upsertProtection(
          {
            variantId,
            symbol,
            kind: 'cooldown',
            until: now + attempt.cooldownHours * HOUR,
            reason: `opened ${position.id}`,
          },
          now,
        );
      }
      return { kind: 'opened', position };
    });
  } catch (error) {
    // The backstop fired: a concurrent entry committed between our check and our insert.
    if (error instanceof RejectedError && error.code === 'position_already_open') {
      return { kind: 'refused', code: 'already_open', message: 'a position is already open (unique index)' };
    }
    throw error;
  }
}
