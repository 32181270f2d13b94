// The floor the engine is measured against: the reference strategy (docs/engine.md) as one plain loop
// per symbol over the candle columns — no engine, no store, no objects per bar. Whatever the backtester
// spends beyond this is the price of running the bot's own code (scheduler, intents, guards, paper
// broker, audit trail) instead of a throwaway script.
import type { CandleSeries } from '../src/marketdata/candle-series.ts';

const HOUR = 3_600_000;
const ATR_PERIOD = 14;
const LOOKBACK = 20;
const COOLDOWN_MS = 6 * HOUR;
const FEE = 0.001;

export interface LoopResult {
  trades: number;
  pnl: number;
}

/** Every symbol through the loop; the trades and their total P&L, so the work cannot be skipped. */
export function referenceLoop(series: readonly CandleSeries[]): LoopResult {
  const result: LoopResult = { trades: 0, pnl: 0 };
  for (const s of series) runSymbol(s, result);
  return result;
}

function runSymbol(s: CandleSeries, out: LoopResult): void {
  const { time, open, high, low, close } = s;
  // Wilder's ATR, seeded as TA-Lib seeds it: the mean of the first 14 true ranges (from the second bar).
  let atr = Number.NaN;
  let trSum = 0;
  let trCount = 0;
  let inPosition = false;
  let entry = 0;
  let qty = 0;
  let stop = 0;
  let peak = 0;
  let bars = 0;
  let signalAt = -1;
  let signalClose = 0;
  let signalAtr = 0;
  let lastEntry = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < s.length; i++) {
    const h = high[i] as number;
    const l = low[i] as number;
    const c = close[i] as number;
    const t = time[i] as number;
    if (i > 0) {
      const prev = close[i - 1] as number;
      const tr = Math.max(h - l, Math.abs(h - prev), Math.abs(l - prev));
      if (trCount < ATR_PERIOD) {
        trSum += tr;
        if (++trCount === ATR_PERIOD) atr = trSum / ATR_PERIOD;
      } else atr = (atr * (ATR_PERIOD - 1) + tr) / ATR_PERIOD;
    }
    if (signalAt >= 0) {
      if (t === signalAt + HOUR) {
        const stopPct = Math.min(Math.max((1.5 * signalAtr) / signalClose, 0.03), 0.06);
        stop = signalClose * (1 - stopPct);
        qty = Math.min(5 / (signalClose * stopPct), 50 / signalClose);
        entry = open[i] as number;
        inPosition = true;
        peak = Number.NEGATIVE_INFINITY;
        bars = 0;
        lastEntry = t;
      }
      signalAt = -1;
    }
    if (inPosition) {
      bars++;
      const o = open[i] as number;
      const exit = o <= stop ? o : l <= stop ? stop : bars === 48 ? c : Number.NaN;
      if (exit === exit) {
        out.trades++;
        out.pnl += (exit - entry) * qty - FEE * (entry + exit) * qty;
        inPosition = false;
      } else {
        if (h > peak) peak = h;
        const trail = peak - 3 * atr;
        if (trail > stop) stop = trail;
      }
    }
    if (!inPosition && i >= LOOKBACK && t + HOUR >= lastEntry + COOLDOWN_MS) {
      let level = Number.NEGATIVE_INFINITY;
      for (let j = i - LOOKBACK; j < i; j++) if ((high[j] as number) > level) level = high[j] as number;
      if (c > level) {
        signalAt = t;
        signalClose = c;
        signalAtr = atr;
      }
    }
  }
}
