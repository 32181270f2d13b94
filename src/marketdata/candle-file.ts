// Reads a candle file: the shared CSV format (`timestamp,open,high,low,close,volume`, ISO UTC), plain or
// gzipped, or a freqtrade JSON array of [open_ms, open, high, low, close, volume]. Every bar is checked;
// the first bad one stops the read with the file and line, so nothing trades on bad data.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Candle } from '../domain/candle.ts';
import { barProblem } from './candle-checks.ts';
import { CandleDataError } from './candle-data-error.ts';

const HEADER = ['timestamp', 'open', 'high', 'low', 'close', 'volume'];

/** BTCUSDT.csv.gz → BTCUSDT; BTC_USDT-1h.json → BTC_USDT. */
export function symbolFromPath(path: string): string {
  return basename(path)
    .replace(/\.gz$/, '')
    .replace(/\.(csv|json)$/, '')
    .replace(/-\d+[mhdw]$/, '');
}

export function readCandleFile(path: string, symbol = symbolFromPath(path)): Candle[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
    if (path.endsWith('.gz')) bytes = gunzipSync(bytes);
  } catch (error) {
    throw new CandleDataError(path, null, `cannot read the file (${(error as Error).message})`);
  }
  const text = bytes.toString('utf8');
  const candles = /\.json(\.gz)?$/.test(path)
    ? parseFreqtradeJson(text, path, symbol)
    : parseCsv(text, path, symbol);
  if (candles.length === 0) throw new CandleDataError(path, null, 'the file holds no candles');
  return candles;
}

export function parseCsv(text: string, path: string, symbol: string): Candle[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').trim().toLowerCase().split(',');
  const missing = HEADER.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    throw new CandleDataError(
      path,
      '1',
      `missing column ${missing.join(', ')}; expected the header ${HEADER.join(',')}`,
    );
  }
  const index = HEADER.map((column) => header.indexOf(column));
  const candles: Candle[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const cells = line.split(',');
    const at = String(i + 1);
    const raw = index.map((column) => cells[column]);
    const time = Date.parse(raw[0] ?? '');
    if (!/^\d{4}-\d\d-\d\dT/.test(raw[0] ?? '') || Number.isNaN(time)) {
      throw new CandleDataError(path, at, `timestamp "${raw[0] ?? ''}" is not an ISO-8601 UTC time`);
    }
    const [open, high, low, close, volume] = raw
      .slice(1)
      .map((cell, k) => number(cell, HEADER[k + 1] as string, path, at));
    candles.push(
      checked(
        { symbol, time, open: open!, high: high!, low: low!, close: close!, volume: volume! },
        candles.at(-1),
        path,
        at,
      ),
    );
  }
  return candles;
}

export function parseFreqtradeJson(text: string, path: string, symbol: string): Candle[] {
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch (error) {
    throw new CandleDataError(path, null, `not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(rows))
    throw new CandleDataError(
      path,
      null,
      'expected a JSON array of [time_ms, open, high, low, close, volume]',
    );
  const candles: Candle[] = [];
  rows.forEach((row: unknown, i) => {
    const at = `row ${i + 1}`;
    if (
      !Array.isArray(row) ||
      row.length < 6 ||
      !row.slice(0, 6).every((v) => typeof v === 'number' && Number.isFinite(v))
    ) {
      throw new CandleDataError(
        path,
        at,
        'expected [time_ms, open, high, low, close, volume] of finite numbers',
      );
    }
    const [time, open, high, low, close, volume] = row as number[];
    candles.push(
      checked(
        { symbol, time: time!, open: open!, high: high!, low: low!, close: close!, volume: volume! },
        candles.at(-1),
        path,
        at,
      ),
    );
  });
  return candles;
}

function number(cell: string | undefined, column: string, path: string, at: string): number {
  const value = Number(cell);
  if (cell === undefined || cell.trim() === '' || !Number.isFinite(value)) {
    throw new CandleDataError(path, at, `${column} "${cell ?? ''}" is not a number`);
  }
  return value;
}

/** The bar's own consistency and its order after the previous bar. */
function checked(candle: Candle, previous: Candle | undefined, path: string, at: string): Candle {
  const problem = barProblem(candle);
  if (problem) throw new CandleDataError(path, at, problem);
  if (previous && candle.time === previous.time) {
    throw new CandleDataError(path, at, `duplicate timestamp ${new Date(candle.time).toISOString()}`);
  }
  if (previous && candle.time < previous.time) {
    throw new CandleDataError(
      path,
      at,
      `timestamp ${new Date(candle.time).toISOString()} comes before the previous bar's; the file must be sorted`,
    );
  }
  return candle;
}
