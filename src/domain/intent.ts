// A trade intent: a scanner's (or a person's) proposal to trade, carried through analysis and execution.
import type { EpochMs, IntentId, PositionId, VariantId, WorkerId } from './ids.ts';
import type { IntentStatus } from './intent-lifecycle.ts';

export const SIDES = ['BUY', 'SELL', 'HOLD'] as const;
export type Side = (typeof SIDES)[number];
export type TradeSide = Exclude<Side, 'HOLD'>;

export const CONFIDENCES = ['high', 'medium', 'low'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

export const INTENT_SOURCES = ['scanner', 'manual'] as const;
export type IntentSource = (typeof INTENT_SOURCES)[number];

/** What a scanner measured when it proposed the trade (the ranking scanner fills all five numbers). */
/** The numbers a scanner measured, without its side (a signal carries that as its own field). */
export type ScannerMeasures = Omit<ScannerFields, 'side'>;

export interface ScannerFields {
  /** The side the scanner proposes: BUY (long) or SELL (short). The rules analyst trades it as it is. */
  side: TradeSide;
  /** A stop price the scanner proposes (a user strategy's); the risk layer holds it inside its band. */
  stop?: number;
  /** A target price the scanner proposes. */
  target?: number;
  score: number;
  confidence: Confidence;
  scoreGap: number;
  dropDistance: number;
  topkSpread: number;
}

/** The analyst's proposal. Stops and targets may come as prices or pips; sizing never comes from here. */
export interface AnalystDecision {
  side: Side;
  slPrice: number | null;
  tpPrice: number | null;
  slPips: number | null;
  tpPips: number | null;
  riskReport: string;
  /** The analyst's full state (an LLM transcript, the rule that fired), kept for audit and replay. */
  agentState: unknown;
  /** Added to the status reason, e.g. that a fallback decided because the LLM was unavailable. */
  note?: string;
}

export interface TradeIntent {
  id: IntentId;
  variantId: VariantId;
  symbol: string;
  /** The trading period the signal belongs to (YYYY-MM-DD for daily scanners). Part of the natural key. */
  tradeDate: string;
  source: IntentSource;
  idempotencyKey: string;
  scanner: ScannerFields;
  /** ATR(14) at signal time; the risk layer sizes and places the stop from it. */
  atrAtSignal: number | null;

  suggestedSide: Side | null;
  suggestedSlPrice: number | null;
  suggestedTpPrice: number | null;
  suggestedSlPips: number | null;
  suggestedTpPips: number | null;
  agentRiskReport: string;
  agentState: unknown;

  status: IntentStatus;
  /** Why the intent is in its status: the reason of the last transition. */
  statusReason: string;
  claimWorkerId: WorkerId | null;
  claimTs: EpochMs | null;
  claimTtlMinutes: number;
  /** End of the current lease; null unless claimed or executing. */
  claimExpiresAt: EpochMs | null;
  /** How many times the intent has been claimed; the janitor gives up after the configured maximum. */
  attempts: number;
  expiresAt: EpochMs | null;

  positionId: PositionId | null;
  executedAt: EpochMs | null;
  executionError: string | null;
  complianceSnapshot: unknown;

  createdAt: EpochMs;
  updatedAt: EpochMs;
}

/** What a producer supplies; the store fills in the lifecycle fields. */
export interface NewIntent {
  variantId: VariantId;
  symbol: string;
  tradeDate: string;
  source?: IntentSource;
  /** Defaults to the natural key, so the same signal inserted twice is one intent. */
  idempotencyKey?: string;
  scanner?: Partial<ScannerFields>;
  atrAtSignal?: number | null;
  claimTtlMinutes?: number;
  expiresAt?: EpochMs | null;
}

export interface IntentNaturalKey {
  symbol: string;
  tradeDate: string;
  source: IntentSource;
  variantId: VariantId;
}

export function naturalKeyOf(intent: NewIntent | TradeIntent): IntentNaturalKey {
  return {
    symbol: intent.symbol,
    tradeDate: intent.tradeDate,
    source: intent.source ?? 'scanner',
    variantId: intent.variantId,
  };
}

export function defaultIdempotencyKey(key: IntentNaturalKey): string {
  return `${key.variantId}|${key.source}|${key.symbol}|${key.tradeDate}`;
}

export const DEFAULT_CLAIM_TTL_MINUTES = 30;
