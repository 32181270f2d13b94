// What `sigil config check` and `schema` do; commands/config.ts declares the options; loaded only to run.
import { writeFileSync } from 'node:fs';
import { configJsonSchema } from '../../config/json-schema.ts';
import { loadConfigFile } from '../../config/load-config.ts';
import { loadStrategies } from '../../app/strategy-for.ts';

export async function checkConfig(file: string): Promise<void> {
  const loaded = loadConfigFile(file);
  // A variant's own strategy file is loaded and its parameters checked against its schema.
  await loadStrategies(loaded);
  console.log(
    `${file} is valid: ${loaded.variants.length} variant(s): ${loaded.variants.map((v) => v.id).join(', ')}`,
  );
}

export function configSchema(options: { out?: string }): void {
  const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
  if (options.out) {
    writeFileSync(options.out, text);
    console.log(`wrote ${options.out}`);
  } else {
    process.stdout.write(text);
  }
}
