// `sigil strategy new|list|check`: writing, listing and checking strategies of your own (docs/strategies.md).
import type { Command } from 'commander';

export interface StrategyCheckOptions {
  checks: string;
  json?: boolean;
}

export function registerStrategy(program: Command): void {
  const strategy = program
    .command('strategy')
    .description('strategies of your own: scaffold one, list them, check one for lookahead bias');

  strategy
    .command('new')
    .description('write NAME.ts (a commented strategy), NAME.yaml (a config running it) and NAME.test.ts')
    .argument('<name>', 'lower-case letters, digits and dashes, e.g. my-idea')
    .option('--dir <dir>', 'where to write them', 'strategies')
    .action(async (name: string, options: { dir: string }) =>
      (await import('../actions/strategy.ts')).newStrategy(name, options),
    );

  strategy
    .command('list')
    .description("the built-in scanner rules and the configured variants' strategies, with their parameters")
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }, command: Command) =>
      (await import('../actions/strategy.ts')).listStrategies(options, command),
    );

  strategy
    .command('check')
    .description(
      "load a strategy (a file, or a variant of --config), validate its parameters, and check it for lookahead bias on the config's candles: exit 1 if a signal changes when the data is cut after its bar",
    )
    .argument('<target>', 'a strategy file (.ts, .js, .mjs), or the name of a variant of --config')
    .option('--checks <n>', 'signals re-checked on cut data, spread over the run', '30')
    .option('--json', 'machine-readable output')
    .action(async (target: string, options: StrategyCheckOptions, command: Command) =>
      (await import('../actions/strategy.ts')).checkStrategy(target, options, command),
    );
}
