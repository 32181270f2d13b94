// Recent candles from the configured candle files, for analyst processes that run apart from the
// scanner (`sigil run --roles analyst`) in a replay: they see what the scanner saw at the intent's time.
import type { Candle } from '../domain/candle.ts';
import { timeframeMs, type Timeframe } from '../domain/candle.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { MarketContext } from '../domain/ports/market-context.ts';
import { loadCandlesBySymbol } from './candle-directory.ts';

export class FileMarketContext implements MarketContext {
  private series: Record<string, Candle[]> | null = null;
  private readonly barMs: number;

  constructor(
    private readonly path: string,
    timeframe: Timeframe,
    private readonly symbols?: readonly string[],
  ) {
    this.barMs = timeframeMs(timeframe);
  }

  async recentCandles(symbol: string, now: EpochMs, count: number): Promise<Candle[]> {
    this.series ??= loadCandlesBySymbol(this.path, this.symbols);
    const candles = this.series[symbol] ?? [];
    // The first candle not yet closed at `now`, by binary search: the files are in time order.
    let lo = 0;
    let hi = candles.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((candles[mid] as Candle).time + this.barMs <= now) lo = mid + 1;
      else hi = mid;
    }
    return candles.slice(Math.max(0, lo - count), lo);
  }
}
