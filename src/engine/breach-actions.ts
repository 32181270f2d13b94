// What the equity monitor does when the account nears a prop-firm limit, before the firm would act: a
// soft breach (the daily loss margin) closes the variant's positions and pauses its entries until the
// firm's next day boundary; a hard breach (the maximum loss margin) closes them and halts the variant
// until an operator resets it. Both are recorded: the pause as a variant-wide lock, the halt in the
// trading-state audit trail, and each closed position with the reason `compliance`.
import { describeError } from '../domain/errors.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { Broker } from '../domain/ports/broker.ts';
import { ALL_SYMBOLS } from '../domain/protection.ts';
import type { Position } from '../domain/position.ts';
import type { AccountState } from '../compliance/account-state.ts';
import type { Breach } from '../compliance/breach.ts';
import { closeAtMarket } from './market-close.ts';
import type { VariantRuntime } from './variant-runtime.ts';
import type { TradingWorkerDeps } from './worker-deps.ts';

export type BreachAction = 'paused' | 'halted' | 'none';

export interface BreachOutcome {
  /** What this look changed: a new pause or halt, or nothing (none, or already in force). */
  action: BreachAction;
  closed: Position[];
  /** Positions whose close the broker refused or that failed: tried again at the next look. */
  failed: string[];
}

type ActionDeps = Pick<TradingWorkerDeps, 'store' | 'market' | 'instruments' | 'worker'>;

/**
 * The pause or halt is written first, so no entry slips in whatever the closes do; then every open
 * position is closed, each on its own — one the broker refuses stays open and is tried again at the next
 * look, which finds the breach (or the halt) still there. A variant halted for another reason (the kill
 * switch, an operator) is still closed out on a hard breach.
 */
export async function actOnBreach(
  deps: ActionDeps,
  runtime: VariantRuntime,
  broker: Broker,
  breach: Breach,
  state: AccountState,
  now: EpochMs,
): Promise<BreachOutcome> {
  if (breach.kind === 'none') return { action: 'none', closed: [], failed: [] };
  const { store } = deps;
  const reason = `compliance ${breach.rule}: ${breach.reason}`;
  let action: BreachAction = 'none';
  const trading = await store.tradingState(runtime.id);
  if (breach.kind === 'hard' && trading.state !== 'halted') {
    await store.setTradingState({ variantId: runtime.id, state: 'halted', reason, actor: deps.worker }, now);
    action = 'halted';
  }
  if (breach.kind === 'soft') {
    // A halted variant opens nothing anyway; its positions keep their stops as a halt keeps them.
    if (trading.state === 'halted') return { action, closed: [], failed: [] };
    const locks = await store.activeProtections(runtime.id, ALL_SYMBOLS, now);
    if (!locks.some((l) => l.kind === 'compliance' && l.until >= state.nextDayStart)) {
      await store.upsertProtection(
        { variantId: runtime.id, symbol: ALL_SYMBOLS, kind: 'compliance', until: state.nextDayStart, reason },
        now,
      );
      action = 'paused';
    }
  }
  return { action, ...(await flatten(deps, runtime, broker, now)) };
}

/** Closes every open position of the variant at the market, through its broker, each on its own. */
async function flatten(
  deps: ActionDeps,
  runtime: VariantRuntime,
  broker: Broker,
  now: EpochMs,
): Promise<Pick<BreachOutcome, 'closed' | 'failed'>> {
  const closed: Position[] = [];
  const failed: string[] = [];
  for (const position of await deps.store.openPositions(runtime.id)) {
    try {
      closed.push(await closeBreached(deps, runtime, broker, position, now));
    } catch (error) {
      failed.push(`${position.id}: ${describeError(error)}`);
    }
  }
  return { closed, failed };
}

async function closeBreached(
  deps: ActionDeps,
  runtime: VariantRuntime,
  broker: Broker,
  position: Position,
  now: EpochMs,
): Promise<Position> {
  const price =
    broker.name === 'paper' ? (deps.market.lastClose(position.symbol) ?? position.entryPrice) : undefined;
  const result = await closeAtMarket(
    deps,
    broker,
    position,
    {
      reason: 'compliance',
      ...(price === undefined ? {} : { price }),
      rules: runtime.rules.close,
      actor: deps.worker,
      note: 'position closed: compliance',
    },
    now,
  );
  return result.position;
}
