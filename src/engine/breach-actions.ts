// What the equity monitor does when the account nears a prop-firm limit, before the firm would act: a
// soft breach (the daily loss margin) closes the variant's positions and pauses its entries until the
// firm's next day boundary; a hard breach (the maximum loss margin) closes them and halts the variant
// until an operator resets it. Both are recorded: the pause as a variant-wide lock, the halt in the
// trading-state audit trail, and each closed position with the reason `compliance`.
import type { EpochMs } from '../domain/ids.ts';
import { markClosed } from '../domain/intent-commands.ts';
import { exitOrderFor } from '../domain/order.ts';
import type { Broker } from '../domain/ports/broker.ts';
import { ALL_SYMBOLS } from '../domain/protection.ts';
import type { Position } from '../domain/position.ts';
import type { AccountState } from '../compliance/account-state.ts';
import type { Breach } from '../compliance/breach.ts';
import { instrumentFor } from '../app/instrument-for.ts';
import { closeTrade } from '../risk/close-trade.ts';
import type { VariantRuntime } from './variant-runtime.ts';
import type { TradingWorkerDeps } from './worker-deps.ts';

export type BreachAction = 'paused' | 'halted' | 'none';

type ActionDeps = Pick<TradingWorkerDeps, 'store' | 'market' | 'instruments' | 'worker'>;

export async function actOnBreach(
  deps: ActionDeps,
  runtime: VariantRuntime,
  broker: Broker,
  breach: Breach,
  state: AccountState,
  now: EpochMs,
): Promise<BreachAction> {
  if (breach.kind === 'none') return 'none';
  const { store } = deps;
  const trading = await store.tradingState(runtime.id);
  if (trading.state === 'halted') return 'none';
  if (breach.kind === 'soft') {
    const locks = await store.activeProtections(runtime.id, ALL_SYMBOLS, now);
    if (locks.some((l) => l.kind === 'compliance' && l.until >= state.nextDayStart)) return 'none';
  }
  await flatten(deps, runtime, broker, now);
  if (breach.kind === 'soft') {
    await store.upsertProtection(
      {
        variantId: runtime.id,
        symbol: ALL_SYMBOLS,
        kind: 'compliance',
        until: state.nextDayStart,
        reason: `compliance ${breach.rule}: ${breach.reason}`,
      },
      now,
    );
    return 'paused';
  }
  await store.setTradingState(
    {
      variantId: runtime.id,
      state: 'halted',
      reason: `compliance ${breach.rule}: ${breach.reason}`,
      actor: deps.worker,
    },
    now,
  );
  return 'halted';
}

/** Closes every open position of the variant at the market, through its broker. */
async function flatten(
  deps: ActionDeps,
  runtime: VariantRuntime,
  broker: Broker,
  now: EpochMs,
): Promise<Position[]> {
  const closed: Position[] = [];
  for (const position of await deps.store.openPositions(runtime.id)) {
    const instrument = instrumentFor(deps.instruments, position.symbol);
    const fill = await broker.submitMarketOrder(
      exitOrderFor(
        position,
        instrument.contractSize,
        broker.name === 'paper' ? (deps.market.lastClose(position.symbol) ?? position.entryPrice) : undefined,
      ),
      now,
    );
    if (fill.status !== 'filled' || fill.price === null) {
      throw new Error(`compliance close of ${position.id} rejected by ${broker.name}: ${fill.reason}`);
    }
    const result = await closeTrade(
      deps.store,
      position,
      {
        exitPrice: fill.price,
        reason: 'compliance',
        exitFees: fill.fee,
        contractSize: instrument.contractSize,
      },
      runtime.rules.close,
      deps.worker,
      now,
    );
    closed.push(result.position);
    if (position.intentId) {
      await markClosed(deps.store, position.intentId, deps.worker, 'position closed: compliance', now);
    }
  }
  return closed;
}
