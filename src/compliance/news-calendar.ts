// Reads the news blackout calendar: a CSV file with the header `time,currencies,title`, one event a
// line, e.g. `2026-11-06T13:30:00Z,USD,"Non-Farm Payrolls, October"`. Errors name the file and line,
// because the file is edited by hand and a silent skip would trade through the news it was meant to avoid.
import { readFileSync } from 'node:fs';
import type { NewsEvent } from './firm-rules.ts';

const HEADER = ['time', 'currencies', 'title'];
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|([+-])(\d{2}):?(\d{2}))$/;
const CURRENCY = /^[A-Z0-9]{2,10}$/;

/** Splits one CSV line; fields may be double-quoted, with "" for a quote inside. */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= line.length) throw new Error('a quoted field has no closing quote');
        const ch = line[i];
        if (ch === '"' && line[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (ch === '"') {
          break;
        } else {
          field += ch;
          i += 1;
        }
      }
      i += 1;
      if (i < line.length && line[i] !== ',') throw new Error('text after a closing quote');
    } else {
      const end = line.indexOf(',', i);
      field = line.slice(i, end === -1 ? line.length : end);
      i = end === -1 ? line.length : end;
    }
    fields.push(field.trim());
    if (i >= line.length) return fields;
    i += 1; // the comma
  }
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Epoch ms of an ISO-8601 time with a zone, or null; checks the calendar itself (Date.parse accepts Feb 30). */
function parseIsoTime(text: string): number | null {
  const m = ISO_TIME.exec(text);
  if (!m) return null;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = m
    .slice(1, 7)
    .map((v) => Number(v ?? 0));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const millis = Number((m[7] ?? '0').padEnd(3, '0'));
  const offsetMinutes = m[8] === 'Z' ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  if (Math.abs(offsetMinutes) > 14 * 60) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

function parseEvent(fields: string[]): NewsEvent {
  if (fields.length !== 3) {
    throw new Error(
      `expected 3 fields (time,currencies,title), got ${fields.length}; quote a title with commas`,
    );
  }
  const [time = '', currencyList = '', title = ''] = fields;
  const at = parseIsoTime(time);
  if (at === null)
    throw new Error(`time "${time}" is not an ISO-8601 time with a zone (2026-11-06T13:30:00Z)`);
  const currencies = currencyList
    .toUpperCase()
    .split(/[\s|]+/)
    .filter(Boolean);
  if (currencies.length === 0) throw new Error('no currencies (use e.g. USD, EUR|USD or *)');
  const bad = currencies.find((c) => c !== '*' && !CURRENCY.test(c));
  if (bad !== undefined) throw new Error(`currency "${bad}" is not a currency code or *`);
  if (title === '') throw new Error('the title is empty');
  return { at, currencies, title };
}

export function readNewsCalendar(path: string): NewsEvent[] {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const events: NewsEvent[] = [];
  let headerSeen = false;
  lines.forEach((raw, index) => {
    const line = raw.replace(/^\uFEFF/, '').trim();
    if (line === '' || line.startsWith('#')) return;
    try {
      const fields = csvFields(line);
      if (!headerSeen) {
        if (fields.map((f) => f.toLowerCase()).join(',') !== HEADER.join(',')) {
          throw new Error(`expected the header "${HEADER.join(',')}", got "${line}"`);
        }
        headerSeen = true;
        return;
      }
      events.push(parseEvent(fields));
    } catch (error) {
      const what = error instanceof Error ? error.message : String(error);
      throw new Error(`${path} line ${index + 1}: ${what}`, { cause: error });
    }
  });
  return events.sort((a, b) => a.at - b.at);
}
