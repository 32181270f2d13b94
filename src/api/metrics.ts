// Prometheus text exposition (format 0.0.4) of the store's state: what a scrape needs to alert on a
// silent bot (heartbeat age, halted variants) and to chart the pipeline and equity.
import type { EpochMs } from '../domain/ids.ts';
import { INTENT_STATUSES } from '../domain/intent-lifecycle.ts';
import type { ScannerHeartbeat } from '../domain/heartbeat.ts';
import type { ApiCallCounts, EquitySnapshot, StatusCount } from '../domain/ports/store.ts';
import type { FirmRules } from '../compliance/firm-rules.ts';
import type { TradingStateRecord } from '../domain/trading-state.ts';

export interface MetricsInput {
  now: EpochMs;
  variants: readonly string[];
  counts: readonly StatusCount[];
  heartbeats: readonly ScannerHeartbeat[];
  latestEquity: readonly EquitySnapshot[];
  tradingStates: readonly TradingStateRecord[];
  drawdowns: readonly VariantDrawdown[];
  /** Variants whose broker account has a firm's daily request limit. */
  requestBudgets: readonly RequestBudget[];
  /** This process's counters; null when the server runs beside no bot (`sigil dashboard`). */
  activity: { decisions: number; workerErrors: number } | null;
}

export interface VariantDrawdown {
  variant: string;
  /** Below the equity peak, 0..1. */
  ratio: number;
}

export interface RequestBudget {
  variant: string;
  used: ApiCallCounts;
  limits: FirmRules['requests'];
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function renderMetrics(input: MetricsInput): string {
  const lines: string[] = [];
  const family = (
    name: string,
    help: string,
    type: 'gauge' | 'counter',
    samples: [Labels, number][],
  ): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
  };

  // Every configured variant gets every status, zeros included, so a rate() never sees a series vanish.
  const counts = new Map<string, number>();
  for (const variant of input.variants) {
    for (const status of INTENT_STATUSES) counts.set(key(variant, status), 0);
  }
  for (const c of input.counts) counts.set(key(c.variantId, c.status), c.count);
  family(
    'sigil_intents',
    'Trade intents by variant and status.',
    'gauge',
    [...counts].map(([k, value]) => {
      const [variant = '', status = ''] = k.split('\u0000');
      return [{ variant, status }, value];
    }),
  );

  family(
    'sigil_heartbeat_age_seconds',
    'Seconds since the variant last finished a scan (since it started one, if none finished).',
    'gauge',
    input.heartbeats.flatMap((hb): [Labels, number][] => {
      const last = hb.lastScanEnd ?? hb.lastScanStart;
      return last === null ? [] : [[{ variant: hb.variantId }, Math.max(0, (input.now - last) / 1000)]];
    }),
  );

  family(
    'sigil_equity',
    'Equity of the latest snapshot (balance plus open positions at the last price).',
    'gauge',
    input.latestEquity.map((s) => [{ variant: s.variantId }, s.equity]),
  );

  family(
    'sigil_trading_halted',
    '1 when the variant is halted (kill switch or by hand), else 0.',
    'gauge',
    input.tradingStates.map((s) => [{ variant: s.variantId }, s.state === 'halted' ? 1 : 0]),
  );

  family(
    'sigil_drawdown_ratio',
    'Current drawdown below the highest equity snapshot, 0..1.',
    'gauge',
    input.drawdowns.map((d) => [{ variant: d.variant }, d.ratio]),
  );

  const kinds = ['all', 'modifications', 'positions'] as const;
  const limitOf = (b: RequestBudget, kind: (typeof kinds)[number]): number =>
    kind === 'all'
      ? b.limits.allPerDay
      : kind === 'modifications'
        ? b.limits.modificationsPerDay
        : b.limits.positionsPerDay;
  family(
    'sigil_broker_requests_used',
    "Broker requests spent today (the firm's day) against its daily limit, by kind.",
    'gauge',
    input.requestBudgets.flatMap((b) =>
      kinds.map((kind): [Labels, number] => [{ variant: b.variant, kind }, b.used[kind]]),
    ),
  );
  family(
    'sigil_broker_requests_limit',
    "The firm's daily request limit by kind; 0 = unlimited.",
    'gauge',
    input.requestBudgets.flatMap((b) =>
      kinds.map((kind): [Labels, number] => [{ variant: b.variant, kind }, limitOf(b, kind)]),
    ),
  );

  if (input.activity) {
    family(
      'sigil_decisions_total',
      'Intents decided by this process since it started; decisions per minute = rate(...[5m]) * 60.',
      'counter',
      [[{}, input.activity.decisions]],
    );
    family(
      'sigil_worker_errors_total',
      "This process's jobs and workers that failed with an error since it started.",
      'counter',
      [[{}, input.activity.workerErrors]],
    );
  }

  return `${lines.join('\n')}\n`;
}

type Labels = Record<string, string>;

function key(variant: string, status: string): string {
  return `${variant}\u0000${status}`;
}

function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabel(value)}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
