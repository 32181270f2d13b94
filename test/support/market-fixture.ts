// A market an analyst can read: hourly bars closed into a MarketState, one per given close.
import type { EpochMs } from '../../src/domain/ids.ts';
import type { MarketState } from '../../src/engine/market-state.ts';

export const HOUR = 3_600_000;

/**
 * Closes one hourly bar of `symbol` per price, the last one closing at `until`. Each bar opens at the
 * previous close and its range is `spread` beyond its body.
 */
export function closeHourlyBars(
  market: MarketState,
  symbol: string,
  until: EpochMs,
  closes: readonly number[],
  spread = 0.0005,
): void {
  closes.forEach((close, i) => {
    const open = closes[i - 1] ?? close;
    market.closeBar({
      symbol,
      time: until - (closes.length - i) * HOUR,
      open,
      high: Math.max(open, close) + spread,
      low: Math.min(open, close) - spread,
      close,
      volume: 1000 + i,
    });
  });
}
