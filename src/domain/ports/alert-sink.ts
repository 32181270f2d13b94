// Alerts are a port: the engine says what happened, and each sink (Telegram, Discord, a webhook) decides how
// to put it on the wire. Delivery policy (routing, dedup, rate limits, retries) lives in src/alerts.
import type { EpochMs } from '../ids.ts';

export const ALERT_KINDS = [
  'intent_created',
  'intent_executed',
  'intent_rejected',
  'intent_failed',
  'position_closed',
  'compliance_soft_breach',
  'compliance_hard_breach',
  'kill_switch_tripped',
  'kill_switch_reset',
  'heartbeat_stale',
  'intents_waiting',
  'broker_unreachable',
  'worker_crashed',
  /** Sent by the dispatcher itself when a rate-limit window ends with alerts held back. */
  'alerts_suppressed',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export interface Alert {
  kind: AlertKind;
  severity: AlertSeverity;
  variantId: string | null;
  title: string;
  text: string;
  at: EpochMs;
  /** Two alerts with the same key inside the dedup window are one event, sent once. */
  key: string;
}

export interface AlertSink {
  /** Names the sink in routing config, stats and error messages; never contains a secret. */
  readonly name: string;
  /** Resolves once the sink accepted the alert; throws a SigilError kind (retryable / rejected) otherwise. */
  send(alert: Alert): Promise<void>;
}

/** True when `severity` is at least `minimum` (info < warning < critical). */
export function severityAtLeast(severity: AlertSeverity, minimum: AlertSeverity): boolean {
  return ALERT_SEVERITIES.indexOf(severity) >= ALERT_SEVERITIES.indexOf(minimum);
}
