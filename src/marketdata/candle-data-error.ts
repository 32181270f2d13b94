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

/**
 * The file is not in a layout Sigil reads (a header without the columns, a timestamp neither ISO nor epoch
 * ms, JSON that is not rows of numbers). candle-file.ts adds the list of layouts it does read, so the
 * message says what to convert to; the parsers keep their own words for their own tests.
 */
export class CandleFormatError extends CandleDataError {
  constructor(
    source: string,
    where: string | null,
    readonly problem: string,
  ) {
    super(source, where, problem);
  }
}
