// A strategy alone over candles, without the engine: every bar of every symbol in time order, signals
// out. For `sigil strategy check`, a strategy's own tests (`replayStrategy` from 'sigil') and the
// benchmark — the engine's risk layer, guards and fills are not involved.
import type { Timeframe } from '../domain/candle.ts';
import { variantId } from '../domain/ids.ts';
import type { CandleBatch } from '../domain/ports/market-data.ts';
import { StrategyScanner } from './strategy-scanner.ts';
import type { Bar, Strategy } from './strategy-api.ts';

export interface StrategySignalRow {
  symbol: string;
  /** Close time of the bar that signalled. */
  at: number;
  side: 'long' | 'short';
  score: number;
  confidence: string;
}

export interface ReplayStrategyOptions {
  /** Each symbol's bars, oldest first (open times, on the `timeframe` grid). */
  bars: ReadonlyMap<string, readonly Bar[]> | Record<string, readonly Bar[]>;
  timeframe: Timeframe;
  /** Parameters as given; the strategy's schema fills its defaults. */
  params?: unknown;
  /** Only bars whose open time is ≤ this are played (and seen by `prepare`). */
  until?: number;
  /** Only bars whose open time is ≥ this are played (and seen by `prepare`). */
  from?: number;
}

export interface ReplayStrategyResult {
  signals: StrategySignalRow[];
  /** Bars on which the strategy threw or answered something Sigil cannot trade. */
  errors: string[];
}

export function replayStrategy(strategy: Strategy, options: ReplayStrategyOptions): ReplayStrategyResult {
  const all: ReadonlyMap<string, readonly Bar[]> =
    options.bars instanceof Map ? options.bars : new Map(Object.entries(options.bars));
  const cut = new Map<string, Bar[]>();
  for (const [symbol, bars] of all) {
    cut.set(
      symbol,
      bars.filter(
        (b) =>
          (options.from === undefined || b.time >= options.from) &&
          (options.until === undefined || b.time <= options.until),
      ),
    );
  }
  const params = strategy.params ? strategy.params.parse(options.params ?? {}) : {};
  const scanner = new StrategyScanner({
    variantId: variantId(strategy.name),
    strategy,
    params,
    timeframe: options.timeframe,
    atrPeriod: 14,
    preload: cut,
  });
  const signals: StrategySignalRow[] = [];
  const errors: string[] = [];
  const none = new Map<string, string>();
  for (const batch of batchesOf(cut)) {
    for (const signal of scanner.scanCycle([batch], none)) {
      signals.push({
        symbol: signal.symbol,
        at: signal.at,
        side: signal.side === 'SELL' ? 'short' : 'long',
        score: signal.scanner.score,
        confidence: signal.scanner.confidence,
      });
    }
    errors.push(...scanner.scanErrors());
  }
  return { signals, errors };
}

/** One batch per bar time, every symbol with a bar at that time. */
function batchesOf(bars: ReadonlyMap<string, readonly Bar[]>): CandleBatch[] {
  const byTime = new Map<number, CandleBatch>();
  for (const [symbol, series] of bars) {
    for (const bar of series) {
      let batch = byTime.get(bar.time);
      if (!batch) {
        batch = { time: bar.time, candles: [] };
        byTime.set(bar.time, batch);
      }
      batch.candles.push({ ...bar, symbol });
    }
  }
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}
