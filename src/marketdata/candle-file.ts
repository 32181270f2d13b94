// Reads a candle file: the shared CSV format (`timestamp,open,high,low,close,volume`, ISO UTC), the same
// with epoch-millisecond times or without a header (Binance's kline files, candle-csv-epoch.ts), plain or
// gzipped, or a freqtrade JSON array of [open_ms, open, high, low, close, volume]. A file in none of these
// is refused with the list of what is read (ACCEPTED_CANDLE_FORMATS). Every bar is checked;
// the first bad one stops the read with the file and line, so nothing trades on bad data. A file is
// parsed once: its columns are cached on disk under the hash of its bytes (candle-cache.ts).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Candle } from '../domain/candle.ts';
import { barProblem } from './candle-checks.ts';
import { cachedSeries, type CachedSeries } from './candle-cache.ts';
import { parseCandleCsv } from './candle-csv.ts';
import { epochCsvLayout, parseEpochCsv } from './candle-csv-epoch.ts';
import { CandleDataError, CandleFormatError } from './candle-data-error.ts';
import { candlesFromSeries, seriesFromCandles, type CandleSeries } from './candle-series.ts';

/** What a refusal of a file's layout adds: every layout Sigil reads. */
export const ACCEPTED_CANDLE_FORMATS =
  'Sigil reads CSV with the header timestamp,open,high,low,close,volume and ISO-8601 UTC or epoch-millisecond times; CSV without a header whose first columns are open time (epoch ms),open,high,low,close,volume (Binance kline files); and freqtrade JSON [[time_ms, open, high, low, close, volume], …] (*.json, e.g. BTC_USDT-1h.json); each plain or gzipped (.gz)';

/**
 * BTCUSDT.csv.gz → BTCUSDT; freqtrade's BTC_USDT-1h.json → BTCUSDT, the name Sigil's configs use, so a
 * freqtrade data folder serves as `--data` as it is.
 */
export function symbolFromPath(path: string): string {
  const name = basename(path)
    .replace(/\.gz$/, '')
    .replace(/\.(csv|json)$/, '');
  const freqtrade = /^([A-Za-z0-9]+)_([A-Za-z0-9]+)-\d+[mhdwM]$/.exec(name);
  if (freqtrade && path.includes('.json')) return `${freqtrade[1]}${freqtrade[2]}`;
  return name.replace(/-\d+[mhdw]$/, '');
}

/**
 * Raise it whenever a file could read differently (CSV or JSON): cached series of other versions are
 * rebuilt. 2: hex, binary and octal literals are refused (version 1 cached them read as numbers).
 * 3: epoch-millisecond and headerless CSV are read.
 */
export const CANDLE_PARSER_VERSION = 3;

/** The file as columns: from the cache when these very bytes were parsed before, else parsed and cached. */
export function readCandleSeries(path: string, symbol = symbolFromPath(path)): CandleSeries {
  return loadCandleFile(path, symbol).series;
}

/** The same, and whether the cache answered (`hit`) or the file was parsed (`stored` / `not stored`). */
export function loadCandleFile(path: string, symbol = symbolFromPath(path)): CachedSeries {
  let source: Buffer;
  try {
    source = readFileSync(path);
  } catch (error) {
    throw cannotRead(path, error);
  }
  const format = /\.json(\.gz)?$/.test(path) ? 'json' : 'csv';
  return cachedSeries({ source, format, parserVersion: CANDLE_PARSER_VERSION }, symbol, () =>
    parseCandleBytes(source, path, symbol, format),
  );
}

/** The candles as objects, for the callers that want them. */
export function readCandleFile(path: string, symbol = symbolFromPath(path)): Candle[] {
  return candlesFromSeries(readCandleSeries(path, symbol));
}

/**
 * Where the file's `row`-th bar (0-based) is: its line in a CSV (blank lines are skipped, as the parser
 * skips them), `row N` in JSON. For errors found after parsing; reads the file again.
 */
export function rowLocation(path: string, row: number): string {
  if (/\.json(\.gz)?$/.test(path)) return `row ${row + 1}`;
  let bytes: Buffer = readFileSync(path);
  if (path.endsWith('.gz')) bytes = gunzipSync(bytes);
  const lines = bytes.toString('utf8').split('\n');
  let bars = 0;
  for (let i = epochCsvLayout(bytes) === 'headerless' ? 0 : 1; i < lines.length; i++) {
    if ((lines[i] as string).trim() === '') continue;
    if (bars++ === row) return String(i + 1);
  }
  return `row ${row + 1}`;
}

function parseCandleBytes(
  source: Buffer,
  path: string,
  symbol: string,
  format: 'csv' | 'json',
): CandleSeries {
  let bytes = source;
  try {
    if (path.endsWith('.gz')) bytes = gunzipSync(source);
  } catch (error) {
    throw cannotRead(path, error);
  }
  let series: CandleSeries;
  try {
    series = parseBytes(bytes, path, symbol, format);
  } catch (error) {
    if (!(error instanceof CandleFormatError)) throw error;
    throw new CandleFormatError(error.source, error.where, `${error.problem}. ${ACCEPTED_CANDLE_FORMATS}`);
  }
  if (series.length === 0) throw new CandleDataError(path, null, 'the file holds no candles');
  return series;
}

function parseBytes(bytes: Buffer, path: string, symbol: string, format: 'csv' | 'json'): CandleSeries {
  // JSON is rare and small: it goes through objects, then into columns.
  if (format === 'json')
    return seriesFromCandles(symbol, parseFreqtradeJson(bytes.toString('utf8'), path, symbol));
  const epochLayout = epochCsvLayout(bytes);
  return epochLayout === null
    ? parseCandleCsv(bytes, path, symbol)
    : parseEpochCsv(bytes.toString('utf8'), epochLayout, path, symbol);
}

function cannotRead(path: string, error: unknown): CandleDataError {
  return new CandleDataError(path, null, `cannot read the file (${(error as Error).message})`);
}

export function parseFreqtradeJson(text: string, path: string, symbol: string): Candle[] {
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch (error) {
    throw new CandleFormatError(path, null, `not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(rows))
    throw new CandleFormatError(
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
      throw new CandleFormatError(
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
