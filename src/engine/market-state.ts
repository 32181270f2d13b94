// What the engine knows of the market between batches, per symbol: the open of the bar being processed
// (where paper entries fill in a replay), the last close (the price entries are planned from) and the
// ATR(14) at that close (the trail's unit), and the last closed candles, which analysts read.
//
// A bar that does not follow the previous one (a gap in the data) has no tradable open: an entry decided
// before the gap is not filled after it as if the market had been continuous. Exits still run on that
// bar — a stop gapped through fills at the open, as it would have.
import type { Candle } from '../domain/candle.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { MarketContext } from '../domain/ports/market-context.ts';
import { Atr } from '../indicators/atr.ts';

const ATR_PERIOD = 14;
/** Candles kept per symbol for analysts: the most an analyst is configured to read. */
const HISTORY = 500;

interface SymbolState {
  atr: Atr;
  /** Open time of the next bar if the data is continuous. */
  nextBarAt: number | null;
  atrValue: number | null;
  lastClose: number | null;
  barOpen: number | null;
  history: Candle[];
}

export class MarketState implements MarketContext {
  private readonly symbols = new Map<string, SymbolState>();

  constructor(private readonly barMs: number) {}

  /** A new bar begins: its open is where market orders fill until its close is known. */
  openBar(candle: Candle): void {
    const state = this.stateOf(candle.symbol);
    const continuous = state.nextBarAt === null || state.nextBarAt === candle.time;
    state.barOpen = continuous ? candle.open : null;
  }

  /** Idempotent per bar: a bar retried after a failed step does not count twice in the ATR. */
  closeBar(candle: Candle): void {
    const state = this.stateOf(candle.symbol);
    if (state.nextBarAt !== null && candle.time < state.nextBarAt) return;
    state.nextBarAt = candle.time + this.barMs;
    const atr = state.atr.update(candle.high, candle.low, candle.close);
    state.atrValue = Number.isFinite(atr) ? atr : null;
    state.lastClose = candle.close;
    state.barOpen = null;
    state.history.push(candle);
    // Trimmed in chunks, so a long replay does not shift the array on every bar.
    if (state.history.length > 2 * HISTORY) state.history.splice(0, state.history.length - HISTORY);
  }

  /** The closed candles kept of the symbol (the last 500 to 1 000), oldest first. */
  closedCandles(symbol: string): readonly Candle[] {
    return this.symbols.get(symbol)?.history ?? [];
  }

  async recentCandles(symbol: string, now: EpochMs, count: number): Promise<Candle[]> {
    const history = this.symbols.get(symbol)?.history ?? [];
    // In time order, so the candles closed by `now` are a prefix: no copy of the whole history.
    const end = history.findLastIndex((c) => c.time + this.barMs <= now) + 1;
    return history.slice(Math.max(0, end - count), end);
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
      state = {
        atr: new Atr(ATR_PERIOD),
        nextBarAt: null,
        atrValue: null,
        lastClose: null,
        barOpen: null,
        history: [],
      };
      this.symbols.set(symbol, state);
    }
    return state;
  }
}
