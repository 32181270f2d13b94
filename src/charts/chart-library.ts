// The lightweight-charts standalone build (it defines window.LightweightCharts), read once from
// node_modules: the backtest report inlines it, the dashboard serves it — no CDN, so both work offline.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let library: string | undefined;

export function chartLibrary(): string {
  library ??= readFileSync(libraryPath(), 'utf8');
  return library;
}

const STANDALONE = 'lightweight-charts/dist/lightweight-charts.standalone.production.js';

function libraryPath(): string {
  const require = createRequire(import.meta.url);
  try {
    return require.resolve(STANDALONE);
  } catch (error) {
    // The package's `exports` map lists only its module entry and package.json, so Node refuses the
    // dist path; package.json is exported, and the file sits next to it.
    if ((error as { code?: unknown }).code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
    return join(
      dirname(require.resolve('lightweight-charts/package.json')),
      'dist',
      STANDALONE.split('/').pop() ?? '',
    );
  }
}
