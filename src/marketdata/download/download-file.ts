// The CSV file a download writes, in Sigil's own format (`timestamp,open,high,low,close,volume`, ISO UTC
// open times, plain decimals). Bars are appended a page at a time with one write each, so a run stopped
// anywhere — Ctrl-C, a kill, a lost connection — leaves every bar written so far, and at worst one line cut
// short, which the next run drops before it resumes from the last whole bar. Before a download adds to a
// file, the file must be this format at this timeframe; anything else is refused, never mixed into.
import { appendFileSync, existsSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { Decimal } from 'decimal.js';
import type { Candle, Timeframe } from '../../domain/candle.ts';
import { timeframeMs } from '../../domain/candle.ts';
import { FatalError } from '../../domain/errors.ts';
import { CSV_HEADER, parseCandleCsv } from '../candle-csv.ts';
import { epochCsvLayout } from '../candle-csv-epoch.ts';
import type { CandleSeries } from '../candle-series.ts';

const HEADER_LINE = `${CSV_HEADER.join(',')}\n`;

/** A file the download would have to mix other data into: bad usage (exit 2), naming the file. */
export class CandleFileConflictError extends FatalError {
  constructor(file: string, problem: string) {
    super('config', `${file}: ${problem}; download into another folder (--out) or move the file away`);
  }
}

/** What an existing file holds, read before anything is fetched. */
export interface HeldFile {
  path: string;
  series: CandleSeries;
  /** Where the last whole line ends: past it is a line an interrupted write cut short. */
  wholeBytes: number;
  /** The file's size as read; the whole bytes once dropCutLine has run (so it cuts only once). */
  size: number;
}

/**
 * The bars already in `path`, or null when there is no file or no whole bar in it (a run stopped
 * right after it started). Refuses a file in another layout or at another timeframe.
 */
export function readHeldFile(path: string, symbol: string, timeframe: Timeframe): HeldFile | null {
  if (!existsSync(path)) return null;
  const bytes = readFileSync(path);
  if (bytes.length <= HEADER_LINE.length && HEADER_LINE.startsWith(bytes.toString('utf8'))) return null;
  if (!bytes.subarray(0, HEADER_LINE.length).equals(Buffer.from(HEADER_LINE)) || epochCsvLayout(bytes)) {
    throw new CandleFileConflictError(
      path,
      `is not in the format sigil data download writes (header ${CSV_HEADER.join(',')}, ISO UTC times)`,
    );
  }
  const wholeBytes = bytes.lastIndexOf(0x0a) + 1;
  const series = parseCandleCsv(bytes.subarray(0, wholeBytes), path, symbol);
  if (series.length === 0) return null;
  checkTimeframe(series, timeframe, path);
  return { path, series, wholeBytes, size: bytes.length };
}

/**
 * Bars off the timeframe's grid, closer than one bar, or mostly further apart than one bar are another
 * timeframe's: a 5m file in a 1h folder, or 4h bars.
 */
function checkTimeframe(series: CandleSeries, timeframe: Timeframe, path: string): void {
  const barMs = timeframeMs(timeframe);
  const spacings = new Map<number, number>();
  for (let i = 0; i < series.length; i++) {
    const time = series.time[i] as number;
    if (time % barMs !== 0) {
      throw new CandleFileConflictError(
        path,
        `bar ${isoTime(time)} is off the ${timeframe} grid: not ${timeframe} data`,
      );
    }
    if (i === 0) continue;
    const step = time - (series.time[i - 1] as number);
    if (step < barMs) {
      throw new CandleFileConflictError(
        path,
        `bars ${step / 60_000} minutes apart at ${isoTime(time)}: not ${timeframe} data`,
      );
    }
    spacings.set(step, (spacings.get(step) ?? 0) + 1);
  }
  const [usual] = [...spacings].sort((a, b) => b[1] - a[1])[0] ?? [barMs];
  if (series.length >= 3 && usual !== barMs) {
    throw new CandleFileConflictError(
      path,
      `its bars are mostly ${usual / 60_000} minutes apart: not ${timeframe} data`,
    );
  }
}

/** Drops a line an interrupted write cut short, so appended bars start on a line of their own. */
export function dropCutLine(held: HeldFile): void {
  if (held.size <= held.wholeBytes) return;
  truncateSync(held.path, held.wholeBytes);
  held.size = held.wholeBytes;
}

/** A new file holding only the header. */
export function startFile(path: string): void {
  writeFileSync(path, HEADER_LINE);
}

/** Adds bars after the file's last, in one write. */
export function appendBars(path: string, candles: readonly Candle[]): void {
  if (candles.length > 0) appendFileSync(path, csvLines(candles));
}

/**
 * Puts bars before the file's first: the file is written anew beside it and renamed over it, so a stop
 * halfway leaves the old file whole.
 */
export function prependBars(held: HeldFile, candles: readonly Candle[]): void {
  if (candles.length === 0) return;
  // As it is now: the bars appended after it since it was read are kept.
  const body = readFileSync(held.path).subarray(HEADER_LINE.length);
  const next = `${held.path}.part`;
  writeFileSync(next, Buffer.concat([Buffer.from(HEADER_LINE + csvLines(candles)), body]));
  renameSync(next, held.path);
}

function csvLines(candles: readonly Candle[]): string {
  let text = '';
  for (const c of candles) {
    text += `${isoTime(c.time)},${plain(c.open)},${plain(c.high)},${plain(c.low)},${plain(c.close)},${plain(c.volume)}\n`;
  }
  return text;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** The shortest decimal that reads back as the same double, never in exponent form (1.97e-7). */
function plain(value: number): string {
  const text = String(value);
  return text.includes('e') ? new Decimal(text).toFixed() : text;
}
