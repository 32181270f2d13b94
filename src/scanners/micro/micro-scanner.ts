// The micro-scanner: a breakout rule over a symbol universe, on closed candles only. Pure: it keeps
// streaming indicators per symbol and is told which symbols are blocked; the scan cycle asks the store.
//
// Reference rule: at the close of bar t, enter long when close_t > the highest high of bars t−N … t−1.
// The entry guard comes first: a blocked (symbol, variant) — open position, cooldown or lock — never
// signals, although its indicators keep updating so that ATR is current when it is free again.
import type { Candle } from '../../domain/candle.ts';
import type { CandleBatch } from '../../domain/ports/market-data.ts';
import type { Confidence } from '../../domain/intent.ts';
import type { EpochMs, VariantId } from '../../domain/ids.ts';
import type { Signal } from '../../domain/signal.ts';
import { Atr } from '../../indicators/atr.ts';
import { highest, type RollingExtreme } from '../../indicators/rolling-extreme.ts';
import { Sma } from '../../indicators/sma.ts';
import type { CycleScanner } from '../cycle-scanner.ts';
import type { MicroScannerParams } from './postures.ts';

const VOLUME_WINDOW = 20;

interface SymbolState {
  atr: Atr;
  highs: RollingExtreme;
  volume: Sma;
}

export class MicroScanner implements CycleScanner {
  private readonly states = new Map<string, SymbolState>();

  constructor(
    readonly variantId: VariantId,
    readonly params: MicroScannerParams,
    private readonly barMs: number,
  ) {}

  /**
   * Feeds a cycle's closed candles. Older bars of a catch-up only warm the indicators: a signal on a
   * stale bar is never traded, so only the newest bar of each symbol may signal.
   */
  scanCycle(batches: readonly CandleBatch[], blocked: ReadonlyMap<string, string>): Signal[] {
    const [only] = batches;
    // One bar, as every replayed and live cycle after the first: each candle is its symbol's newest.
    if (batches.length === 1 && only) {
      const signals: Signal[] = [];
      for (const candle of only.candles) {
        const signal = this.onCandle(candle, blocked.has(candle.symbol), true);
        if (signal) signals.push(signal);
      }
      return signals;
    }
    const newest = new Map<string, number>();
    for (const batch of batches) for (const candle of batch.candles) newest.set(candle.symbol, candle.time);
    const signals: Signal[] = [];
    for (const batch of batches) {
      for (const candle of batch.candles) {
        const signal = this.onCandle(
          candle,
          blocked.has(candle.symbol),
          newest.get(candle.symbol) === candle.time,
        );
        if (signal) signals.push(signal);
      }
    }
    return signals;
  }

  /**
   * Feeds one closed candle (in time order per symbol). Returns a signal when the rule fires, the symbol
   * is not blocked and `emit` is set (warm-up bars update the indicators without signalling).
   */
  onCandle(candle: Candle, blocked: boolean, emit = true): Signal | null {
    const state = this.stateOf(candle.symbol);
    // The level is the highest high of the previous N bars: read it before this bar joins the window.
    const level = state.highs.value;
    const averageVolume = state.volume.value;
    state.highs.update(candle.high);
    state.volume.update(candle.volume);
    const atr = state.atr.update(candle.high, candle.low, candle.close);

    if (blocked || !emit || Number.isNaN(level) || !(candle.close > level)) return null;
    if (this.params.minVolumeRatio > 0) {
      // A zero-volume average (a flat placeholder bar) cannot confirm a breakout, and must not divide by 0.
      if (!(averageVolume > 0) || candle.volume / averageVolume < this.params.minVolumeRatio) return null;
    }
    const closeTime: EpochMs = candle.time + this.barMs;
    const strength = atr > 0 ? (candle.close - level) / atr : 0;
    return {
      variantId: this.variantId,
      symbol: candle.symbol,
      side: 'BUY',
      at: closeTime,
      tradeDate: new Date(closeTime).toISOString(),
      price: candle.close,
      atr: Number.isNaN(atr) ? null : atr,
      scanner: {
        score: strength,
        confidence: confidenceOf(strength),
        scoreGap: 0,
        dropDistance: 0,
        topkSpread: 0,
      },
      rule: `breakout:${this.params.breakoutLookback}`,
    };
  }

  private stateOf(symbol: string): SymbolState {
    let state = this.states.get(symbol);
    if (!state) {
      state = {
        atr: new Atr(this.params.atrPeriod),
        highs: highest(this.params.breakoutLookback),
        volume: new Sma(VOLUME_WINDOW),
      };
      this.states.set(symbol, state);
    }
    return state;
  }
}

/** Breakout strength in ATRs: a close one ATR or more above the level is a strong signal. */
function confidenceOf(strengthInAtr: number): Confidence {
  if (strengthInAtr >= 1) return 'high';
  if (strengthInAtr >= 0.5) return 'medium';
  return 'low';
}
