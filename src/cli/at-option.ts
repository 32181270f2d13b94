// `--at TIME`: a command run as of another moment — a replay's store and data live in the past.
import type { EpochMs } from '../domain/ids.ts';
import { UsageError } from './cli-error.ts';

/** The time `--at` names, or `otherwise()` (the clock's now, the end of the data) without it. */
export function atOption(at: string | undefined, otherwise: () => EpochMs): EpochMs {
  if (at === undefined) return otherwise();
  const time = Date.parse(at);
  if (Number.isNaN(time))
    throw new UsageError(`--at "${at}" is not an ISO time such as 2024-05-01T12:00:00Z`);
  return time;
}
