// `--at TIME`: a command run as of another moment — a replay's store and data live in the past.
import type { EpochMs } from '../domain/ids.ts';
import { timeOption } from './time-option.ts';

/** The time `--at` names (strict ISO 8601, UTC without a zone), or `otherwise()` without it. */
export function atOption(at: string | undefined, otherwise: () => EpochMs): EpochMs {
  return at === undefined ? otherwise() : timeOption(at, '--at');
}
