// Which candles the research figures run on: the 19 bundled Binance pairs × 33 months (432,363 hourly
// bars, data/crypto/1h), or another folder named by SIGIL_BENCH_DATA — the figure names which.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BUNDLED = fileURLToPath(new URL('../data/crypto/1h', import.meta.url));

export interface BenchData {
  folder: string;
  /** "19 bundled pairs", or "N pairs" of another folder: how the figure names its data. */
  label: string;
}

export function benchData(): BenchData {
  const chosen = process.env.SIGIL_BENCH_DATA;
  const folder = chosen !== undefined && chosen !== '' && existsSync(chosen) ? chosen : BUNDLED;
  const pairs = readdirSync(folder).filter((name) => /\.(csv|json)(\.gz)?$/.test(name)).length;
  return { folder, label: folder === BUNDLED ? `${pairs} bundled pairs` : `${pairs} pairs` };
}

export const BUNDLED_CRYPTO = BUNDLED;
