// What a run needs beyond a well-formed file: cadences the scheduler can keep, an API that binds where
// the config allows, candles where market.data says, strategy files and models that load, prop-firm
// rules that hold together, the LLM's key. `sigil run` refuses to start on any of them (exit 2) before it
// opens the store, and `sigil config check` reports them all by this same code, each with its key — so
// a config check passes exactly what a run accepts.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isLoopback } from '../api/loopback.ts';
import { ConfigError } from '../config/config-error.ts';
import type { SigilConfig, Variant } from '../config/load-config.ts';
import { timeframeMs } from '../domain/candle.ts';
import { parseCadence } from '../engine/cadence.ts';
import { candleFiles } from '../marketdata/candle-directory.ts';
import { CandlePathError } from '../marketdata/candle-data-error.ts';
import { complianceFor } from './compliance-for.ts';
import { checkQuoteCurrencies } from './instrument-for.ts';
import { missingLlmKey } from './llm-key.ts';
import { loadStrategies } from './strategy-for.ts';

export interface RunScope {
  /**
   * Where the run's candles come from: the configured files (a replay, the default), an exchange or a
   * Match-Trader account (`--live`, needing only market.symbols), or nowhere (an analyst-only process).
   */
  candles: 'files' | 'live' | 'none';
  /** Whether the run serves the dashboard and API (it binds api.host). */
  servesApi: boolean;
  /** The variants that will run; default: every configured one. */
  variants?: readonly Variant[];
  env?: Readonly<Record<string, string | undefined>>;
}

/** Every problem that would stop the run, each as `key: what is wrong and how to fix it`. */
export async function readinessProblems(config: SigilConfig, scope: RunScope): Promise<string[]> {
  const variants = scope.variants ?? config.variants;
  return [
    ...cadenceProblems(config),
    ...(scope.servesApi ? apiProblems(config) : []),
    ...candleProblems(config, scope.candles),
    ...(scope.candles === 'files' ? realAccountsInReplay(variants) : []),
    ...(await variantProblems(config, variants, scope.env ?? process.env)),
  ];
}

/** Throws one ConfigError naming every problem (exit 2), or returns when the run can start. */
export async function checkReadiness(config: SigilConfig, scope: RunScope): Promise<void> {
  const problems = await readinessProblems(config, scope);
  if (problems.length > 0) throw new ConfigError(config.file ?? 'built-in defaults', problems);
}

/**
 * A replay trades on paper: a variant set to trade a real account is refused rather than silently
 * replayed on paper (bot-assembly keeps the same rule for backtests).
 */
export function realAccountsInReplay(variants: readonly Variant[]): string[] {
  return variants
    .filter((v) => v.settings.broker.kind !== 'paper')
    .map(
      (v) =>
        `variants.${v.id}.broker.kind: ${v.settings.broker.kind} trades a real account; replays and backtests run on paper (use sigil run --live, or broker.kind: paper)`,
    );
}

const CADENCES = ['janitor_every', 'equity_every', 'execute_every'] as const;

/** A zero interval would make every moment due; a 7-field cron is read differently by other tools. */
function cadenceProblems(config: SigilConfig): string[] {
  return CADENCES.flatMap((key) => {
    try {
      parseCadence(config.engine[key]);
      return [];
    } catch (error) {
      return [`engine.${key}: ${error instanceof Error ? error.message : String(error)}`];
    }
  });
}

function apiProblems(config: SigilConfig): string[] {
  const problem = config.api.enabled ? remoteBindProblem(config, 'api.host', config.api.host) : null;
  return problem === null ? [] : [`${problem}, or run with --no-dashboard`];
}

/**
 * Binding beyond loopback puts halt and reset on the network: it takes api.allow_remote, named by its
 * key (`where`: api.host, or --host), never by the server's option name.
 */
export function remoteBindProblem(
  config: Pick<SigilConfig, 'api'>,
  where: string,
  host: string,
): string | null {
  if (config.api.allow_remote || isLoopback(host)) return null;
  return `${where}: "${host}" is not a loopback address, and halt and reset would be reachable from the network: set api.allow_remote: true (and SIGIL_API_TOKEN) to serve beyond this machine, or bind 127.0.0.1`;
}

function candleProblems(config: SigilConfig, candles: RunScope['candles']): string[] {
  const { data, symbols } = config.market;
  if (candles === 'none') return [];
  if (candles === 'live') {
    if (symbols.length > 0) return quoteProblems(config, symbols);
    return [
      'market.symbols: sigil run --live needs the symbols to trade, e.g. [BTC/USDT, ETH/USDT] or [EURUSD]',
    ];
  }
  let files: Map<string, string>;
  try {
    files = candleFiles(data);
  } catch (error) {
    if (!(error instanceof CandlePathError)) throw error;
    return [`market.data: ${error.message}${liveHint(config)}`];
  }
  if (files.size === 0) return [`market.data: ${data} holds no candle files (*.csv, *.csv.gz, *.json)`];
  const missing = symbols.filter((symbol) => !files.has(symbol));
  if (missing.length > 0) {
    return [
      `market.symbols: ${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no candle file in ${data} (it has ${[...files.keys()].join(', ')})`,
    ];
  }
  return quoteProblems(config, symbols.length > 0 ? symbols : [...files.keys()]);
}

/** A config for live trading alone has no candle files to replay; its check says how to check it. */
function liveHint(config: SigilConfig): string {
  return config.market.symbols.length > 0 ? ' (a config for --live only: sigil config check --live)' : '';
}

function quoteProblems(config: SigilConfig, symbols: readonly string[]): string[] {
  return caught(() => checkQuoteCurrencies(config, symbols));
}

async function variantProblems(
  config: SigilConfig,
  variants: readonly Variant[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<string[]> {
  const barMs = timeframeMs(config.market.timeframe);
  const problems: string[] = [];
  for (const variant of variants) {
    const { scanner, analyst } = variant.settings;
    problems.push(...(await caughtAsync(() => loadStrategies(config, [variant]))));
    if (scanner.rule === 'ranking' && scanner.model !== undefined) {
      const model = resolve(config.file ? dirname(config.file) : '.', scanner.model);
      if (!existsSync(model)) problems.push(`variants.${variant.id}.scanner.model: ${model}: no such file`);
    }
    problems.push(...caught(() => complianceFor(variant.settings, config.file, variant.id, barMs)));
    const key = analyst.kind === 'llm' ? missingLlmKey(analyst, env) : null;
    if (key !== null) {
      problems.push(
        `variants.${variant.id}.analyst.api_key_env: analyst.provider ${analyst.provider} needs an API key in $${key} (or analyst.base_url of a local server such as Ollama)`,
      );
    }
  }
  return problems;
}

/** The problems of a check written to throw a ConfigError; anything else is not a config problem. */
function caught(check: () => unknown): string[] {
  try {
    check();
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

async function caughtAsync(check: () => Promise<unknown>): Promise<string[]> {
  try {
    await check();
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}
