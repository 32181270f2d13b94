// ISO-8601 timestamps read straight from the bytes of a CSV cell: no string is made and Date.parse is not
// called. The shape is checked digit by digit:
//   YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM|±HHMM)
// with a real calendar date (2021-02-30 is refused; Date.parse rolls it over into March), hours 00–23,
// minutes and seconds 00–59. Fractions of a second are truncated to the millisecond, as V8 does. A time
// without a zone is refused: Date.parse would read it in the machine's local time zone.

const DAY_MS = 86_400_000;
const ZERO = 0x30;
const DASH = 0x2d;
const COLON = 0x3a;
const DOT = 0x2e;
const PLUS = 0x2b;

/**
 * Reads the timestamp starting at byte `i` (no further than `limit`) into `out[k]` as epoch ms and
 * returns the index of the first byte after it; the caller checks that the cell ends there. Returns -1
 * when the bytes there are not such a timestamp.
 */
export function scanIsoTime(b: Uint8Array, i: number, limit: number, out: Float64Array, k: number): number {
  if (limit - i < 20) return -1;
  const century = twoDigits(b, i);
  const yearOfCentury = twoDigits(b, i + 2);
  const year = century * 100 + yearOfCentury;
  const month = twoDigits(b, i + 5);
  const day = twoDigits(b, i + 8);
  const hour = twoDigits(b, i + 11);
  const minute = twoDigits(b, i + 14);
  const second = twoDigits(b, i + 17);
  if (
    century < 0 ||
    yearOfCentury < 0 ||
    b[i + 4] !== DASH ||
    b[i + 7] !== DASH ||
    b[i + 10] !== 0x54 /* T */ ||
    b[i + 13] !== COLON ||
    b[i + 16] !== COLON ||
    !(month >= 1 && month <= 12) ||
    !(day >= 1 && day <= daysInMonth(year, month)) ||
    !(hour >= 0 && hour <= 23) ||
    !(minute >= 0 && minute <= 59) ||
    !(second >= 0 && second <= 59)
  ) {
    return -1;
  }
  let p = i + 19;
  let ms = 0;
  if (b[p] === DOT) {
    const first = ++p;
    for (let scale = 100; p < limit && isDigit(b[p] as number); p++, scale /= 10) {
      if (scale >= 1) ms += ((b[p] as number) - ZERO) * scale;
    }
    if (p === first) return -1;
  }
  let offsetMinutes = 0;
  const zone = b[p];
  if (zone === 0x5a /* Z */ || zone === 0x7a /* z */) {
    p += 1;
  } else if ((zone === PLUS || zone === DASH) && p + 5 <= limit) {
    // ±HH:MM, or ±HHMM as strftime's %z writes it.
    const colon = b[p + 3] === COLON ? 1 : 0;
    const hours = twoDigits(b, p + 1);
    const minutes = twoDigits(b, p + 3 + colon);
    if (!(hours >= 0 && hours <= 23 && minutes >= 0 && minutes <= 59)) return -1;
    offsetMinutes = (zone === PLUS ? 1 : -1) * (hours * 60 + minutes);
    p += 5 + colon;
  } else {
    return -1;
  }
  if (p > limit) return -1;
  out[k] =
    daysFromCivil(year, month, day) * DAY_MS +
    ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1_000 +
    ms;
  return p;
}

const scratch = new Float64Array(1);

/** The same for a whole cell, bytes [start, end): epoch ms, or NaN unless the timestamp fills it exactly. */
export function isoTimeFromBytes(b: Uint8Array, start: number, end: number): number {
  return scanIsoTime(b, start, end, scratch, 0) === end ? (scratch[0] as number) : NaN;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil): years are
 * counted from March so the leap day falls at the end, and 400-year eras repeat exactly.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return 30 + ((month + (month >> 3)) & 1);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return leap ? 29 : 28;
}

/** 00–99 from two digit bytes, or -1 if either is not a digit (a byte past the buffer reads undefined). */
function twoDigits(b: Uint8Array, i: number): number {
  const high = (b[i] as number) - ZERO;
  const low = (b[i + 1] as number) - ZERO;
  return high >= 0 && high <= 9 && low >= 0 && low <= 9 ? high * 10 + low : -1;
}

function isDigit(byte: number): boolean {
  return byte >= ZERO && byte <= ZERO + 9;
}
