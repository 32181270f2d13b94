import type { Command } from 'commander';

export function registerConfig(program: Command): void {
  const config = program
    .command('config')
    .description('validate configuration files and export their schema');

  config
    .command('check')
    .description('validate a configuration file and list the variants it defines')
    .argument('<file>', 'the YAML file')
    .action(async (file: string) => (await import('../actions/config.ts')).checkConfig(file));

  config
    .command('schema')
    .description('print the JSON Schema of the configuration (for editors), or write it to a file')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (options: { out?: string }) =>
      (await import('../actions/config.ts')).configSchema(options),
    );
}
