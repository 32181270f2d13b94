// The ranking scanner: at the close of one trading date, fit a model on the rolling window of dates
// before it, predict every symbol's next-period return, and propose the top K as BUY signals. A pure
// function of the candles — no I/O, no clock — so a backtest and the live cycle get the same signals
// from the same bars.
//
// No look-ahead, by construction: candles dated after `date` are dropped before any feature is computed,
// and the training window ends the date before `date`, whose target is the return into `date`'s close.
import { TIMEFRAMES } from '../../domain/candle.ts';
import type { VariantId } from '../../domain/ids.ts';
import type { Signal } from '../../domain/signal.ts';
import { randomForest, type ReturnModel, type ReturnModelFactory } from './model.ts';
import {
  buildPanel,
  panelIndexOf,
  trainingSetBefore,
  type CandlesBySymbol,
  type FeaturePanel,
} from './panel.ts';
import { checkThresholds, rankTopK, type ConfidenceThresholds, type SymbolScore } from './rank.ts';

export const RANKING_RULE = 'ranking';
const DAY_MS = TIMEFRAMES['1d'];

export interface RankingScanInput {
  /** Daily candles per symbol, sorted ascending; the universe is the set of keys. */
  candlesBySymbol: CandlesBySymbol;
  /** The trading date (YYYY-MM-DD) whose closed bar the scan reads; candles after it are ignored. */
  date: string;
  variantId: VariantId;
  topK: number;
  /** Panel dates the model is fitted on, ending the date before `date`. */
  trainWindow: number;
  thresholds: ConfidenceThresholds;
  /** Defaults to randomForest() with DEFAULT_RANDOM_FOREST_OPTIONS. */
  modelFactory?: ReturnModelFactory;
}

/**
 * The BUY signals for `date`, best first: at most `topK`, fewer when fewer symbols have a positive
 * predicted return. None when `date` is not a panel date (a symbol has no bar that day, or not enough
 * history for its features) or fewer than `trainWindow` panel dates precede it.
 */
export function rankingScan(input: RankingScanInput): Signal[] {
  const { date, topK, trainWindow, thresholds } = input;
  if (!/^\d{4}-\d\d-\d\d$/.test(date)) throw new RangeError(`date must be YYYY-MM-DD, got "${date}"`);
  if (!Number.isInteger(trainWindow) || trainWindow < 1) {
    throw new RangeError(`trainWindow must be a whole number of dates ≥ 1, got ${trainWindow}`);
  }
  if (!Number.isInteger(topK) || topK < 1)
    throw new RangeError(`topK must be a whole number ≥ 1, got ${topK}`);
  checkThresholds(thresholds);

  const panel = buildPanel(input.candlesBySymbol, date);
  const index = panelIndexOf(panel, date);
  if (index < trainWindow) return [];
  const factory = input.modelFactory ?? randomForest();
  const model = factory(trainingSetBefore(panel, index, trainWindow));
  return signalsAt(panel, index, model, input);
}

/** The model's score of every symbol on the panel date at `index`, in the panel's symbol order. */
export function scoresAt(panel: FeaturePanel, index: number, model: ReturnModel): SymbolScore[] {
  const entry = panel.dates[index];
  if (!entry) throw new RangeError(`no panel date at index ${index}`);
  const predictions = model.predict(entry.rows.map((row) => row.features));
  if (predictions.length !== entry.rows.length) {
    throw new Error(`the model returned ${predictions.length} predictions for ${entry.rows.length} rows`);
  }
  return entry.rows.map((row, k) => ({ symbol: row.symbol, score: predictions[k] as number }));
}

/** Ranks the panel date at `index` with `model` and turns the picks into signals. */
export function signalsAt(
  panel: FeaturePanel,
  index: number,
  model: ReturnModel,
  options: Pick<RankingScanInput, 'variantId' | 'topK' | 'thresholds'>,
): Signal[] {
  const entry = panel.dates[index];
  if (!entry) throw new RangeError(`no panel date at index ${index}`);
  const picks = rankTopK(scoresAt(panel, index, model), options.topK, options.thresholds);
  return picks.map((pick) => {
    const row = entry.rows.find((r) => r.symbol === pick.symbol);
    if (!row) throw new Error(`picked ${pick.symbol}, which has no row on ${entry.date}`);
    return {
      variantId: options.variantId,
      symbol: pick.symbol,
      side: pick.side,
      // Daily bars are stamped with their trading date at 00:00Z; the bar is closed a day later.
      at: entry.time + DAY_MS,
      tradeDate: entry.date,
      price: row.close,
      atr: row.atr,
      scanner: pick.scanner,
      rule: RANKING_RULE,
    };
  });
}
