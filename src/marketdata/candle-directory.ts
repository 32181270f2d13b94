// Loads the candle files of a folder (one file per symbol), or a single file.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Candle } from '../domain/candle.ts';
import { CandleDataError } from './candle-data-error.ts';
import { readCandleSeries, symbolFromPath } from './candle-file.ts';
import { candlesFromSeries, type CandleSeries } from './candle-series.ts';

const CANDLE_FILE = /\.(csv|json)(\.gz)?$/;

export function candleFiles(path: string): Map<string, string> {
  if (!existsSync(path)) throw new CandleDataError(path, null, 'no such file or folder');
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((name) => CANDLE_FILE.test(name))
        .sort()
        .map((name) => join(path, name))
    : [path];
  return new Map(files.map((file) => [symbolFromPath(file), file]));
}

/** Reads every file, or only `symbols` (each must be present), as columns: the cheap form. */
export function loadCandleSeries(path: string, symbols?: readonly string[]): CandleSeries[] {
  const files = candleFiles(path);
  const wanted = symbols && symbols.length > 0 ? symbols : [...files.keys()];
  if (wanted.length === 0)
    throw new CandleDataError(path, null, 'holds no candle files (*.csv, *.csv.gz, *.json)');
  return wanted.map((symbol) => {
    const file = files.get(symbol);
    if (!file)
      throw new CandleDataError(
        path,
        null,
        `symbol ${symbol} is not there (it has ${[...files.keys()].join(', ')})`,
      );
    return readCandleSeries(file, symbol);
  });
}

/** The same as Candle objects. */
export function loadCandles(path: string, symbols?: readonly string[]): Candle[][] {
  return loadCandleSeries(path, symbols).map(candlesFromSeries);
}

/** The same, keyed by symbol. */
export function loadCandlesBySymbol(path: string, symbols?: readonly string[]): Record<string, Candle[]> {
  return Object.fromEntries(loadCandles(path, symbols).map((series) => [series[0]?.symbol ?? '', series]));
}
