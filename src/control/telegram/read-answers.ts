// A read command answered: what it needs read from the store, of this process's variants only, handed
// to the pure text of answers.ts. `now` is the store's own clock (the caller's storeTime).
import type { EpochMs, VariantId } from '../../domain/ids.ts';
import type { Store } from '../../domain/ports/store.ts';
import type { Position } from '../../domain/position.ts';
import {
  balanceText,
  dailyText,
  DAY,
  helpText,
  locksText,
  positionsText,
  profitText,
  statusText,
  tradesText,
  type VariantStanding,
} from './answers.ts';
import type { ReadCommand } from './chat-command.ts';

/** A variant the bot answers for, with what its balance starts from. */
export interface ControlVariant {
  id: VariantId;
  startingBalance: number;
}

export async function answerRead(
  command: ReadCommand,
  store: Store,
  variants: readonly ControlVariant[],
  now: EpochMs,
): Promise<string> {
  const ids = variants.map((v) => v.id);
  const ours = <T extends { variantId: VariantId }>(rows: readonly T[]) =>
    rows.filter((row) => ids.includes(row.variantId));
  switch (command.name) {
    case 'help':
      return helpText(ids);
    case 'status':
      return statusText(await standings(store, variants), now);
    case 'balance':
      return balanceText(await standings(store, variants), now);
    case 'positions':
      return positionsText(ours(await store.openPositions()), now);
    case 'locks':
      return locksText(ours(await store.protectionsInForce(now)), now);
    case 'trades':
      // Every closed trade is read to pick the latest: the store has no "newest first" for positions,
      // and a bot's history is thousands of rows at most.
      return tradesText(ours(await store.closedPositions()), command.count);
    case 'profit': {
      const since = command.days === null ? undefined : now - command.days * DAY;
      return profitText(ids, await closedSince(store, ids, since), command.days);
    }
    case 'daily': {
      const firstDay = Math.floor(now / DAY) * DAY - (command.days - 1) * DAY;
      return dailyText(await closedSince(store, ids, firstDay - 1), command.days, now);
    }
  }
}

async function standings(store: Store, variants: readonly ControlVariant[]): Promise<VariantStanding[]> {
  return Promise.all(
    variants.map(async (v) => {
      const [state, open, pnl, headline] = await Promise.all([
        store.tradingState(v.id),
        store.openPositions(v.id),
        store.realizedPnl(v.id),
        store.equityHeadline(v.id),
      ]);
      return {
        id: v.id,
        state,
        openPositions: open.length,
        closedTrades: pnl.trades,
        realizedPnl: pnl.total,
        startingBalance: v.startingBalance,
        equity: headline.latest,
      };
    }),
  );
}

/** The variants' trades closed after `since` (exclusive), or all of them. */
async function closedSince(
  store: Store,
  ids: readonly VariantId[],
  since: EpochMs | undefined,
): Promise<Position[]> {
  const lists = await Promise.all(
    ids.map((variantId) =>
      store.closedPositions(since === undefined ? { variantId } : { variantId, closedAfter: since }),
    ),
  );
  return lists.flat();
}
