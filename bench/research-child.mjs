// One research-speed measurement in a fresh process, on the compiled code `sigil` runs (dist/): its own
// peak RSS, no JIT state or garbage left by another figure, and no tsx transpilation in the profile.
// Prints one JSON line. Modes:
//   backtest CONFIG DATA FROM TO   the in-memory backtest
//   loop DATA FROM TO              the plain reference-strategy loop over the same candle columns
//                                  (run with --import tsx: the loop is TypeScript, bench/reference-loop.ts)
//   replay CONFIG DATA FROM TO DB  `sigil run`'s replay on a durable SQLite store, as npm start runs it
//   sweep CONFIG FROM TO WORKERS SETTINGS GRID
//                                  `sigil sweep`'s run of the first SETTINGS settings of GRID on WORKERS threads
import { rmSync } from 'node:fs';
import { loadConfigFile } from '../dist/config/load-config.js';
import { runBacktest } from '../dist/backtest/run-backtest.js';
import { replayData } from '../dist/app/bot-assembly.js';
import { runReplay } from '../dist/app/replay-bot.js';
import { openStore } from '../dist/store/open-store.js';

const [mode, ...args] = process.argv.slice(2);
const peakMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** The config on another candle folder; its own symbols (the micro-scanner's ten, or all the folder's). */
function configWith(file, data) {
  const config = loadConfigFile(file);
  config.market.data = data;
  return config;
}

if (mode === 'backtest') {
  const [file, data, from, to] = args;
  const run = await runBacktest({ config: configWith(file, data), from: Number(from), to: Number(to) });
  const engine = run.seconds - run.loadSeconds;
  console.log(
    JSON.stringify({
      candleSteps: run.candleSteps,
      symbols: run.symbols.length,
      variants: run.variants.length,
      trades: run.closed.length,
      seconds: run.seconds,
      loadSeconds: run.loadSeconds,
      stepsPerSecond: run.candleSteps / engine,
      peakMb: peakMb(),
    }),
  );
} else if (mode === 'loop') {
  const [data, from, to] = args;
  const { referenceLoop } = await import('./reference-loop.ts');
  const { series, candles } = replayData(configWith('config/reference-strategy.yaml', data), +from, +to);
  let best = Infinity;
  let result;
  // The loop is short: the best of five, so one GC or a neighbour's burst does not set the floor.
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    result = referenceLoop(series);
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  console.log(
    JSON.stringify({ candles, trades: result.trades, seconds: best, candlesPerSecond: candles / best }),
  );
} else if (mode === 'replay') {
  const [file, data, from, to, db] = args;
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  const config = configWith(file, data);
  const { candles } = replayData(config, Number(from), Number(to));
  const { store } = await openStore(`sqlite:${db}`, {
    now: new Date(Number(from)).toISOString(),
    durability: 'process_crash',
  });
  const started = performance.now();
  const result = await runReplay({
    store,
    config,
    variants: config.variants,
    speed: 0,
    until: Number(to),
    signal: new AbortController().signal,
    sleep: async () => undefined,
  });
  const seconds = (performance.now() - started) / 1000;
  const trades = (await store.closedPositions()).length;
  await store.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  const candleSteps = candles * config.variants.length;
  console.log(
    JSON.stringify({
      candleSteps,
      bars: result.barsRun,
      trades,
      seconds,
      stepsPerSecond: candleSteps / seconds,
      peakMb: peakMb(),
    }),
  );
} else if (mode === 'sweep') {
  const [file, from, to, workers, count, grid] = args;
  const { sweepBase } = await import('../dist/research/setting-config.js');
  const { gridSettings, parseGridSpec } = await import('../dist/research/grid-spec.js');
  const { runSweep } = await import('../dist/research/run-sweep.js');
  const settings = gridSettings(parseGridSpec(grid)).slice(0, Number(count));
  const report = await runSweep({
    base: sweepBase(file),
    settings,
    from: Number(from),
    to: Number(to),
    objective: 'expectancy',
    minTrades: 30,
    walkForward: null,
    workers: Number(workers),
    seed: 1,
    blocks: 16,
  });
  const ran = report.settings.filter((s) => s.status === 'ok');
  console.log(
    JSON.stringify({
      settings: report.finished,
      failed: report.finished - ran.length,
      trades: ran.reduce((n, s) => n + (s.metrics?.trades ?? 0), 0),
      seconds: report.seconds,
      settingSeconds: ran.reduce((n, s) => n + s.seconds, 0) / ran.length,
      peakMb: peakMb(),
    }),
  );
} else {
  console.error(`unknown mode ${mode}`);
  process.exitCode = 2;
}
