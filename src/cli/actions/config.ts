// What `sigil config check` and `schema` do; commands/config.ts declares the options; loaded only to run.
import { writeFileSync } from 'node:fs';
import { configJsonSchema } from '../../config/json-schema.ts';
import { loadConfigFile, loadDotEnv } from '../../config/load-config.ts';
import { checkReadiness } from '../../app/config-readiness.ts';
import type { ConfigCheckOptions } from '../commands/config.ts';

export async function checkConfig(file: string, options: ConfigCheckOptions): Promise<void> {
  // The environment as `sigil run` sees it: an LLM's key may come from .env.
  loadDotEnv();
  const loaded = loadConfigFile(file);
  // What `sigil run` checks before it starts, by its own code: a file that passes here starts there.
  await checkReadiness(loaded, { candles: options.live ? 'live' : 'files', servesApi: true });
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
