// Loads the candle files of a folder (one file per symbol), or a single file.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Candle, Timeframe } from '../domain/candle.ts';
import { checkBarGrid } from './bar-grid.ts';
import { CandlePathError } from './candle-data-error.ts';
import { readCandleSeries, symbolFromPath } from './candle-file.ts';
import { candlesFromSeries, type CandleSeries } from './candle-series.ts';

const CANDLE_FILE = /\.(csv|json)(\.gz)?$/;

export function candleFiles(path: string): Map<string, string> {
  if (!existsSync(path)) throw new CandlePathError(path, 'no such file or folder');
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((name) => CANDLE_FILE.test(name))
        .sort()
        .map((name) => join(path, name))
    : [path];
  return new Map(files.map((file) => [symbolFromPath(file), file]));
}

/**
 * Reads every file, or only `symbols` (each must be present), as columns: the cheap form. With a
 * `timeframe`, every bar must open on its grid (bar-grid.ts).
 */
export function loadCandleSeries(
  path: string,
  symbols?: readonly string[],
  timeframe?: Timeframe,
): CandleSeries[] {
  const files = candleFiles(path);
  const wanted = symbols && symbols.length > 0 ? symbols : [...files.keys()];
  if (wanted.length === 0) throw new CandlePathError(path, 'holds no candle files (*.csv, *.csv.gz, *.json)');
  return wanted.map((symbol) => {
    const file = files.get(symbol);
    if (!file)
      throw new CandlePathError(
        path,
        `symbol ${symbol} is not there (it has ${[...files.keys()].join(', ')})`,
      );
    const series = readCandleSeries(file, symbol);
    if (timeframe) checkBarGrid(series.time, file, timeframe);
    return series;
  });
}

/** The same as Candle objects. */
export function loadCandles(path: string, symbols?: readonly string[], timeframe?: Timeframe): Candle[][] {
  return loadCandleSeries(path, symbols, timeframe).map(candlesFromSeries);
}

/** The same, keyed by symbol. */
export function loadCandlesBySymbol(
  path: string,
  symbols?: readonly string[],
  timeframe?: Timeframe,
): Record<string, Candle[]> {
  return Object.fromEntries(
    loadCandles(path, symbols, timeframe).map((series) => [series[0]?.symbol ?? '', series]),
  );
}
