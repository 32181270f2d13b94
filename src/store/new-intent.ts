// Turns a producer's NewIntent into a complete pending TradeIntent, refusing what would be stored wrong.
import { RejectedError } from '../domain/errors.ts';
import type { DecisionRecord } from '../domain/decision-record.ts';
import { intentIdFor, type EpochMs, type IntentId } from '../domain/ids.ts';
import {
  CONFIDENCES,
  DEFAULT_CLAIM_TTL_MINUTES,
  defaultIdempotencyKey,
  naturalKeyOf,
  type NewIntent,
  type TradeIntent,
} from '../domain/intent.ts';

export class InvalidIntentError extends RejectedError {
  constructor(what: string) {
    super('invalid_intent', `cannot store the intent: ${what}`);
  }
}

export function buildIntent(input: NewIntent, now: EpochMs): TradeIntent {
  const key = naturalKeyOf(input);
  const describe = `${key.variantId}/${key.symbol}/${key.tradeDate}`;
  if (!input.symbol.trim()) throw new InvalidIntentError('the symbol is empty');
  if (!input.tradeDate.trim()) throw new InvalidIntentError(`${describe}: the trade date is empty`);
  const ttl = input.claimTtlMinutes ?? DEFAULT_CLAIM_TTL_MINUTES;
  if (!Number.isInteger(ttl) || ttl <= 0) {
    throw new InvalidIntentError(`${describe}: claimTtlMinutes must be a whole number above 0, got ${ttl}`);
  }
  const side = input.scanner?.side ?? 'BUY';
  if (side !== 'BUY' && side !== 'SELL')
    throw new InvalidIntentError(`${describe}: the scanner's side must be BUY or SELL, got ${String(side)}`);
  const numbers = {
    score: input.scanner?.score ?? 0,
    confidence: input.scanner?.confidence ?? 'medium',
    scoreGap: input.scanner?.scoreGap ?? 0,
    dropDistance: input.scanner?.dropDistance ?? 0,
    topkSpread: input.scanner?.topkSpread ?? 0,
  };
  const levels: { stop?: number; target?: number } = {};
  for (const level of ['stop', 'target'] as const) {
    const value = input.scanner?.[level];
    if (value === undefined) continue;
    if (!(Number.isFinite(value) && value > 0))
      throw new InvalidIntentError(
        `${describe}: the scanner's ${level} must be a price above 0, got ${String(value)}`,
      );
    levels[level] = value;
  }
  const scanner = { side, ...numbers, ...levels };
  for (const [field, value] of Object.entries(numbers)) {
    if (field !== 'confidence' && !Number.isFinite(value)) {
      throw new InvalidIntentError(
        `${describe}: scanner ${field} must be a finite number, got ${String(value)}`,
      );
    }
  }
  if (!CONFIDENCES.includes(scanner.confidence)) {
    throw new InvalidIntentError(`${describe}: confidence must be one of ${CONFIDENCES.join(', ')}`);
  }
  const atr = input.atrAtSignal ?? null;
  if (atr !== null && !(Number.isFinite(atr) && atr >= 0)) {
    throw new InvalidIntentError(`${describe}: atrAtSignal must be a finite number ≥ 0 or null, got ${atr}`);
  }
  const idempotencyKey = input.idempotencyKey ?? defaultIdempotencyKey(key);
  return {
    id: intentIdFor(idempotencyKey, now),
    variantId: key.variantId,
    symbol: key.symbol,
    tradeDate: key.tradeDate,
    source: key.source,
    idempotencyKey,
    scanner,
    atrAtSignal: atr,
    suggestedSide: null,
    suggestedSlPrice: null,
    suggestedTpPrice: null,
    suggestedSlPips: null,
    suggestedTpPips: null,
    agentRiskReport: '',
    agentState: null,
    status: 'pending',
    statusReason: 'created',
    claimWorkerId: null,
    claimTs: null,
    claimTtlMinutes: ttl,
    claimExpiresAt: null,
    attempts: 0,
    expiresAt: input.expiresAt ?? null,
    positionId: null,
    executedAt: null,
    executionError: null,
    complianceSnapshot: null,
    createdAt: now,
    updatedAt: now,
  };
}

export function sameNaturalKey(a: TradeIntent, b: TradeIntent): boolean {
  return (
    a.symbol === b.symbol &&
    a.tradeDate === b.tradeDate &&
    a.source === b.source &&
    a.variantId === b.variantId
  );
}

/** An intent's first decision record: created, pending. Both stores write this same record. */
export function creationRecord(intentId: IntentId, actor: string, now: EpochMs): Omit<DecisionRecord, 'seq'> {
  return {
    intentId,
    from: null,
    to: 'pending',
    event: 'create',
    actor,
    reason: 'created',
    snapshot: null,
    at: now,
  };
}
