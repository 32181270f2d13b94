// Candle loading: the first parse of CSV (MB/s of text; gunzip of .csv.gz measured apart), a cold load
// into an empty cache folder, a warm load from the cache, and the replay feed delivering the whole set
// bar by bar as a backtest asks for it. On the shared 19-pair set (432,363 hourly bars, 25.5 MB of CSV)
// when it is on this machine, else on the repo's 10 gzipped pairs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { tempDir } from '../test/support/temp-dir.ts';
import { loadCandleSeries } from '../src/marketdata/candle-directory.ts';
import { parseCandleCsv } from '../src/marketdata/candle-csv.ts';
import { ReplayFeed } from '../src/marketdata/replay-feed.ts';
import { mergedTimes } from '../src/marketdata/series-merge.ts';
import type { BenchFigure } from './indicators.ts';
import { benchData } from './bench-data.ts';

const HOUR = 3_600_000;

export async function candleBench(): Promise<BenchFigure[]> {
  const { folder, label: where } = benchData();
  const names = csvNames(folder);

  // Gunzip apart from the parse: it is zlib's speed, not the parser's, and a warm load skips it.
  const raw = names.map((name) => readFileSync(join(folder, name)));
  const gzipped = names.map((name) => name.endsWith('.gz'));
  let started = performance.now();
  const texts = raw.map((bytes, i) => (gzipped[i] ? gunzipSync(bytes) : bytes));
  const gunzipSeconds = (performance.now() - started) / 1_000;
  const csvBytes = texts.reduce((n, t) => n + t.length, 0);

  // The first parse in this process: the JIT starts cold, as in a backtest's first run.
  started = performance.now();
  let rows = 0;
  texts.forEach((bytes, i) => (rows += parseCandleCsv(bytes, names[i] as string, 'X').length));
  const firstSeconds = (performance.now() - started) / 1_000;
  const warmSeconds = best(5, () =>
    texts.forEach((bytes, i) => parseCandleCsv(bytes, names[i] as string, 'X')),
  );

  const cache = tempDir('sigil-bench-candle-cache-');
  const saved = process.env.SIGIL_CACHE_DIR;
  process.env.SIGIL_CACHE_DIR = cache.path;
  let coldMs: number;
  let warmMs: number;
  let series: ReturnType<typeof loadCandleSeries>;
  try {
    started = performance.now();
    series = loadCandleSeries(folder);
    coldMs = performance.now() - started;
    warmMs = best(5, () => loadCandleSeries(folder)) * 1_000;
  } finally {
    if (saved === undefined) delete process.env.SIGIL_CACHE_DIR;
    else process.env.SIGIL_CACHE_DIR = saved;
    cache.remove();
  }

  // Bar by bar, as the backtester's clock asks: one takeUntil per open time.
  const times = mergedTimes(series);
  const feed = new ReplayFeed(series, '1h');
  started = performance.now();
  let batches = 0;
  let candles = 0;
  for (const time of times) {
    for (const batch of feed.takeUntil(time + HOUR)) {
      batches++;
      candles += batch.candles.length;
    }
  }
  const feedSeconds = (performance.now() - started) / 1_000;

  const mb = csvBytes / 1e6;
  const figures: BenchFigure[] = [
    {
      bench: `candle CSV first parse (${where}, ${mb.toFixed(1)} MB, ${rows.toLocaleString('en-US')} bars)`,
      value: Math.round(mb / firstSeconds),
      unit: 'MB/s',
      target: '≥ 100',
    },
    {
      bench: `candle CSV parse, JIT warm (best of 5, ${where})`,
      value: Math.round(mb / warmSeconds),
      unit: 'MB/s',
      target: 'report',
    },
    {
      bench: `candle cold load, empty cache (${where}: read, SHA-256, parse, write the cache)`,
      value: Math.round(coldMs),
      unit: 'ms',
      target: 'report',
    },
    {
      bench: `candle warm load from the cache (${where}, best of 5)`,
      value: Number(warmMs.toFixed(1)),
      unit: 'ms',
      target: '< 500',
    },
    {
      bench: `replay feed bar by bar (${where}, ${candles.toLocaleString('en-US')} candles)`,
      value: Math.round(batches / feedSeconds),
      unit: 'batches/s',
      target: 'report',
    },
  ];
  if (gzipped.some(Boolean)) {
    figures.splice(1, 0, {
      bench: `gunzip of the .csv.gz files (${where}; MB/s of CSV out)`,
      value: Math.round(mb / gunzipSeconds),
      unit: 'MB/s',
      target: 'report',
    });
  }
  return figures;
}

function csvNames(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => /\.csv(\.gz)?$/.test(name))
    .sort();
}

/** The fastest of `rounds` runs, in seconds. */
function best(rounds: number, run: () => unknown): number {
  let fastest = Infinity;
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    run();
    fastest = Math.min(fastest, (performance.now() - started) / 1_000);
  }
  return fastest;
}
