// The grid of `sigil sweep --grid SPEC`: which configuration keys vary and how, parsed from a YAML file
// or from the argument itself, and the settings it gives — the whole Cartesian product, or a seeded
// random search among them (--samples).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { UsageError } from '../cli/cli-error.ts';
import { mulberry32 } from '../domain/seeded-random.ts';
import type { KeyValue, Setting } from './sweep-report.ts';

/** A grid the command cannot run: names the key and what was expected. Exit 2, nothing was run. */
export class GridError extends UsageError {}

/** How one key varies: a finite list (written as a list or a range), or a distribution to draw from. */
export type GridAxis =
  | { key: string; kind: 'values'; values: readonly KeyValue[] }
  | { key: string; kind: 'choice'; values: readonly KeyValue[] }
  | { key: string; kind: 'int_uniform'; low: number; high: number }
  | { key: string; kind: 'uniform' | 'log_uniform'; low: number; high: number };

export interface GridSpec {
  /** The file the grid came from, or "--grid" when written inline. */
  source: string;
  /** In the order written: the first varies slowest, and settings list their values in this order. */
  axes: GridAxis[];
}

export interface GridOptions {
  /** Random search: this many settings instead of the whole grid. */
  samples?: number;
  /** Seed of the random search (an integer); 1 by default. */
  seed?: number;
}

/** Above this many settings the whole grid is refused and --samples is asked for; so is a larger --samples. */
export const MAX_SETTINGS = 100_000;
/** Values one range may give: a step typed too small should not build a list of millions. */
export const MAX_RANGE_VALUES = 10_000;
/** Same guard as the configuration's: a few aliases must not expand to billions of values. */
const MAX_ALIASES = 100;

const EXAMPLE = `--grid '{risk.hard_stop_multiplier: [1, 1.5, 2], scanner.breakout_lookback: {from: 10, to: 40, step: 5}}'`;
const FORMS =
  'a list of values ([1, 1.5]), a range ({from: 1, to: 2, step: 0.5}) or a distribution ({uniform: [low, high]}, {log_uniform: [low, high]}, {int_uniform: [low, high]}, {choice: [a, b]})';

/** SPEC is a YAML file when such a file exists, else YAML itself. */
export function parseGridSpec(spec: string): GridSpec {
  const isFile = existsSync(spec) && statSync(spec).isFile();
  const source = isFile ? spec : '--grid';
  const raw = yamlValues(isFile ? readFileSync(spec, 'utf8') : spec, source);
  if (raw === null || raw === undefined || (isMapping(raw) && Object.keys(raw).length === 0)) {
    throw new GridError(
      `${source}: the grid names no key: map dotted configuration keys to values, e.g. ${EXAMPLE}`,
    );
  }
  if (!isMapping(raw)) {
    const what = isFile ? 'the file' : `"${spec}" is no file, and as YAML it`;
    throw new GridError(
      `${source}: ${what} is not a mapping of dotted configuration keys to values, e.g. ${EXAMPLE}`,
    );
  }
  return { source, axes: Object.entries(raw).map(([key, value]) => parseAxis(source, key, value)) };
}

/** How many settings the whole grid has; Infinity with a continuous distribution. */
export function gridSize(grid: GridSpec): number {
  return grid.axes.reduce((size, axis) => size * axisSize(axis), 1);
}

/**
 * The settings to run, indexed 0..n−1. Without samples, the whole grid (first key slowest). With samples,
 * a random search seeded by `seed`: each setting draws every key independently (a list or range uniformly
 * among its values), and a setting already drawn is drawn again, so no two settings are the same; when the
 * grid is finite and no larger than samples, the whole grid is returned instead.
 */
export function gridSettings(grid: GridSpec, options: GridOptions = {}): Setting[] {
  const size = gridSize(grid);
  if (options.samples === undefined) {
    const distribution = grid.axes.find((axis) => axis.kind !== 'values');
    if (distribution) {
      throw new GridError(`${distribution.key} is a distribution (${distribution.kind}): give --samples N`);
    }
    if (size > MAX_SETTINGS) {
      throw new GridError(
        `the grid has ${size.toLocaleString('en-US')} settings, more than ${MAX_SETTINGS.toLocaleString('en-US')}: use --samples N for a random search among them`,
      );
    }
  }
  const samples = options.samples ?? size;
  if (!Number.isSafeInteger(samples) || samples < 1 || samples > MAX_SETTINGS) {
    throw new GridError(`--samples must be a whole number from 1 to ${MAX_SETTINGS}, got ${samples}`);
  }
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new GridError(`--seed must be a whole number, got ${seed}`);
  const rows = samples >= size ? product(grid.axes.map(finiteValues)) : randomRows(grid, samples, seed);
  return rows.map((row, index) => ({
    index,
    values: Object.fromEntries(grid.axes.map((axis, i) => [axis.key, row[i]])),
  }));
}

/** `risk.hard_stop_multiplier=1.5 scanner.breakout_lookback=20`: a word as it is, lists and the rest as JSON. */
export function settingLabel(values: Record<string, KeyValue>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key}=${valueText(value)}`)
    .join(' ');
}

function valueText(value: KeyValue): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string' && /^[^\s"'=,[\]{}]+$/.test(value)) return value;
  return JSON.stringify(value) ?? String(value);
}

function yamlValues(text: string, source: string): unknown {
  const document = parseDocument(text);
  const error = document.errors[0];
  if (error) {
    const at = error.linePos?.[0];
    const message = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new GridError(`${source}: ${at ? `line ${at.line}, column ${at.col}: ` : ''}${message}`);
  }
  try {
    return document.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (cause) {
    if (!(cause instanceof ReferenceError)) throw cause;
    throw new GridError(`${source}: its YAML aliases expand to more than ${MAX_ALIASES} copies`);
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseAxis(source: string, key: string, spec: unknown): GridAxis {
  const fail = (expected: string): never => {
    throw new GridError(`${source}: ${key}: ${expected}`);
  };
  if (!/^[^.\s]+(\.[^.\s]+)*$/.test(key))
    fail('is not a dotted configuration key (e.g. risk.hard_stop_multiplier)');
  if (Array.isArray(spec)) return { key, kind: 'values', values: distinctValues(spec, fail) };
  if (!isMapping(spec)) return fail(`expected ${FORMS}, got ${JSON.stringify(spec)}`);
  const names = Object.keys(spec).sort().join(',');
  if (names === 'from,step,to') return { key, kind: 'values', values: rangeValues(spec, fail) };
  if (names === 'choice') {
    const values = spec['choice'];
    if (!Array.isArray(values)) return fail(`expected choice: [a, b, …], got ${JSON.stringify(values)}`);
    return { key, kind: 'choice', values: distinctValues(values, fail) };
  }
  if (names === 'uniform' || names === 'log_uniform' || names === 'int_uniform') {
    const kind = names;
    const bounds = spec[kind];
    const [low, high] = Array.isArray(bounds) ? bounds : [];
    if (!Array.isArray(bounds) || bounds.length !== 2 || !isFiniteNumber(low) || !isFiniteNumber(high)) {
      return fail(`expected ${kind}: [low, high] (two numbers), got ${JSON.stringify(bounds)}`);
    }
    if (kind === 'int_uniform' && !(Number.isSafeInteger(low) && Number.isSafeInteger(high))) {
      return fail(`expected int_uniform: [low, high] with whole numbers, got ${JSON.stringify(bounds)}`);
    }
    if (kind === 'int_uniform' ? low > high : low >= high) {
      return fail(
        `${kind}: low must be ${kind === 'int_uniform' ? 'at most' : 'below'} high, got [${low}, ${high}]`,
      );
    }
    if (kind === 'log_uniform' && low <= 0) return fail(`log_uniform: low must be above 0, got ${low}`);
    return { key, kind, low, high };
  }
  return fail(`expected ${FORMS}, got ${JSON.stringify(spec)}`);
}

function distinctValues(values: unknown[], fail: (expected: string) => never): KeyValue[] {
  if (values.length === 0) fail('the list of values is empty: give at least one');
  const seen = new Set<string>();
  for (const value of values) {
    const text = JSON.stringify(value);
    if (seen.has(text)) fail(`${text} is listed twice`);
    seen.add(text);
  }
  return values;
}

function rangeValues(spec: Record<string, unknown>, fail: (expected: string) => never): number[] {
  const { from, to, step } = spec;
  if (!isFiniteNumber(from) || !isFiniteNumber(to) || !isFiniteNumber(step)) {
    return fail(`a range takes numbers: {from: 1, to: 2, step: 0.5}, got ${JSON.stringify(spec)}`);
  }
  if (step <= 0) fail(`the range's step must be above 0, got ${step}`);
  if (from > to) fail(`the range's from (${from}) must not be above its to (${to})`);
  const span = (to - from) / step;
  if (span >= MAX_RANGE_VALUES) {
    fail(`the range gives more than ${MAX_RANGE_VALUES.toLocaleString('en-US')} values: use a larger step`);
  }
  // A relative tolerance so `to` counts when it falls on the grid despite binary fractions (0.1 × 3).
  const count = Math.floor(span + 1e-9 * Math.max(1, span)) + 1;
  // from + i·step in binary drifts (0.30000000000000004): rounding to the inputs' decimals puts it back.
  const decimals = Math.max(decimalsOf(from), decimalsOf(step));
  return Array.from({ length: count }, (_, i) => roundTo(from + i * step, decimals));
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Decimals of a number as written: 0.25 → 2, 1e-7 → 7, 3 → 0. */
function decimalsOf(value: number): number {
  const [mantissa = '', exponent] = String(value).split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent ?? 0));
}

function roundTo(value: number, decimals: number): number {
  return Number(value.toFixed(Math.min(decimals, 100)));
}

function axisSize(axis: GridAxis): number {
  switch (axis.kind) {
    case 'values':
    case 'choice':
      return axis.values.length;
    case 'int_uniform':
      return axis.high - axis.low + 1;
    default:
      return Infinity;
  }
}

/** Called only for a finite grid (samples ≥ its size). */
function finiteValues(axis: GridAxis): readonly KeyValue[] {
  if (axis.kind === 'values' || axis.kind === 'choice') return axis.values;
  if (axis.kind === 'int_uniform') {
    return Array.from({ length: axis.high - axis.low + 1 }, (_, i) => axis.low + i);
  }
  throw new Error(`${axis.key}: a ${axis.kind} distribution has no finite list of values`);
}

/** First list slowest. */
function product(lists: readonly (readonly KeyValue[])[]): KeyValue[][] {
  return lists.reduce<KeyValue[][]>(
    (rows, values) => rows.flatMap((row) => values.map((value) => [...row, value])),
    [[]],
  );
}

/**
 * Draws until `samples` distinct settings. A finite grid larger than samples always gets there; with a
 * continuous distribution a repeat needs the same rounded draw, and a range too narrow to give enough
 * distinct values is reported rather than looped over.
 */
function randomRows(grid: GridSpec, samples: number, seed: number): KeyValue[][] {
  const random = mulberry32(seed);
  const finite = gridSize(grid) !== Infinity;
  const maxAttempts = samples * 100 + 1_000;
  const seen = new Set<string>();
  const rows: KeyValue[][] = [];
  for (let attempt = 0; rows.length < samples; attempt++) {
    if (!finite && attempt >= maxAttempts) {
      throw new GridError(
        `the distributions gave only ${rows.length} distinct settings in ${maxAttempts} draws: widen their ranges or lower --samples`,
      );
    }
    const row = grid.axes.map((axis) => draw(axis, random));
    const text = JSON.stringify(row);
    if (seen.has(text)) continue;
    seen.add(text);
    rows.push(row);
  }
  return rows;
}

/**
 * Continuous draws are rounded so labels and configs stay readable: uniform to about a millionth of its
 * width (1.23457 in [0.5, 3]), log_uniform to 6 significant digits (its scale is relative).
 */
function draw(axis: GridAxis, random: () => number): KeyValue {
  const r = random();
  switch (axis.kind) {
    case 'values':
    case 'choice':
      return axis.values[Math.floor(r * axis.values.length)];
    case 'int_uniform':
      return axis.low + Math.floor(r * (axis.high - axis.low + 1));
    case 'uniform': {
      const decimals = Math.max(0, 5 - Math.floor(Math.log10(axis.high - axis.low)));
      return clamp(roundTo(axis.low + r * (axis.high - axis.low), decimals), axis);
    }
    case 'log_uniform': {
      const value = Math.exp(Math.log(axis.low) + r * (Math.log(axis.high) - Math.log(axis.low)));
      return clamp(Number(value.toPrecision(6)), axis);
    }
  }
}

function clamp(value: number, { low, high }: { low: number; high: number }): number {
  return Math.min(high, Math.max(low, value));
}
