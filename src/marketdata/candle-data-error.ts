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
