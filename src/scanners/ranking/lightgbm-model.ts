// A LightGBM model trained elsewhere (Python `booster.save_model(...)`, the CLI's `output_model`), read
// from its text format and evaluated in TypeScript, so the scanner can rank with it without a native
// binding. Follows LightGBM's own code: the header and `Tree=N` blocks as GBDT::SaveModelToString and
// Tree::ToString write them, prediction as Tree::NumericalDecision decides:
//
// - a node is internal when its index is ≥ 0; a child index c < 0 is the leaf ~c (= −c − 1);
// - go left when value ≤ threshold;
// - decision_type bits: 1 = categorical, 2 = default left, bits 2–3 = missing type (0 none, 1 zero,
//   2 NaN). A NaN goes to the default side when the missing type is NaN, else it is read as 0; with the
//   missing type zero, a value within ±kZeroThreshold goes to the default side;
// - the raw score is the sum of the trees' leaf values (the learning rate is already folded into them:
//   `shrinkage=` is informational), divided by the number of iterations when `average_output` is set
//   (random-forest boosting).
//
// Refused with a LightGbmFormatError rather than predicted wrongly: categorical splits, linear trees,
// multiclass models and objectives whose output is not a return (binary, poisson, lambdarank…).
import type { ReturnModel } from './model.ts';

export class LightGbmFormatError extends Error {
  override readonly name = 'LightGbmFormatError';
}

export interface LightGbmTree {
  numLeaves: number;
  splitFeature: number[];
  threshold: number[];
  decisionType: number[];
  leftChild: number[];
  rightChild: number[];
  leafValue: number[];
}

const CATEGORICAL_MASK = 1;
const DEFAULT_LEFT_MASK = 2;
const MISSING_ZERO = 1;
const MISSING_NAN = 2;
// LightGBM declares `const double kZeroThreshold = 1e-35f`: a float literal widened to double.
const ZERO_THRESHOLD = Math.fround(1e-35);

/** Objectives whose raw score is the prediction itself (the regression family). */
const IDENTITY_OBJECTIVES = new Set(['regression', 'regression_l1', 'huber', 'fair', 'quantile', 'mape']);

export class LightGbmModel implements ReturnModel {
  constructor(
    readonly featureNames: readonly string[],
    readonly trees: readonly LightGbmTree[],
    /** Raw score ÷ number of trees (LightGBM's `average_output`, set by `boosting=rf`). */
    readonly averageOutput: boolean,
    /** `regression sqrt` trained on sqrt(label): predictions are squared back, keeping the sign. */
    readonly squareOutput: boolean,
  ) {}

  get numFeatures(): number {
    return this.featureNames.length;
  }

  predict(features: number[][]): number[] {
    return features.map((row) => this.predictRow(row));
  }

  predictRow(row: readonly number[]): number {
    if (row.length < this.numFeatures) {
      throw new RangeError(`the model reads ${this.numFeatures} features, the row has ${row.length}`);
    }
    let sum = 0;
    for (const tree of this.trees) sum += leafValueOf(tree, row);
    if (this.averageOutput && this.trees.length > 0) sum /= this.trees.length;
    return this.squareOutput ? Math.sign(sum) * sum * sum : sum;
  }
}

function leafValueOf(tree: LightGbmTree, row: readonly number[]): number {
  if (tree.numLeaves === 1) return tree.leafValue[0] as number;
  let node = 0;
  while (node >= 0) node = nextNode(tree, node, row[tree.splitFeature[node] as number] as number);
  return tree.leafValue[~node] as number;
}

function nextNode(tree: LightGbmTree, node: number, value: number): number {
  const decision = tree.decisionType[node] as number;
  const missingType = (decision >> 2) & 3;
  const left = tree.leftChild[node] as number;
  const right = tree.rightChild[node] as number;
  let x = value;
  if (Number.isNaN(x) && missingType !== MISSING_NAN) x = 0;
  const isZero = x > -ZERO_THRESHOLD && x <= ZERO_THRESHOLD;
  if ((missingType === MISSING_ZERO && isZero) || (missingType === MISSING_NAN && Number.isNaN(x))) {
    return decision & DEFAULT_LEFT_MASK ? left : right;
  }
  return x <= (tree.threshold[node] as number) ? left : right;
}

export interface LightGbmParseOptions {
  /**
   * The feature names the caller will pass, in order (the scanner's FEATURE_NAMES). When given, the
   * model's `feature_names=` must list exactly these, so a model trained on other columns, or on the same
   * columns in another order, is refused instead of silently mis-read.
   */
  featureNames?: readonly string[];
}

/** Parses LightGBM's text model format (version v2 to v4). */
export function parseLightGbmModel(text: string, options: LightGbmParseOptions = {}): LightGbmModel {
  const lines = text.split(/\r?\n/);
  const firstTree = lines.findIndex((line) => line.startsWith('Tree='));
  const header = keyValues(lines.slice(0, firstTree < 0 ? lines.length : firstTree));

  const numClass = integer(header, 'num_class', 'header');
  if (numClass !== 1)
    throw new LightGbmFormatError(`num_class=${numClass}: only single-output models are supported`);
  const perIteration = header.has('num_tree_per_iteration')
    ? integer(header, 'num_tree_per_iteration', 'header')
    : 1;
  if (perIteration !== 1) {
    throw new LightGbmFormatError(
      `num_tree_per_iteration=${perIteration}: only single-output models are supported`,
    );
  }
  const numFeatures = integer(header, 'max_feature_idx', 'header') + 1;
  const featureNames =
    header.get('feature_names')?.split(' ') ?? Array.from({ length: numFeatures }, (_, i) => `Column_${i}`);
  if (featureNames.length !== numFeatures) {
    throw new LightGbmFormatError(
      `feature_names lists ${featureNames.length} names, max_feature_idx says ${numFeatures}`,
    );
  }
  if (options.featureNames && featureNames.join(' ') !== options.featureNames.join(' ')) {
    throw new LightGbmFormatError(
      `the model's features are [${featureNames.join(', ')}], expected [${options.featureNames.join(', ')}] in that order`,
    );
  }
  const squareOutput = checkObjective(header.get('objective'));

  const trees: LightGbmTree[] = [];
  if (firstTree >= 0) {
    let block: string[] = [];
    let name = '';
    const flush = () => {
      if (name) trees.push(parseTree(keyValues(block), name, numFeatures));
      block = [];
    };
    for (const line of lines.slice(firstTree)) {
      if (line.startsWith('Tree=') || line === 'end of trees') {
        flush();
        name = line.startsWith('Tree=') ? line : '';
        if (!name) break;
      } else if (line.trim() !== '') {
        block.push(line);
      }
    }
    flush();
  }
  if (trees.length === 0) throw new LightGbmFormatError('the model holds no trees (no "Tree=" block)');
  return new LightGbmModel(featureNames, trees, header.has('average_output'), squareOutput);
}

/** Returns whether the output must be squared back (`regression sqrt`). */
function checkObjective(objective: string | undefined): boolean {
  // No objective line: a custom objective, whose raw score is the prediction.
  if (objective === undefined) return false;
  const [name = '', ...settings] = objective.trim().split(/\s+/);
  if (!IDENTITY_OBJECTIVES.has(name)) {
    throw new LightGbmFormatError(
      `objective "${objective}" does not predict a return; use one of ${[...IDENTITY_OBJECTIVES].join(', ')}`,
    );
  }
  return settings.includes('sqrt');
}

function parseTree(fields: Map<string, string>, name: string, numFeatures: number): LightGbmTree {
  const numLeaves = integer(fields, 'num_leaves', name);
  if (numLeaves < 1) throw new LightGbmFormatError(`${name}: num_leaves=${numLeaves}`);
  if (fields.get('is_linear') !== undefined && fields.get('is_linear') !== '0') {
    throw new LightGbmFormatError(`${name}: linear trees (is_linear=1) are not supported`);
  }
  const leafValue = numbers(fields, 'leaf_value', numLeaves, name);
  if (numLeaves === 1) {
    return {
      numLeaves,
      splitFeature: [],
      threshold: [],
      decisionType: [],
      leftChild: [],
      rightChild: [],
      leafValue,
    };
  }
  const internal = numLeaves - 1;
  const tree: LightGbmTree = {
    numLeaves,
    splitFeature: numbers(fields, 'split_feature', internal, name),
    threshold: numbers(fields, 'threshold', internal, name),
    decisionType: fields.has('decision_type')
      ? numbers(fields, 'decision_type', internal, name)
      : Array<number>(internal).fill(0),
    leftChild: numbers(fields, 'left_child', internal, name),
    rightChild: numbers(fields, 'right_child', internal, name),
    leafValue,
  };
  tree.decisionType.forEach((decision, node) => {
    if (decision & CATEGORICAL_MASK) {
      throw new LightGbmFormatError(
        `${name}: node ${node} is a categorical split (decision_type=${decision}); only numerical splits are supported`,
      );
    }
  });
  tree.splitFeature.forEach((feature, node) => {
    if (!Number.isInteger(feature) || feature < 0 || feature >= numFeatures) {
      throw new LightGbmFormatError(
        `${name}: node ${node} splits on feature ${feature}, the model has ${numFeatures}`,
      );
    }
  });
  checkStructure(tree, name);
  return tree;
}

/**
 * Every internal node but the root, and every leaf, is the child of exactly one node: then a walk from the
 * root always ends on a leaf (no cycle, no index out of range).
 */
function checkStructure(tree: LightGbmTree, name: string): void {
  const internalSeen = Array<number>(tree.numLeaves - 1).fill(0);
  const leafSeen = Array<number>(tree.numLeaves).fill(0);
  for (const child of [...tree.leftChild, ...tree.rightChild]) {
    if (!Number.isInteger(child))
      throw new LightGbmFormatError(`${name}: child index ${child} is not an integer`);
    if (child === 0) throw new LightGbmFormatError(`${name}: the root (node 0) is listed as a child`);
    if (child > 0 && child < internalSeen.length) internalSeen[child] = (internalSeen[child] as number) + 1;
    else if (child < 0 && ~child < leafSeen.length) leafSeen[~child] = (leafSeen[~child] as number) + 1;
    else throw new LightGbmFormatError(`${name}: child index ${child} points outside the tree`);
  }
  const badNode = internalSeen.findIndex((count, node) => node > 0 && count !== 1);
  const badLeaf = leafSeen.findIndex((count) => count !== 1);
  if (badNode >= 0 || badLeaf >= 0) {
    throw new LightGbmFormatError(
      `${name}: not a tree (${badNode >= 0 ? `node ${badNode}` : `leaf ${badLeaf}`} is not the child of exactly one node)`,
    );
  }
}

/** `key=value` lines; a line without `=` (such as `average_output`) is a flag with an empty value. */
function keyValues(lines: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of lines) {
    const at = line.indexOf('=');
    if (at < 0) fields.set(line.trim(), '');
    else fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return fields;
}

function integer(fields: Map<string, string>, key: string, where: string): number {
  const raw = fields.get(key);
  const value = Number(raw);
  if (raw === undefined || raw === '' || !Number.isInteger(value)) {
    throw new LightGbmFormatError(
      `${where}: ${key}= is ${raw === undefined ? 'missing' : `"${raw}", not an integer`}`,
    );
  }
  return value;
}

/** LightGBM writes doubles with C++ streams: "inf", "-inf" and "nan" may appear besides plain numbers. */
function parseNumber(token: string): number {
  const lower = token.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity') return Number.POSITIVE_INFINITY;
  if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY;
  if (lower === 'nan' || lower === '-nan') return Number.NaN;
  return token.trim() === '' ? Number.NaN : Number(token);
}

function numbers(fields: Map<string, string>, key: string, count: number, where: string): number[] {
  const raw = fields.get(key);
  if (raw === undefined) throw new LightGbmFormatError(`${where}: ${key}= is missing`);
  const tokens = raw.split(/\s+/).filter((t) => t !== '');
  if (tokens.length !== count) {
    throw new LightGbmFormatError(`${where}: ${key}= has ${tokens.length} values, expected ${count}`);
  }
  return tokens.map((token) => {
    const value = parseNumber(token);
    if (Number.isNaN(value))
      throw new LightGbmFormatError(`${where}: ${key}= holds "${token}", not a number`);
    return value;
  });
}
