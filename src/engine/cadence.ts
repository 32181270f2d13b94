// When a job runs: a fixed interval or a cron expression. Both are pure functions of time (no clock
// read, no local time zone), so a live process and a backtest on SimClock compute the same run times.
import { Cron } from 'croner';
import type { EpochMs } from '../domain/ids.ts';

/**
 * `everyMs`: aligned to multiples of the interval since the epoch, shifted by `offsetMs` (a live bar job
 * runs a few seconds after each bar closes). `cron`: 5 or 6 fields, in UTC.
 */
export type Cadence = { everyMs: number; offsetMs?: number } | { cron: string };

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type IntervalUnit = keyof typeof UNIT_MS;
const INTERVAL = /^(\d+)(ms|s|m|h|d)$/;

const EXAMPLES =
  'use an interval such as 10m, 60s, 1h or 500ms, or a 5- or 6-field cron expression such as "1 * * * *"';

/** '10m', '60s', '1h', '500ms', '1d' are intervals; anything else must be a valid cron expression. */
export function parseCadence(text: string): Cadence {
  const trimmed = text.trim();
  if (trimmed === '') throw new Error(`the cadence "${text}" is empty: ${EXAMPLES}`);
  const interval = INTERVAL.exec(trimmed);
  if (interval) {
    const everyMs = Number(interval[1]) * UNIT_MS[interval[2] as IntervalUnit];
    checkInterval(everyMs, text);
    return { everyMs };
  }
  try {
    cronFor(trimmed);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const message = `the cadence "${text}" is neither an interval nor a valid cron expression (${reason})`;
    throw new Error(`${message}: ${EXAMPLES}`, { cause: error });
  }
  return { cron: trimmed };
}

/** The first run strictly after `after`. */
export function nextRunAfter(cadence: Cadence, after: EpochMs): EpochMs {
  if ('everyMs' in cadence) {
    checkInterval(cadence.everyMs, `${cadence.everyMs}ms`);
    // Aligned to the epoch rather than to the start time, so an hourly job lands on whole hours and a
    // restart does not shift the schedule.
    const offset = cadence.offsetMs ?? 0;
    return Math.floor((after - offset) / cadence.everyMs) * cadence.everyMs + cadence.everyMs + offset;
  }
  // Croner moves to the next whole second past `after`, so a run exactly at `after` is not returned.
  const next = cronFor(cadence.cron).nextRun(new Date(after));
  if (!next)
    throw new Error(
      `the cron expression "${cadence.cron}" has no run after ${new Date(after).toISOString()}`,
    );
  return next.getTime();
}

function checkInterval(everyMs: number, text: string): void {
  // Zero would make every moment due (a busy loop); fractions and huge values would not stay exact.
  if (!Number.isSafeInteger(everyMs) || everyMs <= 0) {
    throw new Error(`the interval "${text}" must be a positive whole number of milliseconds: ${EXAMPLES}`);
  }
}

/** Parsed patterns, by expression: a scheduler asks for the same few on every run. */
const crons = new Map<string, Cron>();

function cronFor(expression: string): Cron {
  let cron = crons.get(expression);
  if (!cron) {
    // Paused: only the pattern is used, croner must not start timers of its own (time is the Clock's).
    // The 5-or-6 mode refuses croner's 7-field (year) form, which other cron tools would misread.
    cron = new Cron(expression, { paused: true, timezone: 'UTC', mode: '5-or-6-parts' });
    // A valid pattern that can never match (Feb 30) would leave the job without a next run.
    if (!cron.nextRun(new Date(0))) throw new Error(`"${expression}" never fires`);
    crons.set(expression, cron);
  }
  return cron;
}
