// `npm run bench`: throughput figures, printed as JSON lines and then as a table.
// Not a test: nothing here passes or fails; the numbers go into the issue notes.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshSchema } from '../test/support/postgres.ts';
import { tempDir } from '../test/support/temp-dir.ts';
import { openStore } from '../src/store/open-store.ts';
import { indicatorBench } from './indicators.ts';
import { rankingBench } from './ranking.ts';
import { atomicEntryBench, riskPureBench } from './risk.ts';
import { researchBench } from './research.ts';
import { sweepBench } from './sweep.ts';
import { candleBench } from './candles.ts';
import { cliBench } from './cli.ts';
import { memoryStoreBench } from './memory-store.ts';
import { analystBench } from './analyst.ts';
import { brokerBench, guardBench } from './compliance.ts';
import { dashboardBench } from './dashboard.ts';

const SECONDS = Number(process.env.SIGIL_BENCH_SECONDS ?? 5);
const BATCH = Number(process.env.SIGIL_BENCH_BATCH ?? 200);
const WORKER = fileURLToPath(new URL('./lifecycle-worker.ts', import.meta.url));

interface WorkerResult {
  lifecycles: number;
  seconds: number;
  stages: Record<string, number>;
}

function runWorker(url: string, name: string, batch: number, startAt: number): Promise<WorkerResult> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', WORKER, url, name, String(batch), String(SECONDS), String(startAt)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as WorkerResult) : reject(new Error(`worker exited ${code}`)),
    ),
  );
}

interface Figure {
  bench: string;
  store: string;
  workers: number;
  batch: number;
  lifecycles_per_s: number;
  target: number | null;
  time_share: Record<string, string>;
}

async function lifecycleBench(
  store: 'sqlite' | 'postgres',
  workers: number,
  batch: number,
  target: number | null,
): Promise<Figure> {
  const dir = tempDir('sigil-bench-');
  const schema = store === 'postgres' ? await freshSchema('bench') : null;
  const url = schema ? schema.url : `sqlite:${join(dir.path, 'bench.db')}`;
  try {
    (await openStore(url, { now: '2026-01-01T00:00:00Z' })).store.close();
    const startAt = performance.timeOrigin + performance.now() + 1_500;
    const results = await Promise.all(
      Array.from({ length: workers }, (_, i) => runWorker(url, `w${i}`, batch, startAt)),
    );
    const lifecycles = results.reduce((sum, r) => sum + r.lifecycles, 0);
    const seconds = Math.max(...results.map((r) => r.seconds));
    const stageTotals: Record<string, number> = {};
    for (const r of results)
      for (const [stage, ms] of Object.entries(r.stages)) stageTotals[stage] = (stageTotals[stage] ?? 0) + ms;
    const all = Object.values(stageTotals).reduce((a, b) => a + b, 0);
    return {
      bench: 'intent lifecycle (insert→claim→decide→executing→opened→closed, records included)',
      store,
      workers,
      batch,
      lifecycles_per_s: Math.round(lifecycles / seconds),
      target,
      time_share: Object.fromEntries(
        Object.entries(stageTotals).map(([s, ms]) => [s, `${Math.round((100 * ms) / all)}%`]),
      ),
    };
  } finally {
    await schema?.drop();
    dir.remove();
  }
}

// Research speed first (issue 16's table): backtests, the plain-loop floor, the durable replay, the CLI.
const scannerFigures = [
  ...(await researchBench()),
  ...sweepBench(),
  ...(await candleBench()),
  ...(await cliBench()),
  ...(await memoryStoreBench()),
];
for (const figure of scannerFigures) console.log(JSON.stringify(figure));
// Market data and scanners next: they are quick and need the machine to themselves.
const pureFigures = [...indicatorBench(), ...rankingBench(), ...riskPureBench(), ...guardBench(2)];
for (const figure of pureFigures) console.log(JSON.stringify(figure));
scannerFigures.push(...pureFigures);

const entryFigures = [
  ...(await atomicEntryBench(SECONDS)),
  ...(await analystBench()),
  ...(await brokerBench(200)),
  ...(await dashboardBench()),
];
for (const figure of entryFigures) console.log(JSON.stringify(figure));
scannerFigures.push(...entryFigures);

const figures: Figure[] = [];
for (const [store, workers, batch, target] of [
  ['sqlite', 1, BATCH, 10_000],
  ['postgres', 1, BATCH, null],
  ['postgres', 4, BATCH, 3_000],
  ['sqlite', 1, 1, null],
  ['postgres', 4, 1, null],
] as const) {
  const figure = await lifecycleBench(store, workers, batch, target);
  figures.push(figure);
  console.log(JSON.stringify(figure));
}

console.log('');
const header = ['store', 'workers', 'batch', 'lifecycles/s', 'target', 'time share by stage'];
const rows = figures.map((f) => [
  f.store,
  String(f.workers),
  String(f.batch),
  String(f.lifecycles_per_s),
  f.target === null ? '—' : `≥ ${f.target}`,
  Object.entries(f.time_share)
    .map(([s, p]) => `${s} ${p}`)
    .join(', '),
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
for (const row of [header, ...rows])
  console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
console.log('');
for (const f of scannerFigures)
  console.log(`${f.bench}: ${f.value.toLocaleString('en-US')} ${f.unit} (target ${f.target})`);
