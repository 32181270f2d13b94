// Which candles the research figures run on: the 19 Binance pairs × 33 months (432,363 hourly
// bars) where they are — SIGIL_BENCH_DATA, or the shared data folder beside a development checkout —
// else the 10 pairs bundled in data/crypto/1h, named as such in every figure.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BESIDE_CHECKOUT = fileURLToPath(new URL('../../shared/data/crypto/1h', import.meta.url));
const BUNDLED = fileURLToPath(new URL('../data/crypto/1h', import.meta.url));

export interface BenchData {
  folder: string;
  /** "19 pairs" or "10 bundled pairs": how the figure names its data. */
  label: string;
}

export function benchData(): BenchData {
  const candidates = [process.env.SIGIL_BENCH_DATA, BESIDE_CHECKOUT].filter(
    (folder): folder is string => folder !== undefined && folder !== '' && existsSync(folder),
  );
  const folder = candidates[0] ?? BUNDLED;
  const pairs = readdirSync(folder).filter((name) => /\.(csv|json)(\.gz)?$/.test(name)).length;
  return { folder, label: folder === BUNDLED ? `${pairs} bundled pairs` : `${pairs} pairs` };
}

export const BUNDLED_CRYPTO = BUNDLED;
