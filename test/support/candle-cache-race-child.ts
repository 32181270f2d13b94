// Test helper, run as its own process by candle-cache.test.ts: at an agreed instant, loads every file of
// a candle folder a few times through the cache (SIGIL_CACHE_DIR from the environment), to race another
// process building the same entries. Prints, as JSON, each load's cache outcome and a digest of its
// columns, so the test can check that every load — built, or read while the other wrote — is whole.
import { createHash } from 'node:crypto';
import { candleFiles } from '../../src/marketdata/candle-directory.ts';
import { loadCandleFile } from '../../src/marketdata/candle-file.ts';
import { SERIES_COLUMNS } from '../../src/marketdata/candle-series.ts';

const [folder, startAt, rounds] = process.argv.slice(2);
if (!folder || !startAt || !rounds)
  throw new Error('usage: candle-cache-race-child FOLDER START_AT_MS ROUNDS');
// Both processes wake at the same wall-clock instant, then race for the empty cache folder.
await new Promise((resolve) =>
  setTimeout(resolve, Math.max(0, Number(startAt) - performance.timeOrigin - performance.now())),
);
const loads: { symbol: string; cache: string; digest: string }[] = [];
for (let round = 0; round < Number(rounds); round++) {
  for (const [symbol, file] of candleFiles(folder)) {
    const { series, cache } = loadCandleFile(file, symbol);
    const hash = createHash('sha256');
    for (const column of SERIES_COLUMNS)
      hash.update(
        new Uint8Array(series[column].buffer, series[column].byteOffset, series[column].byteLength),
      );
    loads.push({ symbol, cache, digest: `${series.length}:${hash.digest('hex')}` });
  }
}
process.stdout.write(JSON.stringify(loads));
