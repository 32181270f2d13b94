// Backtest throughput: candle-steps per second (candles × variants through the whole pipeline —
// indicators, scanner, intents, rules analyst, guard, sizing, paper broker, exits, store) on the
// bundled 1h crypto data with the four micro-scanner variants, and the memory it takes.
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../src/config/load-config.ts';
import { runBacktest } from '../src/backtest/run-backtest.ts';
import type { BenchFigure } from './indicators.ts';

export async function backtestBench(months: number): Promise<BenchFigure[]> {
  const config = loadConfigFile(fileURLToPath(new URL('../config/micro-scanner.yaml', import.meta.url)));
  const from = Date.UTC(2021, 3, 5);
  const to = Date.UTC(2021, 3 + months, 5);
  const before = process.memoryUsage().rss;
  const run = await runBacktest({ config, from, to });
  const rss = process.memoryUsage().rss;
  return [
    {
      bench: `backtest, 4 variants × ${run.symbols.length} symbols × ${run.bars} bars (${run.closed.length} trades)`,
      value: Math.round(run.candleSteps / run.seconds),
      unit: 'candle-steps/s',
      target: '≥ 1,000,000',
    },
    {
      bench: 'backtest memory (resident set after the run, and its growth)',
      value: Math.round(rss / 1e6),
      unit: `MB (+${Math.round((rss - before) / 1e6)} MB)`,
      target: 'report',
    },
  ];
}
