// The retryable failure of an alert delivery, carrying the wait the service asked for (Telegram's
// parameters.retry_after, Discord's retry_after, a Retry-After header) so the dispatcher can honour it.
import { RetryableError } from '../domain/errors.ts';

export class AlertRetryableError extends RetryableError {
  constructor(
    code: string,
    message: string,
    /** How long the service asked us to wait before trying again, when it said. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(code, message);
  }
}

export function retryAfterMsOf(error: unknown): number | undefined {
  return error instanceof AlertRetryableError ? error.retryAfterMs : undefined;
}
