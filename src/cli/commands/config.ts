import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { configJsonSchema } from '../../config/json-schema.ts';
import { loadConfigFile } from '../../config/load-config.ts';

export function registerConfig(program: Command): void {
  const config = program
    .command('config')
    .description('validate configuration files and export their schema');

  config
    .command('check')
    .description('validate a configuration file and list the variants it defines')
    .argument('<file>', 'the YAML file')
    .action((file: string) => {
      const loaded = loadConfigFile(file);
      console.log(
        `${file} is valid: ${loaded.variants.length} variant(s): ${loaded.variants.map((v) => v.id).join(', ')}`,
      );
    });

  config
    .command('schema')
    .description('print the JSON Schema of the configuration (for editors), or write it to a file')
    .option('--out <file>', 'write to this file instead of standard output')
    .action((options: { out?: string }) => {
      const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
      if (options.out) {
        writeFileSync(options.out, text);
        console.log(`wrote ${options.out}`);
      } else {
        process.stdout.write(text);
      }
    });
}
