// The indicators one series offers a strategy: created the first time they are asked for (fed the bars
// seen so far, so a late first call gets the same value as an early one), then updated as each bar closes.
// All streaming, each O(1) a bar: asking for ind.ema(50) at every bar costs one map lookup.
import { Adx } from '../indicators/adx.ts';
import { Atr } from '../indicators/atr.ts';
import { Bollinger, type BollingerValue } from '../indicators/bollinger.ts';
import { Ema } from '../indicators/ema.ts';
import { Macd, type MacdValue } from '../indicators/macd.ts';
import { highest, lowest } from '../indicators/rolling-extreme.ts';
import { Rsi } from '../indicators/rsi.ts';
import { Sma } from '../indicators/sma.ts';
import type { Bar, BarSeries, Indicators } from './strategy-api.ts';

interface Tracked {
  update(bar: Bar): void;
  read(): unknown;
}

export class IndicatorBank implements Indicators {
  private readonly tracked = new Map<string, Tracked>();

  constructor(private readonly bars: BarSeries) {}

  /** A bar closed (already appended to the series): every indicator asked for so far takes it. */
  onBar(bar: Bar): void {
    for (const indicator of this.tracked.values()) indicator.update(bar);
  }

  atr(period = 14): number {
    return this.get(`atr:${period}`, () => {
      const atr = new Atr(period);
      return { update: (b) => atr.update(b.high, b.low, b.close), read: () => atr.value };
    }) as number;
  }

  sma(period: number): number {
    return this.get(`sma:${period}`, () => closes(new Sma(period))) as number;
  }

  ema(period: number): number {
    return this.get(`ema:${period}`, () => closes(new Ema(period))) as number;
  }

  rsi(period = 14): number {
    return this.get(`rsi:${period}`, () => closes(new Rsi(period))) as number;
  }

  highest(period: number, options: { before?: boolean } = {}): number {
    return this.extreme('highest', period, options.before ?? false);
  }

  lowest(period: number, options: { before?: boolean } = {}): number {
    return this.extreme('lowest', period, options.before ?? false);
  }

  bollinger(period = 20, deviations = 2): BollingerValue {
    return this.get(`bollinger:${period}:${deviations}`, () => {
      const bands = new Bollinger(period, deviations);
      return { update: (b) => bands.update(b.close), read: () => bands.value };
    }) as BollingerValue;
  }

  macd(fast = 12, slow = 26, signal = 9): MacdValue {
    return this.get(`macd:${fast}:${slow}:${signal}`, () => {
      const macd = new Macd(fast, slow, signal);
      return { update: (b) => macd.update(b.close), read: () => macd.value };
    }) as MacdValue;
  }

  adx(period = 14): number {
    return this.get(`adx:${period}`, () => {
      const adx = new Adx(period);
      return { update: (b) => adx.update(b.high, b.low, b.close), read: () => adx.value };
    }) as number;
  }

  /** Highs for `highest`, lows for `lowest`; `before`: the window that ends one bar before the newest. */
  private extreme(kind: 'highest' | 'lowest', period: number, before: boolean): number {
    return this.get(`${kind}:${period}:${before}`, () => {
      const window = kind === 'highest' ? highest(period) : lowest(period);
      let previous = Number.NaN;
      return {
        update: (b) => {
          previous = window.value;
          window.update(kind === 'highest' ? b.high : b.low);
        },
        read: () => (before ? previous : window.value),
      };
    }) as number;
  }

  private get(key: string, make: () => Tracked): unknown {
    let indicator = this.tracked.get(key);
    if (!indicator) {
      indicator = make();
      for (let i = 0; i < this.bars.length; i++) indicator.update(this.bars.at(i) as Bar);
      this.tracked.set(key, indicator);
    }
    return indicator.read();
  }
}

function closes(indicator: { update(x: number): number; value: number }): Tracked {
  return { update: (b) => indicator.update(b.close), read: () => indicator.value };
}
