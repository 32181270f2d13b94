// Errors the store raises, classified by what the caller must do.
import { FatalError, RejectedError, RetryableError } from '../domain/errors.ts';
import type { IntentId, PositionId, VariantId } from '../domain/ids.ts';

export class IntentNotFoundError extends RejectedError {
  constructor(readonly intentId: IntentId) {
    super('intent_not_found', `intent ${intentId} does not exist`);
  }
}

export class IdempotencyConflictError extends RejectedError {
  constructor(key: string, existing: IntentId) {
    super(
      'idempotency_conflict',
      `idempotency key "${key}" already belongs to intent ${existing}, which has a different symbol, date, source or variant`,
    );
  }
}

export class PositionAlreadyOpenError extends RejectedError {
  constructor(variantId: VariantId, symbol: string) {
    super('position_already_open', `variant ${variantId} already has an open position in ${symbol}`);
  }
}

export class PositionNotOpenError extends RejectedError {
  constructor(id: PositionId) {
    super('position_not_open', `position ${id} does not exist or is already closed`);
  }
}

/** The database cannot be reached or is busy right now; the caller backs off and tries again. */
export class StoreUnavailableError extends RetryableError {
  constructor(message: string, cause?: unknown) {
    super('store_unavailable', message, { cause });
  }
}

/** The database is not usable as a Sigil store (wrong file, wrong credentials, newer schema…). */
export class StoreConfigError extends FatalError {
  constructor(message: string, cause?: unknown) {
    super('store_config', message, { cause });
  }
}

export class SchemaTooNewError extends FatalError {
  constructor(target: string, found: number, known: number) {
    super(
      'schema_too_new',
      `${target} has schema version ${found}, but this Sigil knows migrations up to ${known} only: upgrade Sigil before using this database`,
    );
  }
}
