// How a failed command reports itself: one sentence saying what is wrong and how to fix it, a non-zero
// exit code, and the stack only with --verbose; never a secret.
import { CommanderError } from 'commander';
import { isSigilError } from '../domain/errors.ts';
import { redactSecrets } from '../logging/redaction.ts';

export const EXIT_FAILURE = 1;
/** Bad usage or configuration: the command was not run. */
export const EXIT_USAGE = 2;

export class UsageError extends Error {}

export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
  if (error instanceof UsageError) return EXIT_USAGE;
  if (isSigilError(error) && (error.code === 'config' || error.code === 'store_config')) return EXIT_USAGE;
  return EXIT_FAILURE;
}

/**
 * What is printed of a failure, through the redaction of every error message: a driver's or an SDK's
 * message may quote a URL with its password, a key, or the value of a secret variable.
 */
export function describeFailure(error: unknown, verbose: boolean): string {
  const message = error instanceof Error ? error.message : String(error);
  const known = isSigilError(error) || error instanceof UsageError;
  const lines = [`sigil: ${known ? message : `unexpected error: ${message}`}`];
  if (verbose) {
    for (let e: unknown = error; e instanceof Error; e = e.cause) lines.push(e.stack ?? String(e));
  } else if (!known) {
    lines.push('(run again with --verbose for the details)');
  }
  return redactSecrets(lines.join('\n'));
}
