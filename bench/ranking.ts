// Ranking scanner: train + score for 30 symbols × 2 years of daily bars. The universe is 10 bundled
// crypto pairs with over two years of history, resampled to days, plus each lagged by 1 and by 2 days (so
// 30 distinct series on the same dates; real prices, not random numbers).
import type { Candle } from '../src/domain/candle.ts';
import { variantId } from '../src/domain/ids.ts';
import { loadCandles } from '../src/marketdata/candle-directory.ts';
import { resample } from '../src/marketdata/resample.ts';
import { tradingDateOf } from '../src/scanners/ranking/features.ts';
import { rankingScan } from '../src/scanners/ranking/ranking-scanner.ts';
import type { BenchFigure } from './indicators.ts';

const DAY = 86_400_000;

export function rankingBench(): BenchFigure[] {
  const hourly = loadCandles(new URL('../data/crypto/1h', import.meta.url).pathname);
  const daily = hourly.map(
    (series) => resample(series, { fromMs: 3_600_000, toMs: DAY, keepIncomplete: true }).candles,
  );
  const days = 730;
  const universe: Record<string, Candle[]> = {};
  // The pairs listed later (PEPE, …) have less than two years of bars.
  for (const series of daily.filter((s) => s.length >= days + 3).slice(0, 10)) {
    const end = series.length - 3;
    for (const lag of [0, 1, 2]) {
      const symbol = `${series[0]?.symbol ?? '?'}${lag ? `_LAG${lag}` : ''}`;
      // The lagged copy shows day d−lag's bar on day d.
      universe[symbol] = series
        .slice(end - days - lag, end - lag)
        .map((c, i) => ({ ...c, symbol, time: (series[end - days + i] as Candle).time }));
    }
  }
  const date = tradingDateOf((Object.values(universe)[0]?.at(-1) as Candle).time);
  const figures: BenchFigure[] = [];
  for (const trainWindow of [63, 252]) {
    const started = performance.now();
    const signals = rankingScan({
      candlesBySymbol: universe,
      date,
      variantId: variantId('bench'),
      topK: 3,
      trainWindow,
      thresholds: { highGap: 0.0005, mediumGap: 0.00015 },
    });
    const seconds = (performance.now() - started) / 1_000;
    figures.push({
      bench: `ranking scanner train + score, ${Object.keys(universe).length} symbols × ${days} days, training window ${trainWindow} dates (${signals.length} picks)`,
      value: Number(seconds.toFixed(2)),
      unit: 's',
      target: 'report',
    });
  }
  return figures;
}
