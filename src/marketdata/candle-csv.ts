// The shared CSV candle format (`timestamp,open,high,low,close,volume`, header first, columns in any
// order, extra columns ignored) parsed from bytes straight into columns. Each row is read in one pass over
// its bytes by `scanIsoTime` and `scanDecimal`; a row they do not fully understand — a blank line with
// spaces, an exponent, a long number, a bad cell — is handed to the line-by-line reading of the old
// `split`/`Number` parser, which gives the same doubles. Both paths are stricter than the old parser:
// timestamps are read by the checked hand parser (Date.parse let impossible dates and zone-less local
// times through), and a number must be a decimal (Number() also read "0x10" as 16 and "0b1111" as 15).
// On the 19 shared pairs (25.5 MB) the old parser ran at 32 MB/s; this one at 150–215 MB/s on a first,
// cold-JIT run and 300–350 MB/s warm (bench/candles.ts).
// Epoch-millisecond files are told apart before this parser is called (candle-csv-epoch.ts), so its
// loop stays exactly the one the benchmark measures.
import { CandleDataError, CandleFormatError } from './candle-data-error.ts';
import { pricesProblem } from './candle-checks.ts';
import { allocateSeries, type CandleSeries } from './candle-series.ts';
import { scanDecimal } from './decimal-bytes.ts';
import { isoTimeFromBytes, scanIsoTime } from './iso-time-bytes.ts';

export const CSV_HEADER = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;

const LF = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;
/**
 * What a number cell may hold off the fast path: a decimal with an optional sign and exponent (pandas
 * writes PEPE's 0.00000197 as 1.97e-06), spaces around it tolerated. Number() alone also read "0x10" as
 * 16 and "0b1111" as 15: values the source never meant, traded.
 */
export const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** A row of the scratch `values`: the CSV_HEADER order. */
const TIME = 0;

export function parseCandleCsv(bytes: Uint8Array, path: string, symbol: string): CandleSeries {
  const n = bytes.length;
  const headerEnd = lineEnd(bytes, 0);
  const index = columnIndexes(text(bytes, 0, headerEnd), path);
  // Which field each cell of a row holds (-1: a column nobody reads), up to the last needed cell.
  const fieldOfCell = new Int8Array(Math.max(...index) + 1).fill(-1);
  index.forEach((cell, field) => (fieldOfCell[cell] = field));

  const rows = new ColumnSink(Math.ceil(n / 32) + 16);
  const values = new Float64Array(CSV_HEADER.length);
  let previousTime = NaN;
  let pos = headerEnd + 1;
  for (let line = 2; pos < n; line++) {
    const first = bytes[pos];
    if (first === LF || (first === CR && bytes[pos + 1] === LF)) {
      pos += first === LF ? 1 : 2;
      continue;
    }
    let next = scanRow(bytes, pos, fieldOfCell, values);
    if (next < 0) {
      const end = lineEnd(bytes, pos);
      next = end + 1;
      if (!oldRow(text(bytes, pos, end), index, path, String(line), values)) {
        pos = next;
        continue;
      }
    }
    checkRow(values, previousTime, path, line);
    rows.push(values);
    previousTime = values[TIME] as number;
    pos = next;
  }
  return rows.toSeries(symbol);
}

/** The column of each CSV_HEADER field, or the old parser's error naming what is missing (line 1). */
export function columnIndexes(headerLine: string, path: string): number[] {
  const header = headerLine.trim().toLowerCase().split(',');
  const missing = CSV_HEADER.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    throw new CandleFormatError(
      path,
      '1',
      `missing column ${missing.join(', ')}; expected the header ${CSV_HEADER.join(',')}`,
    );
  }
  return CSV_HEADER.map((column) => header.indexOf(column));
}

/**
 * Reads one row at `pos` into `values` and returns where the next line starts, or -1 when any needed
 * cell is not a timestamp or decimal the fast path reads exactly up to its separator.
 */
function scanRow(b: Uint8Array, pos: number, fieldOfCell: Int8Array, values: Float64Array): number {
  const n = b.length;
  const cells = fieldOfCell.length;
  let p = pos;
  for (let cell = 0; cell < cells; cell++) {
    const field = fieldOfCell[cell] as number;
    if (field >= 0) {
      p = field === TIME ? scanIsoTime(b, p, n, values, TIME) : scanDecimal(b, p, n, values, field);
      if (p < 0) return -1;
    } else {
      while (p < n && b[p] !== COMMA && b[p] !== LF) p++;
    }
    if (cell < cells - 1) {
      if (b[p] !== COMMA) return -1;
      p++;
    }
  }
  if (p === n) return n;
  const after = b[p];
  if (after === LF) return p + 1;
  if (after === CR) return b[p + 1] === LF ? p + 2 : -1;
  if (after === COMMA) return lineEnd(b, p) + 1;
  return -1;
}

/**
 * The old parser's reading of one line (its text without the line break): false for a blank line, else
 * the values, or its error. Only the timestamp changed: it is read by the same checked hand parser as the
 * fast path instead of Date.parse.
 */
function oldRow(line: string, index: number[], path: string, at: string, values: Float64Array): boolean {
  if (line.trim() === '') return false;
  const cells = line.split(',');
  const stamp = cells[index[TIME] as number] ?? '';
  const stampBytes = Buffer.from(stamp, 'utf8');
  const time = isoTimeFromBytes(stampBytes, 0, stampBytes.length);
  if (Number.isNaN(time)) {
    throw new CandleFormatError(path, at, `timestamp "${stamp}" is not an ISO-8601 UTC time`);
  }
  values[TIME] = time;
  for (let field = 1; field < CSV_HEADER.length; field++) {
    const cell = cells[index[field] as number];
    const value = cell !== undefined && DECIMAL.test(cell.trim()) ? Number(cell) : NaN;
    if (!Number.isFinite(value)) {
      throw new CandleDataError(path, at, `${CSV_HEADER[field]} "${cell ?? ''}" is not a decimal number`);
    }
    values[field] = value;
  }
  return true;
}

/** The bar's own consistency and its order after the previous bar, in the old parser's words. */
export function checkRow(values: Float64Array, previousTime: number, path: string, line: number): void {
  const time = values[TIME] as number;
  const problem = pricesProblem(
    values[1] as number,
    values[2] as number,
    values[3] as number,
    values[4] as number,
    values[5] as number,
  );
  if (problem) throw new CandleDataError(path, String(line), problem);
  if (time <= previousTime) {
    const when = new Date(time).toISOString();
    throw new CandleDataError(
      path,
      String(line),
      time === previousTime
        ? `duplicate timestamp ${when}`
        : `timestamp ${when} comes before the previous bar's; the file must be sorted`,
    );
  }
}

/** Index of the line break ending the line that starts at `pos` (or the length of the bytes). */
function lineEnd(b: Uint8Array, pos: number): number {
  const end = b.indexOf(LF, pos);
  return end < 0 ? b.length : end;
}

/** A line's text as the old parser saw it: split on /\r?\n/, so a CR right before the LF is dropped. */
function text(b: Uint8Array, start: number, end: number): string {
  const stop = end < b.length && end > start && b[end - 1] === CR ? end - 1 : end;
  return Buffer.from(b.buffer, b.byteOffset + start, stop - start).toString('utf8');
}

/** Growing columns for rows as they are parsed; copied once, at the end, into a shared series. */
export class ColumnSink {
  length = 0;
  private columns: Float64Array[];

  constructor(private capacity: number) {
    this.columns = CSV_HEADER.map(() => new Float64Array(capacity));
  }

  push(values: Float64Array): void {
    if (this.length === this.capacity) this.grow();
    const at = this.length++;
    for (let k = 0; k < values.length; k++) (this.columns[k] as Float64Array)[at] = values[k] as number;
  }

  toSeries(symbol: string): CandleSeries {
    const series = allocateSeries(symbol, this.length);
    const targets = [series.time, series.open, series.high, series.low, series.close, series.volume];
    targets.forEach((target, k) => target.set((this.columns[k] as Float64Array).subarray(0, this.length)));
    return series;
  }

  private grow(): void {
    this.capacity *= 2;
    this.columns = this.columns.map((column) => {
      const larger = new Float64Array(this.capacity);
      larger.set(column);
      return larger;
    });
  }
}
