// The market as the analysts are shown it: recent candles and indicators computed here, exactly, so
// no model has to do arithmetic on a price table (and none can invent the figures).
import type { Candle } from '../domain/candle.ts';
import type { TradeIntent } from '../domain/intent.ts';
import { Atr } from '../indicators/atr.ts';
import { Ema } from '../indicators/ema.ts';
import { Rsi } from '../indicators/rsi.ts';
import { Sma } from '../indicators/sma.ts';

export interface MarketBrief {
  symbol: string;
  /** The last close: the price levels are judged against. null when no candle is known. */
  referencePrice: number | null;
  indicators: Record<string, number | null>;
  /** The candles shown (the last `shown` of those read). */
  candles: Candle[];
  text: string;
}

/** Indicators need more history than the table shows: read this many candles at least. */
export const BRIEF_HISTORY = 60;

export function marketBrief(intent: TradeIntent, history: readonly Candle[], shown: number): MarketBrief {
  const indicators = indicatorsOf(history, intent.atrAtSignal);
  const candles = history.slice(-shown);
  const last = history.at(-1);
  const lines = [
    `Symbol: ${intent.symbol}. Signal of ${intent.tradeDate}, from the ${intent.source}.`,
    `Scanner: proposes ${intent.scanner.side}, score ${round(intent.scanner.score)}, confidence ${intent.scanner.confidence}, score gap ${round(intent.scanner.scoreGap)}, drop distance ${round(intent.scanner.dropDistance)}, top-k spread ${round(intent.scanner.topkSpread)}.`,
    `Indicators at the last close: ${Object.entries(indicators)
      .map(([name, value]) => `${name} ${value === null ? 'n/a' : round(value)}`)
      .join(', ')}.`,
    '',
    `Last ${candles.length} candles (UTC open time, open, high, low, close, volume):`,
    ...candles.map(
      (c) =>
        `${new Date(c.time).toISOString().slice(0, 16)} ${c.open} ${c.high} ${c.low} ${c.close} ${round(c.volume)}`,
    ),
  ];
  return {
    symbol: intent.symbol,
    referencePrice: last?.close ?? null,
    indicators,
    candles,
    text: lines.join('\n'),
  };
}

function indicatorsOf(history: readonly Candle[], atrAtSignal: number | null): Record<string, number | null> {
  const atr = new Atr(14);
  const rsi = new Rsi(14);
  const sma20 = new Sma(20);
  const sma50 = new Sma(50);
  const ema20 = new Ema(20);
  let values = { atr: Number.NaN, rsi: Number.NaN, sma20: Number.NaN, sma50: Number.NaN, ema20: Number.NaN };
  for (const c of history) {
    values = {
      atr: atr.update(c.high, c.low, c.close),
      rsi: rsi.update(c.close),
      sma20: sma20.update(c.close),
      sma50: sma50.update(c.close),
      ema20: ema20.update(c.close),
    };
  }
  const first = history[0];
  const last = history.at(-1);
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    last_close: last?.close ?? null,
    atr14: atrAtSignal ?? finite(values.atr),
    rsi14: finite(values.rsi),
    sma20: finite(values.sma20),
    sma50: finite(values.sma50),
    ema20: finite(values.ema20),
    change_pct: first && last ? ((last.close - first.close) / first.close) * 100 : null,
    window_high: history.length > 0 ? Math.max(...history.map((c) => c.high)) : null,
    window_low: history.length > 0 ? Math.min(...history.map((c) => c.low)) : null,
  };
}

/** Six significant digits: enough for any price, short enough for a prompt. */
function round(x: number): number {
  return Number(x.toPrecision(6));
}
