// `sigil sweep`'s figures (issue 22): 100 settings of the reference strategy over the bundled pairs × 33
// months on this machine's cores — the wall time, what one more worker buys, and the peak memory of the
// whole process (main thread and workers). Each figure is its own process on the compiled code.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../test/support/temp-dir.ts';
import { benchData } from './bench-data.ts';
import type { BenchFigure } from './indicators.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const START = Date.UTC(2021, 3, 5);
const END = Date.UTC(2024, 0, 1);
// 5 × 5 × 4 = 100 settings; the first key varies slowest, so the first 20 all share its first value.
const GRID =
  '{risk.hard_stop_multiplier: {from: 1, to: 2, step: 0.25}, risk.trail_atr_multiplier: {from: 2, to: 4, step: 0.5}, scanner.breakout_lookback: [15, 20, 25, 30]}';

interface SweepChild {
  settings: number;
  failed: number;
  trades: number;
  seconds: number;
  settingSeconds: number;
  peakMb: number;
}

function sweep(config: string, workers: number, settings: number): SweepChild {
  const args = [
    'bench/research-child.mjs',
    'sweep',
    config,
    String(START),
    String(END),
    String(workers),
    String(settings),
    GRID,
  ];
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`sweep bench failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as SweepChild;
}

export function sweepBench(): BenchFigure[] {
  const data = benchData();
  const dir = tempDir('sigil-sweep-bench-');
  try {
    // The reference strategy on the bench's data folder.
    const config = join(dir.path, 'reference.yaml');
    const text = readFileSync(join(ROOT, 'config/reference-strategy.yaml'), 'utf8');
    writeFileSync(config, text.replace(/^ {2}data: .*$/m, `  data: ${JSON.stringify(data.folder)}`));
    const cores = availableParallelism();
    const full = sweep(config, cores, 100);
    // The speed-up on the same 20 settings: one worker, then two.
    const one = sweep(config, 1, 20);
    const two = sweep(config, 2, 20);
    return [
      {
        bench: `sigil sweep: 100 settings of the reference strategy, ${data.label} × 33 months, ${cores} workers (${full.failed} failed; ${full.settingSeconds.toFixed(2)} s per setting in its worker)`,
        value: Math.round(full.seconds * 10) / 10,
        unit: 's',
        target: '≤ 60',
      },
      {
        bench: `sigil sweep: speed-up from 1 to 2 workers, 20 settings (${one.seconds.toFixed(1)} s → ${two.seconds.toFixed(1)} s)`,
        value: Math.round((one.seconds / two.seconds) * 100) / 100,
        unit: '×',
        target: '≥ 1.8',
      },
      {
        bench: 'sigil sweep: peak RSS of the 100-setting sweep (main thread and workers)',
        value: full.peakMb,
        unit: 'MB',
        target: 'report',
      },
    ];
  } finally {
    dir.remove();
  }
}
