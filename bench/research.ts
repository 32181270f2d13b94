// Research speed, side by side in one run (the figures of docs/engine.md's table): the in-memory
// backtest of the reference strategy and of the four micro-scanner variants, the plain loop that is the
// floor, `sigil run`'s durable replay of npm start's config, and how each scales with the months run.
// Every figure runs in a child process on the compiled code `sigil` runs (bench/research-child.mjs):
// its own peak RSS, a cold JIT as a user's run has, no tsx in the way.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../test/support/temp-dir.ts';
import { benchData, BUNDLED_CRYPTO } from './bench-data.ts';
import type { BenchFigure } from './indicators.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REFERENCE = 'config/reference-strategy.yaml';
const MICRO = 'config/micro-scanner.yaml';
const USER_BREAKOUT = 'examples/strategies/breakout.yaml';
const START = Date.UTC(2021, 3, 5);
/** The data's end: 2023-12-29 is the last day of the Binance files (33 months). */
const END = Date.UTC(2024, 0, 1);

interface Child {
  candleSteps?: number;
  symbols?: number;
  candles?: number;
  trades: number;
  seconds: number;
  loadSeconds?: number;
  stepsPerSecond?: number;
  candlesPerSecond?: number;
  peakMb?: number;
}

function child(args: string[], withTsx = false): Child {
  const result = spawnSync(
    process.execPath,
    [...(withTsx ? ['--import', 'tsx'] : []), 'bench/research-child.mjs', ...args],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (result.status !== 0) throw new Error(`research-child ${args[0]} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as Child;
}

/**
 * The breakout rule as a user strategy loaded from its file (examples/strategies/breakout.ts) against the
 * built-in rule, same symbols, same 33 months: what the strategy API costs. Best of three each.
 */
function userStrategyFigures(dir: string, range: string[]): BenchFigure[] {
  const builtIn = join(dir, 'built-in-breakout.yaml');
  writeFileSync(
    builtIn,
    'market:\n  symbols: [BTCUSDT, ETHUSDT, SOLUSDT, DOGEUSDT]\nvariants:\n  breakout:\n',
  );
  const best = (config: string) =>
    [0, 1, 2]
      .map(() => child(['backtest', config, BUNDLED_CRYPTO, ...range]))
      .reduce((a, b) => ((b.stepsPerSecond ?? 0) > (a.stepsPerSecond ?? 0) ? b : a));
  const user = best(USER_BREAKOUT);
  const rule = best(builtIn);
  return [
    {
      bench: `breakout as a user strategy file, in-memory backtest, 4 pairs × 33 months (${user.trades} trades)`,
      value: rate(user.stepsPerSecond),
      unit: 'candle-steps/s',
      target: 'report',
    },
    {
      bench: `the built-in breakout rule, same data (${rule.trades} trades)`,
      value: rate(rule.stepsPerSecond),
      unit: 'candle-steps/s',
      target: 'report',
    },
    {
      bench: 'user strategy ÷ built-in rule throughput',
      value: Math.round(((user.stepsPerSecond ?? 0) / (rule.stepsPerSecond ?? 1)) * 100) / 100,
      unit: '×',
      target: '≥ 0.8',
    },
  ];
}

const monthsAfter = (months: number) => (months >= 33 ? END : Date.UTC(2021, 3 + months, 5));
const rate = (n: number | undefined) => Math.round(n ?? 0);

export async function researchBench(): Promise<BenchFigure[]> {
  const build = spawnSync(process.execPath, ['scripts/build.js'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  const data = benchData();
  const range = [String(START), String(END)];
  const figures: BenchFigure[] = [];

  const reference = child(['backtest', REFERENCE, data.folder, ...range]);
  const loop = child(['loop', data.folder, ...range], true);
  const engineSeconds = reference.seconds - (reference.loadSeconds ?? 0);
  figures.push(
    {
      bench: `reference strategy, in-memory backtest, ${data.label} × 33 months, 1 variant (${reference.trades} trades; load ${reference.loadSeconds?.toFixed(2)} s of ${reference.seconds.toFixed(2)} s)`,
      value: rate(reference.stepsPerSecond),
      unit: 'candle-steps/s',
      target: '≥ 1,000,000',
    },
    {
      bench: `plain TypeScript loop of the reference strategy over the same columns (${loop.trades} trades)`,
      value: rate(loop.candlesPerSecond),
      unit: 'candles/s',
      target: 'the floor',
    },
    {
      bench: 'engine overhead: backtest time ÷ plain loop time',
      value: Math.round(engineSeconds / loop.seconds),
      unit: '×',
      target: 'aim ≤ 5×',
    },
    {
      bench: `peak RSS of the ${data.label} backtest (its own process)`,
      value: reference.peakMb ?? 0,
      unit: 'MB',
      target: '≤ 300',
    },
  );

  const micro = child(['backtest', MICRO, BUNDLED_CRYPTO, ...range]);
  figures.push({
    bench: `config/micro-scanner.yaml, in-memory backtest, 4 variants × ${micro.symbols} bundled pairs × 33 months (${micro.trades} trades)`,
    value: rate(micro.stepsPerSecond),
    unit: 'candle-steps/s',
    target: '≥ 1,000,000',
  });

  const dir = tempDir('sigil-research-');
  try {
    const durable = child(['replay', MICRO, BUNDLED_CRYPTO, ...range, join(dir.path, 'replay.db')]);
    figures.push({
      bench: `sigil run replay of npm start's config, durable SQLite, 33 months (${durable.trades} trades, ${durable.seconds.toFixed(1)} s)`,
      value: rate(durable.stepsPerSecond),
      unit: 'candle-steps/s',
      target: '≥ 50,000',
    });
    // What a new user waits for: `npm start`'s own command, start to exit (the dashboard on a free port).
    const started = performance.now();
    const run = spawnSync(
      process.execPath,
      ['bin/sigil.js', '--db', `sqlite:${join(dir.path, 'start.db')}`, '--config', MICRO, 'run'],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SIGIL_LOG_LEVEL: 'warn' } },
    );
    if (run.status !== 0) throw new Error(`npm start's command failed: ${run.stderr}`);
    figures.push({
      bench: "npm start's command (sigil --config config/micro-scanner.yaml run), start to exit",
      value: Math.round((performance.now() - started) / 100) / 10,
      unit: 's',
      target: '< 60',
    });
    // Cost per candle must not grow with history: the same config over longer and longer spans.
    for (const months of [3, 6, 12, 33]) {
      const to = String(monthsAfter(months));
      const backtest = child(['backtest', MICRO, BUNDLED_CRYPTO, String(START), to]);
      const replay = child([
        'replay',
        MICRO,
        BUNDLED_CRYPTO,
        String(START),
        to,
        join(dir.path, `m${months}.db`),
      ]);
      figures.push(
        {
          bench: `scaling: micro-scanner in-memory backtest, ${months} months`,
          value: rate(backtest.stepsPerSecond),
          unit: 'candle-steps/s',
          target: 'flat',
        },
        {
          bench: `scaling: micro-scanner durable replay (SQLite), ${months} months`,
          value: rate(replay.stepsPerSecond),
          unit: 'candle-steps/s',
          target: 'flat',
        },
      );
    }
    figures.push(...userStrategyFigures(dir.path, range));
  } finally {
    dir.remove();
  }
  return figures;
}
