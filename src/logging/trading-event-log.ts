// Trading events as log records: one line each, its variant, intent and symbol in fields of their own.
// The everyday ones — a signal, a fill, a close, a guard's refusal — are debug, since a replay makes
// thousands of them (and the run's report counts them); what an operator must act on is warn or error.
import type { Logger } from 'pino';
import type { TradingEvent } from '../domain/trading-event.ts';
import { forIntent, forVariant } from './log-context.ts';

export function logTradingEvents(log: Logger, events: readonly TradingEvent[]): void {
  for (const event of events) logTradingEvent(log, event);
}

function logTradingEvent(log: Logger, event: TradingEvent): void {
  switch (event.type) {
    case 'intent_created':
      return forIntent(log, event).debug({ side: event.side }, `intent created: ${event.side}`);
    case 'intent_executed':
      return forIntent(log, event).debug(
        {
          position: event.positionId,
          side: event.side,
          price: event.price,
          qty: event.qty,
          stop: event.stop,
        },
        `opened ${event.side} ${event.qty} at ${event.price}, stop ${event.stop}`,
      );
    case 'intent_rejected':
      return forIntent(log, event).debug(`rejected: ${event.reason}`);
    case 'intent_failed':
      return forIntent(log, event).warn(`failed: ${event.reason}`);
    case 'position_closed': {
      const scoped =
        event.intentId === null
          ? forVariant(log, event.variantId).child({ symbol: event.symbol })
          : forIntent(log, { ...event, intentId: event.intentId });
      return scoped.debug(
        { position: event.positionId, exitReason: event.exitReason, pnl: event.pnl },
        `closed ${event.side} (${event.exitReason}), P&L ${event.pnl.toFixed(2)}`,
      );
    }
    case 'compliance_breach':
      return forVariant(log, event.variantId)[event.level === 'hard' ? 'error' : 'warn'](
        { rule: event.rule, closed: event.closedPositions, closeFailures: event.closeFailures },
        `${event.level === 'hard' ? 'halted' : 'paused'} by the ${event.rule} rule: ${event.reason}`,
      );
    case 'kill_switch_tripped':
      return forVariant(log, event.variantId).error(
        { actor: event.actor },
        `kill switch tripped by ${event.actor}: ${event.why}`,
      );
    case 'kill_switch_reset':
      return forVariant(log, event.variantId).info(
        { actor: event.actor, from: event.from },
        `trading reset from ${event.from} by ${event.actor}: ${event.why}`,
      );
    case 'heartbeat_stale':
      return forVariant(log, event.variantId).warn(`scanner stale: ${event.detail}`);
    case 'intents_waiting':
      return forVariant(log, event.variantId).error(
        { pending: event.pending, oldestWaitMinutes: event.oldestWaitMinutes },
        `${event.pending} intent(s) waiting for an analyst, the oldest for ${Math.round(event.oldestWaitMinutes)} min`,
      );
    case 'broker_unreachable':
      return forVariant(log, event.variantId).warn(`broker account not read: ${event.error}`);
    case 'worker_crashed':
      return log.child({ worker: event.worker }).error(`crashed: ${event.error}`);
  }
}
