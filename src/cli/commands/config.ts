import type { Command } from 'commander';

export interface ConfigCheckOptions {
  live?: boolean;
}

export function registerConfig(program: Command): void {
  const config = program
    .command('config')
    .description('validate configuration files and export their schema');

  config
    .command('check')
    .description(
      'validate a configuration file as `sigil run` does before it starts — keys, cadences, api host, candle files and symbols, strategy files, models, prop-firm rules, LLM keys — reporting every problem; list its variants',
    )
    .argument('<file>', 'the YAML file')
    .option('--live', 'check it for `sigil run --live`: market.symbols instead of candle files')
    .action(async (file: string, options: ConfigCheckOptions) =>
      (await import('../actions/config.ts')).checkConfig(file, options),
    );

  config
    .command('schema')
    .description('print the JSON Schema of the configuration (for editors), or write it to a file')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (options: { out?: string }) =>
      (await import('../actions/config.ts')).configSchema(options),
    );
}
