// Indicator and scanner throughput: ATR + EMA + RSI + highest/lowest updated together per candle, and
// one micro-scanner cycle over a 500-symbol universe (pure scanner work; the store is not involved).
import { loadCandles } from '../src/marketdata/candle-directory.ts';
import { Atr } from '../src/indicators/atr.ts';
import { Ema } from '../src/indicators/ema.ts';
import { highest, lowest } from '../src/indicators/rolling-extreme.ts';
import { Rsi } from '../src/indicators/rsi.ts';
import { MicroScanner } from '../src/scanners/micro/micro-scanner.ts';
import { POSTURES } from '../src/scanners/micro/postures.ts';
import { variantId } from '../src/domain/ids.ts';
import type { Candle } from '../src/domain/candle.ts';

export interface BenchFigure {
  bench: string;
  value: number;
  unit: string;
  target: string;
}

const HOUR = 3_600_000;

export function indicatorBench(): BenchFigure[] {
  const [btc] = loadCandles(new URL('../data/crypto/1h', import.meta.url).pathname, ['BTCUSDT']) as [
    Candle[],
  ];
  const n = btc.length;
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  btc.forEach((c, i) => ((high[i] = c.high), (low[i] = c.low), (close[i] = c.close)));

  const pass = (): number => {
    const atr = new Atr(14);
    const ema = new Ema(20);
    const rsi = new Rsi(14);
    const hh = highest(20);
    const ll = lowest(20);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const h = high[i] as number;
      const l = low[i] as number;
      const c = close[i] as number;
      sum += atr.update(h, l, c) + ema.update(c) + rsi.update(c) + hh.update(h) + ll.update(l);
    }
    return sum;
  };
  // Warm the JIT first: the first passes run in the interpreter and would be counted otherwise.
  let sink = 0;
  for (let r = 0; r < 20; r++) sink += pass();
  const rounds = 200;
  const started = performance.now();
  for (let r = 0; r < rounds; r++) sink += pass();
  const seconds = (performance.now() - started) / 1_000;
  if (sink === 42) console.log(''); // keeps the work observable

  // A scan cycle over 500 symbols: the indicators are warm (200 bars each), then one new bar per symbol.
  const symbols = 500;
  const universe = Array.from({ length: symbols }, (_, s) =>
    btc.slice(s * 40, s * 40 + 201).map((c) => ({ ...c, symbol: `S${s}` })),
  );
  const scanner = new MicroScanner(variantId('bench'), POSTURES.baseline, HOUR);
  for (const series of universe)
    for (const candle of series.slice(0, 200)) scanner.onCandle(candle, false, false);
  const cycles = 200;
  const cycleStarted = performance.now();
  for (let k = 0; k < cycles; k++) {
    for (const series of universe) scanner.onCandle(series[200] as Candle, false, true);
  }
  const cycleMs = (performance.now() - cycleStarted) / cycles;

  return [
    {
      bench: 'indicator updates (ATR14 + EMA20 + RSI14 + highest20 + lowest20 together)',
      value: Math.round((rounds * n) / seconds),
      unit: 'candles/s',
      target: '≥ 20,000,000',
    },
    {
      bench: 'micro-scanner cycle, 500 symbols, one new bar each',
      value: Number(cycleMs.toFixed(3)),
      unit: 'ms',
      target: '≤ 20',
    },
  ];
}
