// The ranking scanner in a scan cycle: it keeps every daily candle it has been fed and, at each cycle,
// ranks the universe on the newest bar's date. Blocked symbols are dropped from the picks after ranking,
// so the top-K fields still describe the whole universe.
import type { Candle } from '../../domain/candle.ts';
import type { CandleBatch } from '../../domain/ports/market-data.ts';
import type { Signal } from '../../domain/signal.ts';
import type { CycleScanner } from '../cycle-scanner.ts';
import { tradingDateOf } from './features.ts';
import { rankingScan, type RankingScanInput } from './ranking-scanner.ts';

export type RankingSettings = Omit<RankingScanInput, 'candlesBySymbol' | 'date'>;

export class RankingCycleScanner implements CycleScanner {
  private readonly candles: Record<string, Candle[]> = {};

  constructor(private readonly settings: RankingSettings) {}

  scanCycle(batches: readonly CandleBatch[], blocked: ReadonlyMap<string, string>): Signal[] {
    for (const batch of batches)
      for (const candle of batch.candles) (this.candles[candle.symbol] ??= []).push(candle);
    const newest = batches.at(-1);
    if (!newest) return [];
    const signals = rankingScan({
      ...this.settings,
      candlesBySymbol: this.candles,
      date: tradingDateOf(newest.time),
    });
    return signals.filter((signal) => !blocked.has(signal.symbol));
  }
}
