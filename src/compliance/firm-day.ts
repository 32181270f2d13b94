// The firm's day: which calendar day an instant falls on in the firm's zone, and when that day starts
// and ends. Daily limits, trading days and request budgets all reset at this boundary.
// No date library: fixed offsets are parsed by hand, IANA zones are read through Intl.DateTimeFormat.

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Offset (local wall time − UTC) in ms at an instant. */
type OffsetAt = (ms: number) => number;

export interface FirmDay {
  /** YYYY-MM-DD in the zone. */
  day: string;
  /** 00:00 of that day in the zone, epoch ms. */
  start: number;
  /** The following 00:00: 23 or 25 h later on DST switch days. */
  next: number;
}

const FIXED_OFFSET = /^UTC(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$/;

function fixedOffset(zone: string): OffsetAt | null {
  const match = FIXED_OFFSET.exec(zone);
  if (!match) return null;
  const [, sign, hours = '0', minutes = '0'] = match;
  const h = Number(hours);
  const m = Number(minutes);
  if (h > 14 || m > 59) return null;
  const offset = (sign === '-' ? -1 : 1) * (h * 60 + m) * MINUTE;
  return () => offset;
}

function ianaOffset(zone: string): OffsetAt | null {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  } catch {
    return null; // Intl throws RangeError on an unknown zone name
  }
  return (ms) => {
    const whole = Math.floor(ms / 1000) * 1000; // Intl shows whole seconds only
    const part: Record<string, number> = {};
    for (const { type, value } of format.formatToParts(whole)) part[type] = Number(value);
    const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = part;
    return Date.UTC(year, month - 1, day, hour, minute, second) - whole;
  };
}

// Building an Intl formatter is far slower than using one, and a ledger asks about thousands of instants.
const offsetsByZone = new Map<string, OffsetAt | null>();

function offsetsOf(zone: string): OffsetAt | null {
  let offsets = offsetsByZone.get(zone);
  if (offsets === undefined) {
    offsets = fixedOffset(zone) ?? ianaOffset(zone);
    offsetsByZone.set(zone, offsets);
  }
  return offsets;
}

/** The zone when Sigil can compute days in it, else null (callers turn that into a config error). */
export function parseDayZone(zone: string): string | null {
  return offsetsOf(zone) ? zone : null;
}

function requireOffsets(zone: string): OffsetAt {
  const offsets = offsetsOf(zone);
  if (!offsets) throw new Error(`unknown day zone "${zone}" (use an IANA name or UTC±hh[:mm])`);
  return offsets;
}

/** The first instant whose local wall time is `wall` (or later, when a DST gap skips it). */
function firstInstantAt(wall: number, offsetAt: OffsetAt): number {
  // A day holds at most one switch, so the offsets a day away on each side are the two candidates.
  const before = offsetAt(wall - DAY);
  const after = offsetAt(wall + DAY);
  const exact = [wall - before, wall - after].filter((t) => t + offsetAt(t) === wall);
  if (exact.length > 0) return Math.min(...exact); // twice when clocks go back over midnight: the earlier
  // Midnight skipped by a spring-forward switch: the day starts at the switch itself.
  let lo = wall - after; // still the previous day
  let hi = wall - before; // already the new day
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid + offsetAt(mid) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

function isoDate(wall: Date): string {
  return wall.toISOString().slice(0, 10);
}

export function firmDay(now: number, zone: string): FirmDay {
  const offsetAt = requireOffsets(zone);
  const wall = new Date(now + offsetAt(now));
  const midnight = Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate());
  return {
    day: isoDate(wall),
    start: firstInstantAt(midnight, offsetAt),
    next: firstInstantAt(midnight + DAY, offsetAt),
  };
}

/** 'YYYY-MM-DD HH:MM' local time in the zone, for reasons a person reads. */
export function zonedDateTime(ms: number, zone: string): string {
  const wall = new Date(ms + requireOffsets(zone)(ms));
  return wall.toISOString().slice(0, 16).replace('T', ' ');
}
