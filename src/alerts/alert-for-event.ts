// What a person is told about each trading event: its alert kind, how urgent it is, a title that reads on
// a phone's lock screen, the numbers that matter (fill, stop, P&L, the guard's reason), and the key under
// which a repeat of the same event is sent once.
import type { Alert, AlertKind, AlertSeverity } from '../domain/ports/alert-sink.ts';
import type { TradingEvent } from '../domain/trading-event.ts';
import { money } from '../compliance/format.ts';

type AlertBody = Pick<Alert, 'kind' | 'severity' | 'title' | 'text' | 'key'>;

export function alertForEvent(event: TradingEvent): Alert {
  return { ...body(event), variantId: event.variantId, at: event.at };
}

function body(event: TradingEvent): AlertBody {
  const variant = event.variantId ?? '-';
  switch (event.type) {
    case 'intent_created':
      return {
        ...of('intent_created', 'info', `${variant}:${event.intentId}`),
        title: `New intent: ${event.symbol} ${event.side}`,
        text: `intent ${event.intentId}`,
      };
    case 'intent_executed':
      return {
        ...of('intent_executed', 'info', `${variant}:${event.intentId}`),
        title: `Opened ${event.symbol} ${event.side}`,
        text: `filled ${amount(event.qty)} at ${amount(event.price)}, stop ${amount(event.stop)}\nintent ${event.intentId}`,
      };
    case 'intent_rejected':
      return {
        ...of('intent_rejected', 'warning', `${variant}:${event.intentId}`),
        title: `Entry refused: ${event.symbol}`,
        text: `${event.reason}\nintent ${event.intentId}`,
      };
    case 'intent_failed':
      return {
        ...of('intent_failed', 'critical', `${variant}:${event.intentId}`),
        title: `Intent failed: ${event.symbol}`,
        text: `${event.reason}\nintent ${event.intentId}`,
      };
    case 'position_closed':
      return {
        ...of('position_closed', 'info', `${variant}:${event.positionId}`),
        title: `Closed ${event.symbol} ${event.side}: P&L ${signedMoney(event.pnl)} (${event.exitReason})`,
        text:
          `entry ${amount(event.entryPrice)} → exit ${amount(event.exitPrice)}, qty ${amount(event.qty)}, ` +
          `P&L ${signedMoney(event.pnl)}\nposition ${event.positionId}` +
          (event.by === undefined ? '' : `\nclosed by ${event.by}: ${event.why ?? ''}`),
      };
    case 'compliance_breach': {
      const closes =
        `${event.closedPositions} position(s) closed` +
        (event.closeFailures > 0 ? `, ${event.closeFailures} close(s) failed and will be retried` : '');
      return event.level === 'hard'
        ? {
            // A breach is one per look that changed something: the time tells two apart.
            ...of('compliance_hard_breach', 'critical', `${variant}:${event.rule}:${event.at}`),
            title: `Compliance: ${event.rule} limit near, trading halted`,
            text: `${event.reason}\n${closes}; sigil reset resumes trading`,
          }
        : {
            ...of('compliance_soft_breach', 'warning', `${variant}:${event.rule}:${event.at}`),
            title: `Compliance: ${event.rule} limit near, entries paused`,
            text: `${event.reason}\n${closes}`,
          };
    }
    case 'kill_switch_tripped':
      return {
        ...of('kill_switch_tripped', 'critical', `${variant}:${event.at}`),
        title: 'Kill switch tripped',
        text: `${event.why} (by ${event.actor}); no new entries until sigil reset`,
      };
    case 'kill_switch_reset':
      return {
        ...of('kill_switch_reset', 'warning', `${variant}:${event.at}`),
        title: 'Kill switch reset',
        text: `${event.from} → active: ${event.why} (by ${event.actor})`,
      };
    case 'heartbeat_stale':
      return {
        ...of('heartbeat_stale', 'critical', `${variant}:${event.at}`),
        title: 'Scanner heartbeat stale',
        text: event.detail,
      };
    case 'intents_waiting':
      return {
        // Keyed by the variant: told again once per dedup window while the queue stays stuck.
        ...of('intents_waiting', 'critical', variant),
        title: 'Intents waiting for an analyst',
        text: `${event.pending} pending, the oldest for ${Math.round(event.oldestWaitMinutes)} min (alert after ${event.alertAfterMinutes}): are the analyst workers stuck, or too few (engine.analyst_workers)?`,
      };
    case 'broker_unreachable':
      return {
        // Keyed by the variant alone: an outage that lasts is told again once per dedup window, not
        // at every look with its changing error text.
        ...of('broker_unreachable', 'critical', variant),
        title: 'Broker account unreachable',
        text: `${event.error}\nstops at the broker, broker-side closes and prop-firm limits go unchecked until it answers`,
      };
    case 'worker_crashed':
      return {
        // The same job failing the same way every minute is one alert per dedup window.
        ...of('worker_crashed', 'critical', `${event.worker}:${event.error}`),
        title: `Job ${event.worker} failed`,
        text: event.error,
      };
  }
}

function of(kind: AlertKind, severity: AlertSeverity, key: string) {
  return { kind, severity, key: `${kind}:${key}` };
}

/** Prices and quantities span 1e-8 to 1e5: eight significant digits, without trailing zeros. */
function amount(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(8))) : 'unknown';
}

function signedMoney(value: number): string {
  const text = money(value);
  return value > 0 && text !== '0.00' ? `+${text}` : text;
}
