// The one reading of a time typed by a person (a CLI option, an API query): strict ISO 8601, and UTC when
// no zone is written. Date.parse was the reading before, and it changed trades: it takes "01/02/2022"
// (January or February?), rolls 2021-02-30 over into March, and reads a time without a zone in the
// machine's zone — `TZ=America/New_York sigil scan --at 2023-06-01T13:00` scanned 17:00Z.
//
//   YYYY-MM-DD                               a day: its 00:00 UTC
//   YYYY-MM-DDTHH:MM[:SS[.s…]][Z|±HH:MM]     a time; no zone = UTC; at most 3 digits of a second
//
// A fraction finer than a millisecond is refused rather than rounded: nothing in Sigil is finer.
import type { EpochMs } from './ids.ts';

const TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The forms, for messages that say what to type instead. */
export const ISO_TIME_FORMS = 'YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS[.sss]] (UTC) or with Z or ±HH:MM';

/** Epoch ms of a strict ISO-8601 time or day (see above), or null. */
export function parseIsoTime(text: string): EpochMs | null {
  const m = TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!isRealDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  const millis = Number((m[7] ?? '0').padEnd(3, '0'));
  const zone = m[8] ?? 'Z';
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const hours = Number(zone.slice(1, 3));
    const minutes = Number(zone.slice(4, 6));
    if (hours > 23 || minutes > 59) return null;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0–99 as 1900–1999.
  const midnight = new Date(0).setUTCFullYear(year, month - 1, day);
  return midnight + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1_000 + millis;
}

/** The day `YYYY-MM-DD` itself when it is a real calendar date, or null. */
export function parseIsoDay(text: string): string | null {
  const m = DAY.exec(text);
  if (!m) return null;
  return isRealDate(Number(m[1]), Number(m[2]), Number(m[3])) ? text : null;
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day <= days;
}
