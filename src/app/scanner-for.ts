// The scanner a variant runs, built from its settings.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SigilConfig, Variant } from '../config/load-config.ts';
import { timeframeMs } from '../domain/candle.ts';
import type { CycleScanner } from '../scanners/cycle-scanner.ts';
import { MicroScanner } from '../scanners/micro/micro-scanner.ts';
import { FEATURE_NAMES } from '../scanners/ranking/features.ts';
import { parseLightGbmModel } from '../scanners/ranking/lightgbm-model.ts';
import { pretrained } from '../scanners/ranking/model.ts';
import { RankingCycleScanner } from '../scanners/ranking/ranking-cycle-scanner.ts';
import { microScannerParams } from './scanner-params.ts';
import { strategyOf } from './strategy-for.ts';
import { StrategyScanner } from '../strategy/strategy-scanner.ts';
import type { Bar } from '../strategy/strategy-api.ts';
import { candlesFromSeries, type CandleSeries } from '../marketdata/candle-series.ts';

/** The series a run will replay, for a strategy's `prepare` (backtests and replays; none live). */
export type Preload = readonly CandleSeries[];

export function scannerFor(variant: Variant, config: SigilConfig, preload?: Preload): CycleScanner {
  const settings = variant.settings.scanner;
  const loaded = strategyOf(config, variant);
  if (loaded) {
    return new StrategyScanner({
      variantId: variant.id,
      strategy: loaded.strategy,
      params: loaded.params,
      timeframe: config.market.timeframe,
      atrPeriod: settings.atr_period ?? 14,
      ...(loaded.strategy.prepare && preload ? { preload: barsBySymbol(preload) } : {}),
    });
  }
  if (settings.rule === 'breakout') {
    return new MicroScanner(variant.id, microScannerParams(variant), timeframeMs(config.market.timeframe));
  }
  const modelPath = settings.model && resolve(config.file ? dirname(config.file) : '.', settings.model);
  return new RankingCycleScanner({
    variantId: variant.id,
    topK: settings.top_k,
    trainWindow: settings.train_window,
    thresholds: { highGap: settings.high_gap, mediumGap: settings.medium_gap },
    ...(modelPath
      ? {
          modelFactory: pretrained(
            parseLightGbmModel(readFileSync(modelPath, 'utf8'), { featureNames: FEATURE_NAMES }),
          ),
        }
      : {}),
  });
}

function barsBySymbol(series: Preload): Map<string, Bar[]> {
  return new Map(series.map((s) => [s.symbol, candlesFromSeries(s)]));
}
