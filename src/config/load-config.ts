// Loads a YAML configuration: parse, validate with zod, resolve each variant as base ⊕ overlay.
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import type { Timeframe } from '../domain/candle.ts';
import type { MarketCalendar } from '../marketdata/gaps.ts';
import type { z } from 'zod';
import { variantId, type VariantId } from '../domain/ids.ts';
import { rememberSecretVariables } from '../logging/redaction.ts';
import { ConfigError } from './config-error.ts';
import type { InstrumentConfig } from './risk-schema.ts';
import {
  ConfigFileSchema,
  VARIANT_SECTIONS,
  VariantSettingsSchema,
  type ConfigFile,
  type VariantSettings,
} from './schema.ts';

export interface Variant {
  id: VariantId;
  settings: VariantSettings;
}

export interface MarketSettings {
  /** Absolute path of the candle folder or file. */
  data: string;
  timeframe: Timeframe;
  symbols: string[];
  calendar: MarketCalendar;
  /** Per-symbol grids; '*' is the default (see instrumentFor in app/). */
  instruments: Record<string, Partial<InstrumentConfig>>;
  /** sigil run --live: where closed candles come from. */
  feed: 'ccxt' | 'match_trader';
  exchange: string;
  exchange_url?: string | undefined;
  warmup_bars: number;
}

export interface SigilConfig {
  /** The file it came from, or null for the built-in defaults. */
  file: string | null;
  storeUrl: string | undefined;
  market: MarketSettings;
  engine: ConfigFile['engine'];
  alerts: ConfigFile['alerts'];
  api: ConfigFile['api'];
  control: ConfigFile['control'];
  variants: Variant[];
}

/** The bundled sample data, wherever the package is installed. */
export const BUNDLED_DATA = fileURLToPath(new URL('../../data/', import.meta.url));

export const DEFAULT_VARIANT = 'baseline';

export function loadConfigFile(file: string): SigilConfig {
  return configFromValues(readConfigValues(file), file);
}

/**
 * The file's plain values, as YAML gives them, before any validation: what `sigil sweep` edits key by
 * key before resolving each setting with configFromValues.
 */
export function readConfigValues(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new ConfigError(file, [`cannot read the configuration (${reason})`]);
  }
  return yamlValues(text, file);
}

export function defaultConfig(): SigilConfig {
  return resolveConfig(ConfigFileSchema.parse({}), null);
}

export function parseConfig(text: string, file: string): SigilConfig {
  return configFromValues(yamlValues(text, file), file);
}

/** Validates plain values (a parsed file, perhaps edited) and resolves its variants. */
export function configFromValues(raw: unknown, file: string): SigilConfig {
  const parsed = ConfigFileSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success)
    throw new ConfigError(
      file,
      parsed.error.issues.map((issue) => describeIssue(issue)),
    );
  return resolveConfig(parsed.data, file);
}

/** The text's plain values; YAML syntax errors are reported with their line, an empty file is `{}`. */
function yamlValues(text: string, file: string): unknown {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw new ConfigError(
      file,
      document.errors.map((error) => {
        const at = error.linePos?.[0];
        const message = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
        return `${at ? `line ${at.line}, column ${at.col}: ` : ''}${message}`;
      }),
    );
  }
  return toPlainValues(document, file) ?? {};
}

/**
 * Aliases are expanded here, so a few lines can ask for billions of values (the "billion laughs"): past
 * MAX_ALIASES expanded references the file is refused as a configuration error, not an unexpected one.
 * Real configs use a handful of anchors, if any.
 */
const MAX_ALIASES = 100;

function toPlainValues(document: ReturnType<typeof parseDocument>, file: string): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    throw new ConfigError(file, [
      `its YAML aliases (*name) expand to more than ${MAX_ALIASES} copies: write the values out, or use fewer aliases`,
    ]);
  }
}

function resolveConfig(config: ConfigFile, file: string | null): SigilConfig {
  const base = Object.fromEntries(
    Object.keys(VARIANT_SECTIONS).map((section) => [section, config[section as keyof VariantSettings]]),
  ) as VariantSettings;
  const overlays = config.variants ?? { [DEFAULT_VARIANT]: {} };
  const problems: string[] = [];
  const variants: Variant[] = [];
  for (const [name, overlay] of Object.entries(overlays)) {
    const merged = VariantSettingsSchema.safeParse(mergeOverlay(base, overlay ?? {}), { reportInput: true });
    if (!merged.success) {
      problems.push(...merged.error.issues.map((issue) => describeIssue(issue, ['variants', name])));
    } else {
      variants.push({ id: variantId(name), settings: merged.data });
    }
  }
  if (problems.length > 0) throw new ConfigError(file ?? 'built-in defaults', problems);
  rememberSecretVariables(secretVariableNames(config));
  const data = config.market.data
    ? resolve(file ? dirname(file) : '.', config.market.data)
    : join(BUNDLED_DATA, 'crypto', '1h');
  return {
    file,
    storeUrl: config.store.url,
    market: { ...config.market, data },
    engine: config.engine,
    alerts: config.alerts,
    api: config.api,
    control: config.control,
    variants,
  };
}

/** The variables every `*_env` key of the file names (base, variants, alert sinks): they hold secrets. */
function secretVariableNames(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) =>
    key.endsWith('_env') && typeof item === 'string' ? [item] : secretVariableNames(item),
  );
}

/** Section by section, the overlay's keys replace the base's. */
function mergeOverlay(base: VariantSettings, overlay: Record<string, unknown>): unknown {
  const merged: Record<string, unknown> = { ...base };
  for (const [section, values] of Object.entries(overlay)) {
    merged[section] = { ...(base as Record<string, object>)[section], ...(values as object) };
  }
  return merged;
}

/**
 * Sections where a secret is likely to be pasted (a bot token in place of its variable's name, a webhook
 * URL as a sink): no value of theirs is quoted back, since configuration errors end up on screens and logs.
 */
const UNQUOTED_SECTIONS = new Set(['alerts']);

/**
 * Keys whose value is never quoted back either, in any section: an `*_env` key holds the secret itself
 * when someone pasted the key where its variable's name belongs, and headers carry tokens and cookies.
 * Any other quoted value still goes through the redaction of every error message (ConfigError).
 */
function unquotedKey(path: readonly PropertyKey[]): boolean {
  return path.some((step) => typeof step === 'string' && (step.endsWith('_env') || step === 'headers'));
}

function describeIssue(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[] = []): string {
  const path = [...prefix, ...issue.path].map(String).join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((key) => `${path === '(top level)' ? key : `${path}.${key}`}: unknown key`)
      .join('; ');
  }
  if (issue.code === 'invalid_key') {
    return `${path}: ${issue.issues.map((inner) => inner.message).join('; ')}`;
  }
  const quoted = !UNQUOTED_SECTIONS.has(String(prefix[0] ?? issue.path[0])) && !unquotedKey(issue.path);
  const got =
    quoted && 'input' in issue && issue.input !== undefined ? `, got ${JSON.stringify(issue.input)}` : '';
  const expected = issue.message.replace(/^Invalid input: /, '');
  return `${path}: ${expected}${got}`;
}

/**
 * Reads KEY=value lines from a .env file into the environment, never overriding a variable that is
 * already set (the real environment wins). Secrets live here or in the environment, never in the YAML.
 */
export function loadDotEnv(path = '.env'): string[] {
  if (!existsSync(path)) return [];
  const values = parseEnv(readFileSync(path, 'utf8'));
  const loaded: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (process.env[key] !== undefined) continue;
    process.env[key] = value;
    loaded.push(key);
  }
  return loaded;
}
