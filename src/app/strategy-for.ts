// Strategies users write: a variant's `scanner.module` names a file (.ts, .js or .mjs, relative to the
// config file) whose default export — or export named `strategy` — is a defineStrategy(). Loaded once per
// config before anything runs, its `scanner.params` checked against the strategy's schema: a missing
// file, a syntax error, a module without a strategy or parameters the schema refuses stop the command
// with the file and the key named (exit 2).
import { existsSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SigilConfig, Variant } from '../config/load-config.ts';
import { ConfigError } from '../config/config-error.ts';
import { isStrategy, type Strategy } from '../strategy/strategy-api.ts';
import { resolveSigilHere } from './sigil-specifier.ts';

export interface LoadedStrategy {
  file: string;
  strategy: Strategy;
  /** The parameters as the strategy's schema parsed them (its defaults applied). */
  params: unknown;
}

const loaded = new WeakMap<SigilConfig, Map<string, LoadedStrategy>>();
const modules = new Map<string, Promise<Record<string, unknown>>>();

/** Loads every configured variant's strategy file; the scanners then find them (strategyOf). */
export async function loadStrategies(
  config: SigilConfig,
  variants: readonly Variant[] = config.variants,
): Promise<void> {
  const byVariant = loaded.get(config) ?? new Map<string, LoadedStrategy>();
  for (const variant of variants) {
    const module = variant.settings.scanner.module;
    if (module === undefined || byVariant.has(variant.id)) continue;
    byVariant.set(variant.id, await loadFor(config, variant, module));
  }
  loaded.set(config, byVariant);
}

/** The strategy a variant runs, once loadStrategies has run; null for a built-in rule. */
export function strategyOf(config: SigilConfig, variant: Variant): LoadedStrategy | null {
  if (variant.settings.scanner.module === undefined) return null;
  const found = loaded.get(config)?.get(variant.id);
  if (!found) throw new Error(`the strategy of variant ${variant.id} was not loaded (loadStrategies first)`);
  return found;
}

/** Resolves a strategy file as the config names it: relative to the config file's folder. */
export function strategyPath(config: Pick<SigilConfig, 'file'>, module: string): string {
  return resolve(config.file ? dirname(config.file) : '.', module);
}

/** Imports a strategy file and returns its strategy, or a message saying what is wrong with it. */
export async function importStrategy(file: string): Promise<Strategy | string> {
  if (!existsSync(file)) return `${file}: no such file`;
  if (!['.ts', '.mts', '.js', '.mjs'].includes(extname(file)))
    return `${file}: a strategy is a .ts, .mts, .js or .mjs file`;
  let exports: Record<string, unknown>;
  try {
    exports = await importModule(file);
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    const hint = /Cannot find module 'sigil'/.test(reason)
      ? ' (a .ts strategy is an ES module only under a package.json with "type": "module" — sigil strategy new writes one — or name it .mts)'
      : '';
    return `${file} could not be loaded: ${reason}${hint}`;
  }
  const strategy = exports.default ?? exports.strategy;
  if (!isStrategy(strategy))
    return `${file} exports no strategy: write \`export default defineStrategy({ name, onBar(context) { … } })\``;
  return strategy;
}

async function loadFor(config: SigilConfig, variant: Variant, module: string): Promise<LoadedStrategy> {
  const source = config.file ?? 'built-in defaults';
  const file = strategyPath(config, module);
  const strategy = await importStrategy(file);
  if (typeof strategy === 'string')
    throw new ConfigError(source, [`variants.${variant.id}.scanner.module: ${strategy}`]);
  const given = variant.settings.scanner.params ?? {};
  if (!strategy.params) {
    const keys = Object.keys(given);
    if (keys.length > 0)
      throw new ConfigError(source, [
        `variants.${variant.id}.scanner.params.${keys[0]}: the strategy ${strategy.name} declares no parameters`,
      ]);
    return { file, strategy, params: {} };
  }
  const parsed = strategy.params.safeParse(given);
  if (!parsed.success) {
    throw new ConfigError(
      source,
      parsed.error.issues.map(
        (issue) =>
          `variants.${variant.id}.scanner.params${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message} (strategy ${strategy.name} in ${file})`,
      ),
    );
  }
  return { file, strategy, params: parsed.data };
}

/** TypeScript through tsx (a dependency), JavaScript as it is; each file once per process. */
function importModule(file: string): Promise<Record<string, unknown>> {
  let module = modules.get(file);
  if (!module) {
    resolveSigilHere();
    const ext = extname(file);
    module =
      ext === '.ts' || ext === '.mts'
        ? import('tsx/esm/api').then(({ tsImport }) => tsImport(pathToFileURL(file).href, import.meta.url))
        : import(pathToFileURL(file).href);
    modules.set(file, module as Promise<Record<string, unknown>>);
  }
  return module as Promise<Record<string, unknown>>;
}
