// One worker thread of a sweep: it receives the candle columns once (views on the main thread's
// SharedArrayBuffers: the same memory, not a copy), then backtests one setting's configuration per
// message, each on its own in-memory store, and answers with the trades as three columns. It stays up for
// the next setting: module loading and JIT warm-up are paid once per worker, not per setting.
import { parentPort, workerData } from 'node:worker_threads';
import { runBacktest } from '../backtest/run-backtest.ts';
import type { SigilConfig } from '../config/load-config.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { CandleSeries } from '../marketdata/candle-series.ts';
import { tradeColumns, type TradeColumns } from './trade-columns.ts';

export interface WorkerInit {
  series: readonly CandleSeries[];
  from?: EpochMs;
  to?: EpochMs;
}

export interface SettingJob {
  index: number;
  config: SigilConfig;
}

export type SettingOutcome =
  | { index: number; ok: true; trades: TradeColumns; startingBalance: number; seconds: number }
  | { index: number; ok: false; error: string; seconds: number };

const init = workerData as WorkerInit;
const port = parentPort;
if (port === null) throw new Error('sweep-worker.ts runs as a worker thread (see sweep-pool.ts)');

port.on('message', (job: SettingJob) => {
  void run(job).then((outcome) => {
    const transfer = outcome.ok
      ? [outcome.trades.openedAt.buffer, outcome.trades.closedAt.buffer, outcome.trades.pnl.buffer]
      : [];
    port.postMessage(outcome, transfer as ArrayBuffer[]);
  });
});

async function run({ index, config }: SettingJob): Promise<SettingOutcome> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const result = await runBacktest({
      config,
      series: init.series,
      ...(init.from === undefined ? {} : { from: init.from }),
      ...(init.to === undefined ? {} : { to: init.to }),
    });
    const startingBalance = result.variants[0]?.startingBalance ?? 0;
    return { index, ok: true, trades: tradeColumns(result.closed), startingBalance, seconds: seconds() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { index, ok: false, error: message.split('\n')[0] ?? message, seconds: seconds() };
  }
}
