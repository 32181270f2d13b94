// Bars open on their timeframe's grid: at whole multiples of the bar from 00:00 UTC (every timeframe
// divides a day). The engine closes bars there, gaps are counted in whole bars of it and live history is
// fetched on it. A bar off it — 12:30 in a 1h file, or 5-minute data under `timeframe: 1h` — used to pass
// as a "gap" and be traded as if it were a bar of the grid; now the file is refused, naming the line.
import { timeframeMs, type Timeframe } from '../domain/candle.ts';
import { CandleDataError } from './candle-data-error.ts';
import { rowLocation } from './candle-file.ts';

/** Throws, naming the file and line of the first bar whose open time is off the grid. */
export function checkBarGrid(times: ArrayLike<number>, file: string, timeframe: Timeframe): void {
  const barMs = timeframeMs(timeframe);
  for (let row = 0; row < times.length; row++) {
    const time = times[row] as number;
    if (time % barMs !== 0) {
      throw new CandleDataError(
        file,
        rowLocation(file, row),
        `bar time ${new Date(time).toISOString()} is off the ${timeframe} grid (${timeframe} bars open at whole multiples of ${timeframe} from 00:00 UTC)`,
      );
    }
  }
}
