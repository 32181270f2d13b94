// What the ranking scanner needs from a model: predictions of the next period's log return, one per
// feature row. The scanner builds a fresh model for each training window through a factory; a model
// trained elsewhere (LightGBM) comes in through `pretrained`, which ignores the window.
import { RandomForestRegression } from 'ml-random-forest';
import type { TrainingSet } from './panel.ts';

export interface ReturnModel {
  /** One predicted next-period log return per row (rows in FEATURE_NAMES order). */
  predict(features: number[][]): number[];
}

export type ReturnModelFactory = (training: TrainingSet) => ReturnModel;

/** A model fitted once, elsewhere: every window gets the same model and the training rows are unused. */
export function pretrained(model: ReturnModel): ReturnModelFactory {
  return () => model;
}

export interface RandomForestOptions {
  /** Trees in the forest. Training cost grows linearly with it (see docs/ranking-scanner.md). */
  nEstimators: number;
  /**
   * Features each tree sees, drawn once per tree (ml-random-forest bags features per tree, not per
   * split). A number in (0, 1] is a share of the columns — so 1 means all of them — and an integer > 1
   * a count.
   */
  maxFeatures: number;
  /** Draw the features of a tree with replacement. */
  replacement: boolean;
  /** Bootstrap the training rows of each tree. */
  useSampleBagging: boolean;
  /** Seed of every random draw (a 32-bit integer): same data and seed, same forest. */
  seed: number;
  maxDepth: number;
  /** A node with this many rows or fewer becomes a leaf. */
  minNumSamples: number;
}

/**
 * Shallow trees with large leaves: daily returns are mostly noise, and ml-cart's split search costs
 * O(rows²) per node, so depth and leaf size also bound the training time. Measured on the reference
 * 2-core machine: about 30 ms per tree on 441 rows (63 dates × 7 symbols) × 4 features, 140 ms on 882.
 */
export const DEFAULT_RANDOM_FOREST_OPTIONS: RandomForestOptions = {
  nEstimators: 10,
  maxFeatures: 0.5,
  replacement: false,
  useSampleBagging: true,
  seed: 42,
  maxDepth: 3,
  minNumSamples: 40,
};

/** A factory that fits a seeded ml-random-forest regressor on each training window. */
export function randomForest(options: Partial<RandomForestOptions> = {}): ReturnModelFactory {
  const o = { ...DEFAULT_RANDOM_FOREST_OPTIONS, ...options };
  if (!Number.isInteger(o.seed) || o.seed < -(2 ** 31) || o.seed >= 2 ** 31) {
    throw new RangeError(`the forest's seed must be a 32-bit integer, got ${o.seed}`);
  }
  if (!Number.isInteger(o.nEstimators) || o.nEstimators < 1) {
    throw new RangeError(`nEstimators must be a whole number ≥ 1, got ${o.nEstimators}`);
  }
  return (training) => {
    if (training.features.length === 0) throw new RangeError('cannot fit a forest on an empty training set');
    const forest = new RandomForestRegression({
      nEstimators: o.nEstimators,
      maxFeatures: o.maxFeatures,
      replacement: o.replacement,
      useSampleBagging: o.useSampleBagging,
      seed: o.seed,
      treeOptions: { maxDepth: o.maxDepth, minNumSamples: o.minNumSamples },
      // Out-of-bag scores are unused and cost a prediction pass per tree (they also throw on tiny sets).
      noOOB: true,
    });
    forest.train(training.features, training.targets);
    return { predict: (features) => (features.length === 0 ? [] : forest.predict(features)) };
  };
}
