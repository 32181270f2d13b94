// The position manager: each closed candle is applied to the open positions of its symbol through the
// exit precedence (risk/manage-position.ts). Exits go to the broker under a client order id derived
// from the position; a closed position closes its intent too.
import type { CandleBatch } from '../domain/ports/market-data.ts';
import type { EpochMs } from '../domain/ids.ts';
import { isSigilError } from '../domain/errors.ts';
import { markClosed } from '../domain/intent-commands.ts';
import { exitOrderFor } from '../domain/order.ts';
import type { ExitReason, Position } from '../domain/position.ts';
import type { Candle } from '../domain/candle.ts';
import type { TradingStateRecord } from '../domain/trading-state.ts';
import { KILL_SWITCH_REASON } from '../risk/kill-switch.ts';
import { applyBar } from '../risk/manage-position.ts';
import type { TradingWorkerDeps } from './worker-deps.ts';

export interface ManagedBar {
  closed: Position[];
  trailed: number;
  deferred: number;
}

export async function manageOpenPositions(
  deps: TradingWorkerDeps,
  batch: CandleBatch,
  closeTime: EpochMs,
): Promise<ManagedBar> {
  const result: ManagedBar = { closed: [], trailed: 0, deferred: 0 };
  const open = await deps.store.openPositions();
  if (open.length === 0) return result;
  const candles = new Map<string, Candle>();
  for (const candle of batch.candles) candles.set(candle.symbol, candle);
  // One exit path for the bar: each position's exit goes to its variant's broker.
  const exitFill = async (position: Position, _reason: ExitReason, price: number, at: EpochMs) => {
    const broker = deps.brokers(position.variantId);
    const contractSize = deps.instruments(position.variantId, position.symbol).contractSize;
    const fill = await broker.submitMarketOrder(exitOrderFor(position, contractSize, price), at);
    if (fill.status !== 'filled' || fill.price === null) {
      throw new Error(`exit of ${position.id} rejected by ${broker.name}: ${fill.reason}`);
    }
    return { price: fill.price, fee: fill.fee };
  };
  for (const position of open) {
    const candle = candles.get(position.symbol);
    const runtime = deps.variants.get(position.variantId);
    if (!candle || !runtime) continue;
    const instrument = deps.instruments(position.variantId, position.symbol);
    const tag = runtime.exitTag(position);
    const step = await closedElsewhereIsHeld(
      applyBar(
        deps.store,
        position,
        {
          candle,
          closeTime,
          atr: deps.market.atr(position.symbol),
          exitSignal: runtime.exitSignal(position.symbol, position.side) || tag !== null,
          ...(tag !== null ? { exitTag: tag } : {}),
        },
        {
          exits: runtime.exitRules(instrument),
          close: runtime.rules.close,
          terms: instrument,
          feeRate: 0,
          actor: deps.worker,
          exitFill,
        },
      ),
    );
    if (step === null) continue;
    if (step.kind === 'closed') {
      const closed = step.result.position;
      result.closed.push(closed);
      reportClose(deps, closed, step.result.tripped, closeTime);
      if (position.intentId) {
        await markClosed(
          deps.store,
          position.intentId,
          deps.worker,
          `position ${step.result.position.exitReason}`,
          closeTime,
        );
      }
    } else if (step.kind === 'deferred') result.deferred++;
    else if (step.position.currentStop !== position.currentStop) result.trailed++;
  }
  return result;
}

/**
 * A position closed meanwhile by another process — an operator's exit by hand (app/force-exit.ts) on the
 * same bar — is refused by the store's conditional close or update: it was closed once, not by this bar,
 * and this bar leaves it be (null) instead of failing the whole step.
 */
async function closedElsewhereIsHeld<T>(step: Promise<T>): Promise<T | null> {
  try {
    return await step;
  } catch (error) {
    if (isSigilError(error) && error.code === 'position_not_open') return null;
    throw error;
  }
}

/** The close, and the kill switch it tripped (a realised drawdown past the variant's limit). */
function reportClose(
  deps: TradingWorkerDeps,
  closed: Position,
  tripped: TradingStateRecord | null,
  closeTime: EpochMs,
): void {
  if (!deps.onEvent) return;
  // A closed position has its exit price, reason and P&L; the fallbacks only satisfy the type.
  deps.onEvent({
    type: 'position_closed',
    at: closed.closedAt ?? closeTime,
    variantId: closed.variantId,
    positionId: closed.id,
    intentId: closed.intentId,
    symbol: closed.symbol,
    side: closed.side,
    exitReason: closed.exitReason ?? 'manual',
    pnl: closed.pnl ?? 0,
    entryPrice: closed.entryPrice,
    exitPrice: closed.exitPrice ?? Number.NaN,
    qty: closed.qty,
  });
  if (tripped) {
    deps.onEvent({
      type: 'kill_switch_tripped',
      at: tripped.changedAt ?? closeTime,
      variantId: tripped.variantId,
      actor: tripped.actor,
      why: tripped.reason.replace(`${KILL_SWITCH_REASON}: `, ''),
    });
  }
}
