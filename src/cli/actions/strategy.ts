// What `sigil strategy new|list|check` do; commands/strategy.ts declares the options.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { appContext, type GlobalOptions } from '../../app/app-context.ts';
import { selectVariants } from '../../app/engine-for.ts';
import { importStrategy, loadStrategies, strategyOf } from '../../app/strategy-for.ts';
import type { SigilConfig } from '../../config/load-config.ts';
import { loadCandleSeries } from '../../marketdata/candle-directory.ts';
import { candlesFromSeries } from '../../marketdata/candle-series.ts';
import { POSTURES } from '../../scanners/micro/postures.ts';
import { lookaheadCheck, type LookaheadReport } from '../../strategy/lookahead-check.ts';
import type { Bar, Strategy } from '../../strategy/strategy-api.ts';
import { UsageError } from '../cli-error.ts';
import type { StrategyCheckOptions } from '../commands/strategy.ts';
import { isoTime, renderTable } from '../table.ts';
import { strategyFiles } from './strategy-template.ts';

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

export function newStrategy(name: string, options: { dir: string }): void {
  if (!NAME.test(name))
    throw new UsageError(`strategy name "${name}": use lower-case letters, digits and dashes, e.g. my-idea`);
  const files = strategyFiles(name);
  const paths = Object.keys(files).map((file) => join(options.dir, file));
  const taken = paths.find((path) => existsSync(path));
  if (taken) throw new UsageError(`${taken} exists already: nothing was written`);
  mkdirSync(options.dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(options.dir, file), text);
  // TypeScript with `import` is read as an ES module only under a package.json that says so; inside a
  // project (a clone of Sigil) its own package.json decides, and a nested one would hide it.
  if (!packageJsonAbove(resolve(options.dir))) {
    const packageJson = join(options.dir, 'package.json');
    writeFileSync(packageJson, '{ "type": "module" }\n');
    paths.push(packageJson);
  }
  console.log(`wrote ${paths.join(', ')}`);
  console.log(`next: sigil --config ${join(options.dir, `${name}.yaml`)} backtest`);
  console.log(`      sigil --config ${join(options.dir, `${name}.yaml`)} strategy check ${name}`);
}

function packageJsonAbove(dir: string): boolean {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'package.json'))) return true;
    if (dirname(at) === at) return false;
  }
}

export async function listStrategies(options: { json?: boolean }, command: Command): Promise<void> {
  const { config } = appContext(command.optsWithGlobals<GlobalOptions>());
  await loadStrategies(config);
  const rows: { variant: string; strategy: string; source: string; params: string }[] = [];
  for (const variant of config.variants) {
    const loaded = strategyOf(config, variant);
    const scanner = variant.settings.scanner;
    if (loaded) {
      rows.push({
        variant: variant.id,
        strategy: loaded.strategy.name,
        source: loaded.file,
        params: JSON.stringify(loaded.params),
      });
    } else {
      rows.push({
        variant: variant.id,
        strategy: `${scanner.rule} (built-in)`,
        source: scanner.rule === 'breakout' ? `posture ${scanner.posture}` : 'ranking model',
        params:
          scanner.rule === 'breakout' ? JSON.stringify(POSTURES[scanner.posture]) : `top_k ${scanner.top_k}`,
      });
    }
  }
  if (options.json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  console.log('Built-in rules: breakout (postures baseline, moderate, aggressive, unhinged), ranking.');
  console.log(
    renderTable(
      ['variant', 'strategy', 'from', 'parameters'],
      rows.map((r) => [r.variant, r.strategy, r.source, r.params]),
    ),
  );
  for (const variant of config.variants) {
    const schema = strategyOf(config, variant)?.strategy.params;
    if (schema)
      console.log(
        `\n${variant.id}: parameters ${JSON.stringify(z.toJSONSchema(schema, { io: 'input' }).properties ?? {})}`,
      );
  }
}

export async function checkStrategy(
  target: string,
  options: StrategyCheckOptions,
  command: Command,
): Promise<void> {
  const checks = Number(options.checks);
  if (!Number.isInteger(checks) || checks < 1)
    throw new UsageError(`--checks must be a whole number ≥ 1, got ${options.checks}`);
  const { config } = appContext(command.optsWithGlobals<GlobalOptions>());
  const { strategy, params, source } = await resolveTarget(target, config);
  const bars = barsOf(config);
  const report = lookaheadCheck(strategy, { bars, timeframe: config.market.timeframe, params, checks });
  if (options.json) console.log(JSON.stringify({ strategy: strategy.name, source, ...report }, null, 2));
  else console.log(reportText(strategy.name, source, report));
  if (report.lookahead.length > 0) process.exitCode = 1;
}

async function resolveTarget(
  target: string,
  config: SigilConfig,
): Promise<{ strategy: Strategy; params: unknown; source: string }> {
  if (['.ts', '.mts', '.js', '.mjs'].includes(extname(target))) {
    const file = resolve(target);
    const strategy = await importStrategy(file);
    if (typeof strategy === 'string') throw new UsageError(strategy);
    const parsed = strategy.params?.safeParse({});
    if (parsed && !parsed.success)
      throw new UsageError(
        `${file}: its parameters have no defaults for ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}: check it through a variant of --config that gives them`,
      );
    return { strategy, params: parsed?.data ?? {}, source: file };
  }
  const [variant] = selectVariants(config, [target]);
  if (!variant) throw new UsageError(`no variant ${target} in ${config.file ?? 'the built-in defaults'}`);
  await loadStrategies(config, [variant]);
  const loaded = strategyOf(config, variant);
  if (!loaded)
    throw new UsageError(
      `variant ${target} runs the built-in ${variant.settings.scanner.rule} rule, not a strategy file`,
    );
  return {
    strategy: loaded.strategy,
    params: loaded.params,
    source: `${loaded.file} (variant ${variant.id})`,
  };
}

function barsOf(config: SigilConfig): Map<string, Bar[]> {
  const symbols = config.market.symbols.length > 0 ? config.market.symbols : undefined;
  return new Map(
    loadCandleSeries(config.market.data, symbols, config.market.timeframe).map((s) => [
      s.symbol,
      candlesFromSeries(s),
    ]),
  );
}

function reportText(name: string, source: string, report: LookaheadReport): string {
  const lines = [`Strategy ${name} (${source}): ${report.signals} signal(s) on the config's candles.`];
  if (report.lookahead.length === 0) {
    lines.push(
      `Lookahead: none — ${report.checked} signal(s) re-made on data cut right after their bar, all the same.`,
    );
  } else {
    lines.push(
      `LOOKAHEAD BIAS: ${report.lookahead.length} of ${report.checked} signal(s) change when the data is cut after their bar — the strategy reads bars that had not closed:`,
    );
    lines.push(
      renderTable(
        ['symbol', 'bar close', 'on all data', 'on data cut there'],
        report.lookahead.slice(0, 20).map((f) => [f.symbol, isoTime(f.at), f.full, f.cut]),
      ),
    );
  }
  const { warmup } = report;
  lines.push(
    warmup.differing.length === 0
      ? `Warm-up: the same ${warmup.compared} signal(s) from ${isoTime(warmup.from)} on when the run starts later.`
      : `Warm-up (a warning): ${warmup.differing.length} signal(s) from ${isoTime(warmup.from)} on differ when the run starts later — indicator values still depend on how much history came before; give them more warm-up. First: ${warmup.differing
          .slice(0, 3)
          .map((f) => `${f.symbol} ${isoTime(f.at)} (${f.full} vs ${f.cut})`)
          .join('; ')}`,
  );
  if (report.errors.length > 0)
    lines.push(`Bars the strategy failed on (${report.errors.length}); the first: ${report.errors[0]}`);
  return lines.join('\n');
}
