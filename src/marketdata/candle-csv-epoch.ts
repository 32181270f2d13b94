// CSV candles whose times are epoch milliseconds: the shared header with numbers in its `timestamp`
// column, or no header at all and `open_time,open,high,low,close,volume,…` (Binance's public kline files,
// ccxt dumps). Such files are rarer and smaller than the ISO ones, so they are read line by line with
// split and the decimal pattern; the rows go through the same checks and into the same columns as the ISO
// parser's. Only milliseconds are read: a 10-digit second count read as milliseconds would land in 1970
// and a 16-digit microsecond count in the year 50 000 — refused, not guessed.
import { CandleDataError, CandleFormatError } from './candle-data-error.ts';
import { checkRow, columnIndexes, ColumnSink, CSV_HEADER, DECIMAL } from './candle-csv.ts';
import type { CandleSeries } from './candle-series.ts';

/** A cell of digits only: an epoch time, never an ISO one (which has dashes). */
const EPOCH_CELL = /^\s*\d+\s*$/;
/** 1973-03-03 and 5138-11-16: outside them a count is not in milliseconds. */
const EARLIEST_MS = 1e11;
const LATEST_MS = 1e14;
/** Enough of the file's start for its first line and row; the ISO fast path pays only this. */
const SNIFF_BYTES = 4096;
/** A headerless file's columns: Binance's kline layout starts with the CSV_HEADER fields in order. */
const HEADERLESS_COLUMNS = CSV_HEADER.map((_, i) => i);

/**
 * How the file's times are written, from its first line and first row: 'headerless' (the first cell of
 * the first line is a number), 'header' (the header names the columns and the first row's timestamp is a
 * number), or null for anything else — ISO times, which parseCandleCsv reads.
 */
export function epochCsvLayout(bytes: Uint8Array): 'headerless' | 'header' | null {
  const start = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, SNIFF_BYTES));
  const lines = start.toString('utf8').split('\n');
  const first = lines[0] ?? '';
  if (EPOCH_CELL.test(first.split(',', 1)[0] ?? '')) return 'headerless';
  const header = first.trim().toLowerCase().split(',');
  const timeCell = header.indexOf('timestamp');
  if (timeCell < 0) return null;
  const row = lines.slice(1).find((line) => line.trim() !== '');
  return row !== undefined && EPOCH_CELL.test(row.split(',')[timeCell] ?? '') ? 'header' : null;
}

/** Reads an epoch-millisecond CSV (`layout` from epochCsvLayout) into columns, every row checked. */
export function parseEpochCsv(
  text: string,
  layout: 'headerless' | 'header',
  path: string,
  symbol: string,
): CandleSeries {
  const lines = text.split(/\r?\n/);
  const index = layout === 'header' ? columnIndexes(lines[0] ?? '', path) : HEADERLESS_COLUMNS;
  const rows = new ColumnSink(lines.length);
  const values = new Float64Array(CSV_HEADER.length);
  let previousTime = NaN;
  for (let i = layout === 'header' ? 1 : 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const at = String(i + 1);
    const cells = line.split(',');
    index.forEach((cell, field) => (values[field] = readCell(cells[cell], field, path, at)));
    checkRow(values, previousTime, path, i + 1);
    rows.push(values);
    previousTime = values[0] as number;
  }
  return rows.toSeries(symbol);
}

function readCell(cell: string | undefined, field: number, path: string, at: string): number {
  const trimmed = cell?.trim() ?? '';
  if (field === 0) {
    const ms = EPOCH_CELL.test(trimmed) ? Number(trimmed) : NaN;
    if (!(ms >= EARLIEST_MS && ms < LATEST_MS)) {
      throw new CandleFormatError(
        path,
        at,
        `timestamp "${cell ?? ''}" is not an epoch time in milliseconds (13 digits, e.g. 1704067200000 for 2024-01-01T00:00:00Z); seconds and microseconds are not read`,
      );
    }
    return ms;
  }
  const value = DECIMAL.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isFinite(value)) {
    throw new CandleDataError(path, at, `${CSV_HEADER[field]} "${cell ?? ''}" is not a decimal number`);
  }
  return value;
}
