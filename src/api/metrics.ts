// The store's state as Prometheus metrics: what a scrape needs to alert on a silent bot (heartbeat
// age, halted variants, drawdown, the firm's request budget) and to chart the pipeline and equity.
// A fresh registry per scrape: every series is read from the store, so a variant or status that is
// gone is gone from the scrape too, and two scrapes at once never see each other's half-set values.
import { Gauge, Registry } from 'prom-client';
import type { EpochMs } from '../domain/ids.ts';
import { INTENT_STATUSES } from '../domain/intent-lifecycle.ts';
import type { ScannerHeartbeat } from '../domain/heartbeat.ts';
import type { ApiCallCounts, EquitySnapshot, StatusCount } from '../domain/ports/store.ts';
import type { FirmRules } from '../compliance/firm-rules.ts';
import type { TradingStateRecord } from '../domain/trading-state.ts';
import type { ProcessMetrics } from './process-metrics.ts';

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

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

const REQUEST_KINDS = ['all', 'modifications', 'positions'] as const;

/** The exposition text; with the bot's process metrics when the server runs inside `sigil run`. */
export async function renderMetrics(input: MetricsInput, process: ProcessMetrics | null): Promise<string> {
  const registry = new Registry();
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> =>
    new Gauge({ name, help, labelNames, registers: [registry] });

  const intents = gauge('sigil_intents', 'Trade intents by variant and status.', ['variant', 'status']);
  // Every configured variant gets every status, zeros included, so a rate() never sees a series vanish.
  for (const variant of input.variants) {
    for (const status of INTENT_STATUSES) intents.set({ variant, status }, 0);
  }
  for (const c of input.counts) intents.set({ variant: c.variantId, status: c.status }, c.count);

  const heartbeatAge = gauge(
    'sigil_heartbeat_age_seconds',
    'Seconds since the variant last finished a scan (since it started one, if none finished).',
    ['variant'],
  );
  for (const hb of input.heartbeats) {
    const last = hb.lastScanEnd ?? hb.lastScanStart;
    if (last !== null) heartbeatAge.set({ variant: hb.variantId }, Math.max(0, (input.now - last) / 1000));
  }

  const equity = gauge(
    'sigil_equity',
    'Equity of the latest snapshot (balance plus open positions at the last price).',
    ['variant'],
  );
  for (const s of input.latestEquity) equity.set({ variant: s.variantId }, s.equity);

  const halted = gauge(
    'sigil_trading_halted',
    '1 when the variant is halted (kill switch or by hand), else 0.',
    ['variant'],
  );
  for (const s of input.tradingStates) halted.set({ variant: s.variantId }, s.state === 'halted' ? 1 : 0);

  const drawdown = gauge(
    'sigil_drawdown_ratio',
    'Current drawdown below the highest equity snapshot, 0..1.',
    ['variant'],
  );
  for (const d of input.drawdowns) drawdown.set({ variant: d.variant }, d.ratio);

  const used = gauge(
    'sigil_broker_requests_used',
    "Broker requests spent today (the firm's day) against its daily limit, by kind.",
    ['variant', 'kind'],
  );
  const limit = gauge(
    'sigil_broker_requests_limit',
    "The firm's daily request limit by kind; 0 = unlimited.",
    ['variant', 'kind'],
  );
  for (const b of input.requestBudgets) {
    for (const kind of REQUEST_KINDS) {
      used.set({ variant: b.variant, kind }, b.used[kind]);
      limit.set({ variant: b.variant, kind }, limitOf(b, kind));
    }
  }

  const all = process ? Registry.merge([registry, process.registry]) : registry;
  return all.metrics();
}

function limitOf(budget: RequestBudget, kind: (typeof REQUEST_KINDS)[number]): number {
  const limits = budget.limits;
  if (kind === 'all') return limits.allPerDay;
  return kind === 'modifications' ? limits.modificationsPerDay : limits.positionsPerDay;
}
