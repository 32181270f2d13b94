// Every time a CLI option takes (--at, --from, --to, --until, --date) is read here, strictly: ISO 8601,
// UTC when no zone is written (src/domain/iso-time.ts). Anything else is a usage error (exit 2) that
// says which forms are understood.
import type { Command } from 'commander';
import type { EpochMs } from '../domain/ids.ts';
import { ISO_TIME_FORMS, parseIsoDay, parseIsoTime } from '../domain/iso-time.ts';
import { UsageError } from './cli-error.ts';

/** The time an option names: a day (its 00:00 UTC) or a time. */
export function timeOption(text: string, flag: string): EpochMs {
  const time = parseIsoTime(text);
  if (time === null) {
    throw new UsageError(
      `${flag} "${text}" is not an ISO time: use ${ISO_TIME_FORMS}, e.g. 2024-05-01 or 2024-05-01T12:00`,
    );
  }
  return time;
}

/** The same for an option that may be absent. */
export function optionalTimeOption(text: string | undefined, flag: string): EpochMs | undefined {
  return text === undefined ? undefined : timeOption(text, flag);
}

/** A UTC day, `YYYY-MM-DD`, as given. */
export function dayOption(text: string, flag: string): string {
  const day = parseIsoDay(text);
  if (day === null) throw new UsageError(`${flag} "${text}" is not a day YYYY-MM-DD such as 2024-05-01`);
  return day;
}

/** `--from` and `--to`, each optional; when both are given `--from` must come first. */
export function timeRangeOptions(flags: { from?: string | undefined; to?: string | undefined }): {
  from?: EpochMs;
  to?: EpochMs;
} {
  const from = optionalTimeOption(flags.from, '--from');
  const to = optionalTimeOption(flags.to, '--to');
  if (from !== undefined && to !== undefined && from >= to) {
    throw new UsageError(
      `--from ${new Date(from).toISOString()} is not before --to ${new Date(to).toISOString()}: the range is empty`,
    );
  }
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

/** `--from` and `--to` over the data, as the commands that replay it declare them (`timeRangeOptions` reads them). */
export function addDataRangeOptions(command: Command): Command {
  return command
    .option(
      '--from <time>',
      'first bar (ISO 8601 day or time, UTC without a zone), default: the start of the data',
    )
    .option(
      '--to <time>',
      'end (ISO 8601 day or time, UTC without a zone; exclusive), default: the end of the data',
    );
}
