// What the engine knows of the market between batches, per symbol: the open of the bar being processed
// (where paper entries fill in a replay), the last close (the price entries are planned from) and the
// ATR(14) at that close (the trail's unit).
import type { Candle } from '../domain/candle.ts';
import { Atr } from '../indicators/atr.ts';

const ATR_PERIOD = 14;

interface SymbolState {
  atr: Atr;
  atrValue: number | null;
  lastClose: number | null;
  barOpen: number | null;
}

export class MarketState {
  private readonly symbols = new Map<string, SymbolState>();

  /** A new bar begins: its open is where market orders fill until its close is known. */
  openBar(candle: Candle): void {
    this.stateOf(candle.symbol).barOpen = candle.open;
  }

  closeBar(candle: Candle): void {
    const state = this.stateOf(candle.symbol);
    const atr = state.atr.update(candle.high, candle.low, candle.close);
    state.atrValue = Number.isFinite(atr) ? atr : null;
    state.lastClose = candle.close;
    state.barOpen = null;
  }

  barOpen(symbol: string): number | null {
    return this.symbols.get(symbol)?.barOpen ?? null;
  }

  lastClose(symbol: string): number | null {
    return this.symbols.get(symbol)?.lastClose ?? null;
  }

  atr(symbol: string): number | null {
    return this.symbols.get(symbol)?.atrValue ?? null;
  }

  private stateOf(symbol: string): SymbolState {
    let state = this.symbols.get(symbol);
    if (!state) {
      state = { atr: new Atr(ATR_PERIOD), atrValue: null, lastClose: null, barOpen: null };
      this.symbols.set(symbol, state);
    }
    return state;
  }
}
