// Closing a variant's position (or all of them) by hand, now, at the market, through the variant's own
// broker: the operator's `sigil exit`, the API's POST …/exit (the dashboard's Exit button) and the
// Telegram bot's /exit all come here. The close is the one the compliance breach makes
// (engine/market-close.ts), with reason `manual`, the actor and the operator's reason kept on the trade
// (its exit tag) and in the intent's decision records, and a position_closed event for the alerts.
//
// Safe against the bot's own exit of the same position on the same bar: both send the same client order
// id (`<position>:exit`), so the broker fills it once, and the store closes a position once — the close
// that comes second finds it closed (PositionNotOpenError) and is reported as closed by the bot.
import { describeError } from '../domain/errors.ts';
import type { EpochMs, VariantId } from '../domain/ids.ts';
import { workerId } from '../domain/ids.ts';
import type { InstrumentOf } from '../domain/instrument.ts';
import type { Broker } from '../domain/ports/broker.ts';
import type { Store } from '../domain/ports/store.ts';
import type { Position } from '../domain/position.ts';
import type { ReportEvent } from '../domain/trading-event.ts';
import { FORCE_EXIT_SYMBOL_ALL, type ForceExitRequest, type ForceExitResult } from '../domain/manual-exit.ts';
import type { TradingStateRecord } from '../domain/trading-state.ts';
import { KILL_SWITCH_REASON } from '../risk/kill-switch.ts';
import { closeAtMarket } from '../engine/market-close.ts';
import type { CloseRules } from '../risk/close-trade.ts';
import { PositionNotOpenError } from '../store/store-errors.ts';

/** What a process that closes positions by hand provides: the CLI, the API of `sigil run`, a bot. */
export interface ForceExitDeps {
  store: Store;
  /** The variant's broker, bound to `store`; it may throw (a real account that cannot be reached). */
  broker(variantId: VariantId): Broker;
  /** The last price of a symbol: where a paper account fills the close; null when none is known. */
  lastPrice(symbol: string): number | null;
  instruments: InstrumentOf;
  /** The variant's close rules: its protections and kill switch apply to a close by hand as to any. */
  closeRules(variantId: VariantId): CloseRules;
  /** The store's now: a replay's simulated time, else the wall clock. */
  now(): EpochMs;
  /** Told of each close, after it is stored (alerts, logs); absent = nobody listens. */
  onEvent?: ReportEvent;
  /**
   * The owning bot's lane: the exit takes its turn with a bar's exits and entries instead of running in
   * the middle of them. Absent: at once (a process that runs no bot for the variant).
   */
  lane?: <T>(fn: () => Promise<T>) => Promise<T>;
}

export {
  FORCE_EXIT_SYMBOL_ALL,
  type ForceExitPort,
  type ForceExitRefusal,
  type ForceExitRequest,
  type ForceExitResult,
} from '../domain/manual-exit.ts';

export function forceExit(deps: ForceExitDeps, request: ForceExitRequest): Promise<ForceExitResult> {
  return deps.lane ? deps.lane(() => exitNow(deps, request)) : exitNow(deps, request);
}

async function exitNow(deps: ForceExitDeps, request: ForceExitRequest): Promise<ForceExitResult> {
  const { store } = deps;
  const all = request.symbol === FORCE_EXIT_SYMBOL_ALL;
  const targets = all
    ? await store.openPositions(request.variantId)
    : [await store.openPositionOf(request.variantId, request.symbol)].filter((p) => p !== null);
  const result: ForceExitResult = { closed: [], closedMeanwhile: [], failed: [] };
  if (targets.length === 0) {
    return {
      ...result,
      refusal: 'no_position',
      refused: all
        ? `${request.variantId} has no open position`
        : `${request.variantId} has no open position in ${request.symbol}`,
    };
  }
  const actor = workerId(request.actor);
  for (const position of targets) {
    const now = deps.now();
    try {
      const broker = deps.broker(position.variantId);
      const price = deps.lastPrice(position.symbol);
      const closed = await closeAtMarket(
        deps,
        broker,
        position,
        {
          reason: 'manual',
          ...(price === null ? {} : { price }),
          rules: deps.closeRules(position.variantId),
          actor,
          tag: `${request.actor}: ${request.reason}`,
          note: `position closed by hand (${request.actor}): ${request.reason}`,
        },
        now,
      );
      result.closed.push(closed.position);
      tell(deps, closed.position, request, closed.tripped);
    } catch (error) {
      if (error instanceof PositionNotOpenError) {
        const meanwhile = await store.getPosition(position.id);
        if (meanwhile) result.closedMeanwhile.push(meanwhile);
        continue;
      }
      result.failed.push({ position, error: describeError(error) });
    }
  }
  if (result.failed.length > 0) {
    result.refusal = 'broker';
    result.refused =
      result.failed.map((f) => `${f.position.symbol} (${f.position.id}): ${f.error}`).join('; ') +
      ` — ${result.failed.length === 1 ? 'the position stays' : 'these positions stay'} open`;
  }
  return result;
}

function tell(
  deps: ForceExitDeps,
  closed: Position,
  request: ForceExitRequest,
  tripped: TradingStateRecord | null,
): void {
  if (!deps.onEvent) return;
  deps.onEvent({
    type: 'position_closed',
    at: closed.closedAt ?? deps.now(),
    variantId: closed.variantId,
    positionId: closed.id,
    intentId: closed.intentId,
    symbol: closed.symbol,
    side: closed.side,
    exitReason: 'manual',
    pnl: closed.pnl ?? 0,
    entryPrice: closed.entryPrice,
    exitPrice: closed.exitPrice ?? Number.NaN,
    qty: closed.qty,
    by: request.actor,
    why: request.reason,
  });
  if (tripped) {
    deps.onEvent({
      type: 'kill_switch_tripped',
      at: tripped.changedAt ?? deps.now(),
      variantId: closed.variantId,
      actor: tripped.actor,
      why: tripped.reason.replace(`${KILL_SWITCH_REASON}: `, ''),
    });
  }
}
