// How a TradeIntent maps to the `intents` table, in one place for both dialects.
import type { EpochMs, IntentId, PositionId, VariantId, WorkerId } from '../domain/ids.ts';
import type { Confidence, IntentSource, Side, TradeIntent, TradeSide } from '../domain/intent.ts';
import type { IntentStatus } from '../domain/intent-lifecycle.ts';
import type { IntentChanges } from '../domain/intent-transition.ts';
import type { DecisionRecord } from '../domain/decision-record.ts';
import type { Row, SqlValue } from './sql-driver.ts';

type Kind = 'text' | 'real' | 'time' | 'int' | 'json';
const PG_TYPES: Record<Kind, string> = {
  text: 'text',
  real: 'double precision',
  time: 'bigint',
  int: 'integer',
  json: 'text',
};

/** Every field a transition may change, with its column. */
const CHANGE_COLUMNS: Record<keyof IntentChanges, { column: string; kind: Kind }> = {
  status: { column: 'status', kind: 'text' },
  statusReason: { column: 'status_reason', kind: 'text' },
  claimWorkerId: { column: 'claim_worker_id', kind: 'text' },
  claimTs: { column: 'claim_ts', kind: 'time' },
  claimExpiresAt: { column: 'claim_expires_at', kind: 'time' },
  attempts: { column: 'attempts', kind: 'int' },
  suggestedSide: { column: 'suggested_side', kind: 'text' },
  suggestedSlPrice: { column: 'suggested_sl_price', kind: 'real' },
  suggestedTpPrice: { column: 'suggested_tp_price', kind: 'real' },
  suggestedSlPips: { column: 'suggested_sl_pips', kind: 'real' },
  suggestedTpPips: { column: 'suggested_tp_pips', kind: 'real' },
  agentRiskReport: { column: 'agent_risk_report', kind: 'text' },
  agentState: { column: 'agent_state', kind: 'json' },
  positionId: { column: 'position_id', kind: 'text' },
  executedAt: { column: 'executed_at', kind: 'time' },
  executionError: { column: 'execution_error', kind: 'text' },
  complianceSnapshot: { column: 'compliance_snapshot', kind: 'json' },
  updatedAt: { column: 'updated_at', kind: 'time' },
};

export interface ColumnChange {
  name: string;
  pgType: string;
  value: SqlValue;
}

/** The columns a set of changes writes; fields left undefined are not touched. */
export function changeColumns(changes: IntentChanges): ColumnChange[] {
  const columns: ColumnChange[] = [];
  for (const [field, value] of Object.entries(changes) as [keyof IntentChanges, unknown][]) {
    if (value === undefined) continue;
    const { column, kind } = CHANGE_COLUMNS[field];
    columns.push({
      name: column,
      pgType: PG_TYPES[kind],
      value: kind === 'json' ? toJson(value) : (value as SqlValue),
    });
  }
  return columns;
}

export const INSERT_COLUMNS = [
  'id',
  'variant_id',
  'symbol',
  'trade_date',
  'source',
  'idempotency_key',
  'scanner_side',
  'scanner_score',
  'scanner_confidence',
  'scanner_score_gap',
  'scanner_drop_distance',
  'scanner_topk_spread',
  'scanner_stop',
  'scanner_target',
  'atr_at_signal',
  'status',
  'status_reason',
  'claim_ttl_minutes',
  'expires_at',
  'created_at',
  'updated_at',
] as const;

export function insertValues(intent: TradeIntent): SqlValue[] {
  return [
    intent.id,
    intent.variantId,
    intent.symbol,
    intent.tradeDate,
    intent.source,
    intent.idempotencyKey,
    intent.scanner.side,
    intent.scanner.score,
    intent.scanner.confidence,
    intent.scanner.scoreGap,
    intent.scanner.dropDistance,
    intent.scanner.topkSpread,
    intent.scanner.stop ?? null,
    intent.scanner.target ?? null,
    intent.atrAtSignal,
    intent.status,
    intent.statusReason,
    intent.claimTtlMinutes,
    intent.expiresAt,
    intent.createdAt,
    intent.updatedAt,
  ];
}

export function intentFromRow(row: Row): TradeIntent {
  return {
    id: row.id as IntentId,
    variantId: row.variant_id as VariantId,
    symbol: row.symbol as string,
    tradeDate: row.trade_date as string,
    source: row.source as IntentSource,
    idempotencyKey: row.idempotency_key as string,
    scanner: {
      side: row.scanner_side as TradeSide,
      score: row.scanner_score as number,
      confidence: row.scanner_confidence as Confidence,
      scoreGap: row.scanner_score_gap as number,
      dropDistance: row.scanner_drop_distance as number,
      topkSpread: row.scanner_topk_spread as number,
      ...(typeof row.scanner_stop === 'number' ? { stop: row.scanner_stop } : {}),
      ...(typeof row.scanner_target === 'number' ? { target: row.scanner_target } : {}),
    },
    atrAtSignal: row.atr_at_signal as number | null,
    suggestedSide: row.suggested_side as Side | null,
    suggestedSlPrice: row.suggested_sl_price as number | null,
    suggestedTpPrice: row.suggested_tp_price as number | null,
    suggestedSlPips: row.suggested_sl_pips as number | null,
    suggestedTpPips: row.suggested_tp_pips as number | null,
    agentRiskReport: row.agent_risk_report as string,
    agentState: fromJson(row.agent_state),
    status: row.status as IntentStatus,
    statusReason: row.status_reason as string,
    claimWorkerId: row.claim_worker_id as WorkerId | null,
    claimTs: row.claim_ts as EpochMs | null,
    claimTtlMinutes: row.claim_ttl_minutes as number,
    claimExpiresAt: row.claim_expires_at as EpochMs | null,
    attempts: row.attempts as number,
    expiresAt: row.expires_at as EpochMs | null,
    positionId: row.position_id as PositionId | null,
    executedAt: row.executed_at as EpochMs | null,
    executionError: row.execution_error as string | null,
    complianceSnapshot: fromJson(row.compliance_snapshot),
    createdAt: row.created_at as EpochMs,
    updatedAt: row.updated_at as EpochMs,
  };
}

export const RECORD_COLUMNS = [
  'intent_id',
  'from_status',
  'to_status',
  'event',
  'actor',
  'reason',
  'snapshot',
  'at',
];

export function recordValues(record: Omit<DecisionRecord, 'seq'>): SqlValue[] {
  return [
    record.intentId,
    record.from,
    record.to,
    record.event,
    record.actor,
    record.reason,
    toJson(record.snapshot),
    record.at,
  ];
}

export function recordFromRow(row: Row): DecisionRecord {
  return {
    seq: Number(row.seq),
    intentId: row.intent_id as IntentId,
    from: row.from_status as IntentStatus | null,
    to: row.to_status as IntentStatus,
    event: row.event as DecisionRecord['event'],
    actor: row.actor as string,
    reason: row.reason as string,
    snapshot: fromJson(row.snapshot),
    at: row.at as EpochMs,
  };
}

export function toJson(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

export function fromJson(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : null;
}
