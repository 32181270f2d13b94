import { FatalError } from '../domain/errors.ts';

/** Bad market data: names the file (or feed) and the line (or symbol and time). Trading stops on it. */
export class CandleDataError extends FatalError {
  constructor(
    readonly source: string,
    readonly where: string | null,
    problem: string,
  ) {
    super('candle_data', `${source}${where ? `:${where}` : ''}: ${problem}`);
  }
}

/**
 * The candles are not where the configuration or the command says (no such path, no candle file, no file
 * for a symbol): bad usage or configuration — the command was not run (exit 2) — not bad data.
 */
export class CandlePathError extends FatalError {
  constructor(
    readonly source: string,
    problem: string,
  ) {
    super('config', `${source}: ${problem}`);
  }
}
