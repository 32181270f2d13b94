// The execution worker: ready_for_exec → executing → (plan, guard, broker, atomic entry) → opened,
// rejected or failed. The broker's order carries a client order id derived from the intent, and the
// position's id derives from it too, so an intent left in `executing` by a crash is reconciled — the
// order found, the position found or entered — and no order is ever sent twice.
import { describeError, errorKindOf, UnknownOutcomeError } from '../domain/errors.ts';
import { positionId, type EpochMs, type IntentId, type PositionId } from '../domain/ids.ts';
import { markFailed, markOpened, markRejected } from '../domain/intent-commands.ts';
import type { TradeIntent } from '../domain/intent.ts';
import { entryOrderId, exitOrderId, type OrderResult } from '../domain/order.ts';
import type { Position, PositionSide } from '../domain/position.ts';
import { enterAtomically, entryRefusal } from '../risk/atomic-entry.ts';
import { freeSlots } from '../risk/risk-rules.ts';
import { planEntry, planStops, type EntryPlan } from '../risk/entry-plan.ts';
import { planningPrice } from '../risk/risk-rules.ts';
import type { TradingWorkerDeps } from './worker-deps.ts';
import { complianceGate } from './compliance-gate.ts';
import type { ComplianceReport } from '../compliance/guard.ts';

/** `unresolved`: the broker's answer was lost and its read-back inconclusive; the intent stays `executing`. */
export type ExecutionOutcome = 'opened' | 'rejected' | 'failed' | 'unresolved';

export function positionIdFor(intentId: IntentId): PositionId {
  return positionId(`${intentId}:position`);
}

/**
 * Start-up recovery (and every few minutes after it): intents left in `executing` by a process that
 * died, once their lease has run out, are adopted and reconciled — their order looked up by its client
 * order id before anything is sent.
 */
export async function adoptAbandoned(
  deps: TradingWorkerDeps,
  now: EpochMs,
): Promise<Record<ExecutionOutcome, number>> {
  const counts = { opened: 0, rejected: 0, failed: 0, unresolved: 0 };
  const stale = (await deps.store.listIntents({ statuses: ['executing'], limit: 100 })).filter(
    (intent) => intent.claimExpiresAt !== null && intent.claimExpiresAt <= now,
  );
  for (const intent of stale) {
    const adopted = await deps.store.transition(
      {
        id: intent.id,
        event: 'adopt',
        actor: deps.worker,
        reason: `lease of ${intent.claimWorkerId} expired`,
      },
      now,
    );
    counts[await executeIntent(deps, adopted, now)]++;
  }
  return counts;
}

/** Picks every ready intent and executes it; one intent's failure is recorded on it, never thrown. */
export async function executeReady(
  deps: TradingWorkerDeps,
  now: EpochMs,
): Promise<Record<ExecutionOutcome, number>> {
  const counts = { opened: 0, rejected: 0, failed: 0, unresolved: 0 };
  for (;;) {
    const picked = await deps.store.pickReady(deps.worker, now, { limit: 50 });
    if (picked.length === 0) return counts;
    for (const intent of picked) counts[await executeIntent(deps, intent, now)]++;
  }
}

/** Executes (or, after a crash, reconciles) one intent this worker holds in `executing`. */
export async function executeIntent(
  deps: TradingWorkerDeps,
  intent: TradeIntent,
  now: EpochMs,
): Promise<ExecutionOutcome> {
  try {
    return await execute(deps, intent, now);
  } catch (error) {
    // The order may exist at the broker: failing the intent would orphan it. Left `executing`, the
    // intent is adopted once its lease runs out and reconciled — the broker read again — before
    // anything is sent again.
    if (errorKindOf(error) === 'unknown_outcome') return 'unresolved';
    const reason = describeError(error);
    await markFailed(deps.store, intent.id, deps.worker, reason, now);
    deps.onEvent?.({ type: 'intent_failed', ...about(intent, now), reason });
    return 'failed';
  }
}

async function execute(
  deps: TradingWorkerDeps,
  intent: TradeIntent,
  now: EpochMs,
): Promise<ExecutionOutcome> {
  const { store, worker } = deps;
  const reject = async (reason: string, snapshot: unknown = null): Promise<ExecutionOutcome> => {
    await markRejected(store, intent.id, worker, reason, snapshot, now);
    deps.onEvent?.({ type: 'intent_rejected', ...about(intent, now), reason });
    return 'rejected';
  };
  const opened = async (position: Position, snapshot: unknown): Promise<ExecutionOutcome> => {
    await markOpened(store, intent.id, worker, position.id, snapshot, now);
    deps.onEvent?.({
      type: 'intent_executed',
      ...about(intent, now),
      positionId: position.id,
      side: position.side,
      price: position.entryPrice,
      qty: position.qty,
      stop: position.initialStop,
    });
    return 'opened';
  };
  const runtime = deps.variants.get(intent.variantId);
  if (!runtime) return reject(`variant ${intent.variantId} is not configured in this process`);

  // Reconciliation first: a position or an order under this intent's ids means a previous attempt got
  // that far before it stopped.
  const id = positionIdFor(intent.id);
  const existingPosition = await store.getPosition(id);
  if (existingPosition) return opened(existingPosition, { reconciled: 'position found' });

  const side: PositionSide = intent.suggestedSide === 'SELL' ? 'short' : 'long';
  const instrument = deps.instruments(intent.variantId, intent.symbol);
  // Anchored to the fill, the size is planned from the price the entry is expected to fill at, so that
  // it fits the stop the fill will give.
  const anchoredToFill = runtime.rules.stopAnchor === 'fill';
  const reference = planningPrice(runtime.rules.stopAnchor, {
    expectedFill: deps.market.barOpen(intent.symbol),
    signalClose: deps.market.lastClose(intent.symbol),
  });
  if (reference === null) return reject(`no closed candle of ${intent.symbol} to plan the entry from`);
  // Equity matters only to the legacy percentage sizing; constant-dollar sizing never reads it.
  const equity =
    runtime.rules.entry.sizing.riskPerTradeUsd > 0
      ? Number.NaN
      : runtime.rules.close.startingBalanceUsd + (await store.realizedTotal(intent.variantId));
  const requestAt = (price: number) => ({
    side,
    entryPrice: price,
    atr: intent.atrAtSignal,
    suggestedStop: intent.suggestedSlPrice,
    suggestedTakeProfit: intent.suggestedTpPrice,
    equity,
  });
  const planFrom = (price: number): EntryPlan => planEntry(requestAt(price), runtime.rules.entry, instrument);
  /** The stops set from the price paid; the quantity stays the one ordered. */
  const stopsFromFill = (sized: EntryPlan & { ok: true }, price: number): EntryPlan => {
    const stops = planStops(requestAt(price), runtime.rules.entry, instrument);
    return stops.ok ? { ...sized, ...stops } : stops;
  };
  let plan = planFrom(reference);
  const orderId = entryOrderId(intent.id);
  let compliance: ComplianceReport | null = null;
  const broker = deps.brokers(intent.variantId);
  if (side === 'short' && !broker.capabilities.shorts) {
    return reject(`${broker.name} cannot sell short (a spot account): SELL entries are refused`);
  }
  let fill: OrderResult | null;
  try {
    fill = await broker.findOrder(orderId);
  } catch (error) {
    // Whether an earlier attempt reached the broker cannot be told now: reconcile later, send nothing.
    if (errorKindOf(error) === 'fatal') throw error;
    throw new UnknownOutcomeError(
      'reconcile_failed',
      `looking up ${orderId} failed: ${describeError(error)}`,
      {
        cause: error,
      },
    );
  }
  if (!fill) {
    if (!plan.ok) return reject(`${plan.code}: ${plan.message}`, { plan });
    // Guard before the order: a refusal here costs nothing; after a fill it costs an unwind.
    const refusal = await entryRefusal(store, intent.variantId, intent.symbol, now);
    if (refusal) return reject(`${refusal.code}: ${refusal.message}`);
    // The scan keeps signals within the free slots; an entry decided while others filled meets the cap here.
    const cap = runtime.rules.maxOpenTrades;
    if (cap !== null && freeSlots(runtime.rules, (await store.openPositions(intent.variantId)).length) === 0)
      return reject(`max_open_trades: ${cap} position(s) already open`);
    let qty = plan.qty;
    if (runtime.compliance) {
      const gate = await complianceGate(
        deps,
        {
          intent,
          rules: runtime.compliance,
          startingBalance: runtime.rules.close.startingBalanceUsd,
          plan,
          side: side === 'long' ? 'buy' : 'sell',
          instrument,
          broker,
        },
        now,
      );
      if (!gate.passed) return reject(gate.reason, { plan, compliance: gate.report });
      qty = gate.qty;
      compliance = gate.report;
      if (gate.delayMs > 0 && deps.pause) await deps.pause(gate.delayMs);
    }
    fill = await broker.submitMarketOrder(
      {
        clientOrderId: orderId,
        variantId: intent.variantId,
        symbol: intent.symbol,
        side: side === 'long' ? 'buy' : 'sell',
        purpose: 'entry',
        qty,
        contractSize: instrument.contractSize,
        intentId: intent.id,
        positionId: id,
        // Where the broker keeps stops, they rest there from the first moment, in case Sigil dies.
        stopLoss: plan.initialStop,
        takeProfit: plan.takeProfit,
      },
      now,
    );
  }
  if (fill.status !== 'filled' || fill.price === null)
    return reject(`broker rejected the entry: ${fill.reason}`, { plan, compliance, order: fill });
  // The stop from the price paid (anchored to the fill), or — filled before a crash, the market moved
  // since — from the fill because the reference no longer plans.
  plan = !plan.ok ? planFrom(fill.price) : anchoredToFill ? stopsFromFill(plan, fill.price) : plan;
  if (!plan.ok)
    return reject(`filled order ${orderId} cannot be given a stop (${plan.message}); close it by hand`);

  const outcome = await enterAtomically(
    store,
    {
      position: {
        id,
        intentId: intent.id,
        variantId: intent.variantId,
        symbol: intent.symbol,
        side,
        qty: fill.qty,
        entryPrice: fill.price,
        atrAtEntry: intent.atrAtSignal,
        initialStop: plan.initialStop,
        currentStop: plan.initialStop,
        peakPrice: fill.price,
        takeProfit: plan.takeProfit,
        openedAt: now,
        // The intent was created at the close of the bar that signalled it.
        signalAt: intent.createdAt,
        fees: fill.fee,
        brokerRef: fill.brokerRef ?? null,
      },
      cooldownHours: runtime.rules.cooldownHours,
    },
    now,
  );
  if (outcome.kind === 'opened') return opened(outcome.position, { plan, order: fill, compliance });
  // A concurrent entry won between the guard and the insert: flatten what we bought.
  const unwind = await broker.submitMarketOrder(
    {
      clientOrderId: exitOrderId(id),
      variantId: intent.variantId,
      symbol: intent.symbol,
      side: side === 'long' ? 'sell' : 'buy',
      purpose: 'exit',
      qty: fill.qty,
      contractSize: instrument.contractSize,
      intentId: intent.id,
      positionId: id,
      limitHint: fill.price,
      brokerRef: fill.brokerRef ?? null,
    },
    now,
  );
  return reject(`${outcome.code}: ${outcome.message}; the fill was unwound (${unwind.status})`, {
    order: fill,
  });
}

/** The fields every event about an intent carries. */
function about(intent: TradeIntent, now: EpochMs) {
  return { at: now, variantId: intent.variantId, intentId: intent.id, symbol: intent.symbol };
}
