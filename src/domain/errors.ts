// Errors are classified by what the caller must do, not by where they come from.
// Adapters map vendor errors into these kinds in one table each; unknown throws are wrapped with `cause`.

export const ERROR_KINDS = ['retryable', 'rejected', 'unknown_outcome', 'fatal'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export abstract class SigilError extends Error {
  abstract readonly kind: ErrorKind;
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A transient fault (network, 429, maintenance, a busy database): back off and try again. */
export class RetryableError extends SigilError {
  readonly kind = 'retryable' as const;
}

/** The request was refused for a reason that retrying will not change: record the reason, do not retry. */
export class RejectedError extends SigilError {
  readonly kind = 'rejected' as const;
}

/** The request may or may not have taken effect (timeout after submit): reconcile before anything else. */
export class UnknownOutcomeError extends SigilError {
  readonly kind = 'unknown_outcome' as const;
}

/** Bad configuration or a broken invariant: stop the variant or the process with a clear message. */
export class FatalError extends SigilError {
  readonly kind = 'fatal' as const;
}

export function isSigilError(error: unknown): error is SigilError {
  return error instanceof SigilError;
}

export function errorKindOf(error: unknown): ErrorKind {
  return isSigilError(error) ? error.kind : 'fatal';
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
