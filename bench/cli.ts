// How fast `sigil` answers: the wall time of `node bin/sigil.js --help` (commander and the modules that
// declare the commands, from dist/) and of `sigil config check` (the config schema: zod and yaml), each
// spawned 20 times, as a person or a cron job starts them. Built first, and checked current after: a
// source edited meanwhile sends bin/sigil.js to the tsx fallback, whose figures are refused, not reported.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildIsCurrent } from '../scripts/build-digest.js';
import type { BenchFigure } from './indicators.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 20;

function wallMs(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, ['bin/sigil.js', ...args], { cwd: ROOT, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (result.status !== 0)
    throw new Error(`sigil ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
}

function figures(name: string, args: string[], target: string): BenchFigure[] {
  wallMs(args); // warm the file cache
  const times = Array.from({ length: RUNS }, () => wallMs(args)).sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms);
  return [
    { bench: `${name} median`, value: round(percentile(times, 0.5)), unit: 'ms', target },
    { bench: `${name} p90`, value: round(percentile(times, 0.9)), unit: 'ms', target },
  ];
}

export async function cliBench(): Promise<BenchFigure[]> {
  const build = spawnSync(process.execPath, ['scripts/build.js'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  const measured = [
    ...figures('sigil --help', ['--help'], '≤ 300'),
    ...figures('sigil config check', ['config', 'check', 'config/micro-scanner.yaml'], 'report'),
  ];
  if (!buildIsCurrent()) throw new Error('a source changed during the CLI bench: sigil ran through tsx');
  return measured;
}
