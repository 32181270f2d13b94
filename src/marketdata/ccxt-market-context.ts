// Recent candles from the exchange, for analyst processes that run apart from the live bot (`sigil run
// --live --roles analyst`): they hold no bars of their own, so they ask the exchange what the bot saw.
import type { Exchange } from 'ccxt';
import { timeframeMs, type Candle, type Timeframe } from '../domain/candle.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { MarketContext } from '../domain/ports/market-context.ts';

export class CcxtMarketContext implements MarketContext {
  private readonly barMs: number;

  constructor(
    private readonly exchange: Exchange,
    private readonly timeframe: Timeframe,
  ) {
    this.barMs = timeframeMs(timeframe);
  }

  async recentCandles(symbol: string, now: EpochMs, count: number): Promise<Candle[]> {
    if (this.exchange.markets === undefined) await this.exchange.loadMarkets(true);
    // One bar more than asked: the newest row may be the bar still forming, which is dropped.
    const since = Math.floor(now / this.barMs) * this.barMs - (count + 1) * this.barMs;
    const rows = await this.exchange.fetchOHLCV(symbol, this.timeframe, since, count + 1);
    return rows
      .map(([time, open, high, low, close, volume]) => ({
        symbol,
        time: Number(time),
        open: Number(open),
        high: Number(high),
        low: Number(low),
        close: Number(close),
        volume: Number(volume),
      }))
      .filter((candle) => candle.time + this.barMs <= now)
      .slice(-count);
  }
}
