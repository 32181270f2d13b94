// Prometheus text exposition (format 0.0.4) of the store's state: what a scrape needs to alert on a
// silent bot (heartbeat age, halted variants) and to chart the pipeline and equity.
import type { EpochMs } from '../domain/ids.ts';
import { INTENT_STATUSES } from '../domain/intent-lifecycle.ts';
import type { ScannerHeartbeat } from '../domain/heartbeat.ts';
import type { EquitySnapshot, StatusCount } from '../domain/ports/store.ts';
import type { TradingStateRecord } from '../domain/trading-state.ts';

export interface MetricsInput {
  now: EpochMs;
  variants: readonly string[];
  counts: readonly StatusCount[];
  heartbeats: readonly ScannerHeartbeat[];
  latestEquity: readonly EquitySnapshot[];
  tradingStates: readonly TradingStateRecord[];
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function renderMetrics(input: MetricsInput): string {
  const lines: string[] = [];
  const family = (name: string, help: string, type: 'gauge', samples: [Labels, number][]): void => {
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
