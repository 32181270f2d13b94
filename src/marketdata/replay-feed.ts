// Replays candle series (one per symbol) as a MarketData feed: bars are delivered once their close time
// has passed, grouped by open time across symbols, oldest first. The same feed drives `sigil scan`,
// backtests and tests.
import type { Candle, CandleGap, Timeframe } from '../domain/candle.ts';
import { timeframeMs } from '../domain/candle.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { CandleBatch, MarketData } from '../domain/ports/market-data.ts';
import { byTimeThenSymbol } from './candle-checks.ts';
import { findGaps, type MarketCalendar } from './gaps.ts';

export class ReplayFeed implements MarketData {
  readonly symbols: readonly string[];
  private readonly barMs: number;
  /** All bars merged in (time, symbol) order. */
  private readonly merged: Candle[];
  private next = 0;
  private readonly found: CandleGap[];

  constructor(
    series: readonly (readonly Candle[])[],
    readonly timeframe: Timeframe,
    calendar: MarketCalendar = 'continuous',
  ) {
    this.barMs = timeframeMs(timeframe);
    this.symbols = series.map((candles) => candles[0]?.symbol ?? '').filter((s) => s !== '');
    this.merged = series.flat().sort(byTimeThenSymbol);
    this.found = series.flatMap((candles) => findGaps(candles, this.barMs, calendar));
  }

  async closedSince(now: EpochMs): Promise<CandleBatch[]> {
    return this.takeUntil(now);
  }

  /** Synchronous form for the backtester's hot loop. */
  takeUntil(now: EpochMs): CandleBatch[] {
    const batches: CandleBatch[] = [];
    while (this.next < this.merged.length) {
      const candle = this.merged[this.next] as Candle;
      if (candle.time + this.barMs > now) break;
      const last = batches.at(-1);
      if (last && last.time === candle.time) last.candles.push(candle);
      else batches.push({ time: candle.time, candles: [candle] });
      this.next++;
    }
    return batches;
  }

  gaps(): readonly CandleGap[] {
    return this.found;
  }

  /** Close time of the last bar, the end of the replay. */
  get end(): EpochMs {
    const last = this.merged.at(-1);
    return last ? last.time + this.barMs : 0;
  }

  get start(): EpochMs {
    return this.merged[0]?.time ?? 0;
  }
}
