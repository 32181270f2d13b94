// The backtester: the bot's own composition — engine, scheduler jobs, paper broker — over a replay of
// candle files, on a simulated clock, with a throwaway store. It drives the scheduler itself (the
// simulated clock moves straight to the next due job), so it runs as fast as the machine allows and a
// rerun over the same data and config produces the same trades, byte for byte. (It borrows the app's
// wiring, `assembleBot`, on purpose: a backtest wired apart from the bot would drift from it.)
import { join } from 'node:path';
import type { SigilConfig } from '../config/load-config.ts';
import type { CandleGap } from '../domain/candle.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { Position } from '../domain/position.ts';
import { SimClock } from '../clock/sim-clock.ts';
import { openStore } from '../store/open-store.ts';
import { assembleBot, replayData } from '../app/bot-assembly.ts';
import { selectVariants } from '../app/engine-for.ts';
import type { MeteredModelOptions } from '../analyst/llm/metered-model.ts';
import type { BarSummary } from '../engine/trading-engine.ts';
import { decisionCounts, type DecisionCounts } from './decision-counts.ts';
import { tempDir } from './temp-store-dir.ts';

export interface BacktestOptions {
  config: SigilConfig;
  from?: EpochMs;
  to?: EpochMs;
  variants?: readonly string[];
  /**
   * Where LLM analysts keep their response cache and spend ledger: the user's store, so a rerun is
   * answered from the cache (free, and the same decisions). Default: the throwaway store.
   */
  llmStore?: MeteredModelOptions['store'];
  /** Called after each bar with the bars done, the total, and what the bar did. */
  onProgress?: (done: number, total: number, bar: BarSummary) => void;
}

export interface BacktestRun {
  from: EpochMs;
  to: EpochMs;
  bars: number;
  symbols: string[];
  variants: { id: string; startingBalance: number }[];
  /** Every closed position, in close order. */
  closed: Position[];
  /** Positions still open when the data ended (not counted in the report). */
  stillOpen: Position[];
  gaps: readonly CandleGap[];
  candleSteps: number;
  seconds: number;
  decisions: DecisionCounts[];
}

export async function runBacktest(options: BacktestOptions): Promise<BacktestRun> {
  const started = performance.now();
  const { config } = options;
  const variants = selectVariants(config, options.variants);
  const data = replayData(config, options.from, options.to);
  const dir = tempDir();
  const { store } = await openStore(`sqlite:${join(dir.path, 'backtest.db')}`, {
    now: new Date(data.first).toISOString(),
  });
  try {
    const clock = new SimClock(data.first);
    let done = 0;
    let failure: { error: unknown } | null = null;
    const { bot, runtimes } = assembleBot({
      store,
      config,
      variants,
      clock,
      feed: data.feed,
      owner: 'backtest',
      ...(options.llmStore ? { llmStore: options.llmStore } : {}),
      mode: 'replay',
      onBar: (summary) => options.onProgress?.(++done, data.times.length, summary),
      onEvent: (event) => {
        if (event.type === 'job_failed') failure ??= { error: event.error };
      },
    });
    await bot.scheduler.start();
    for (
      let due = await bot.scheduler.nextDueAt();
      due !== null && due <= data.end;
      due = await bot.scheduler.nextDueAt()
    ) {
      clock.advanceTo(due);
      await bot.scheduler.runDue();
      // A backtest has no one to retry for: the first failing job ends it, with its error.
      if (failure) throw (failure as { error: unknown }).error;
    }
    return {
      from: data.first,
      to: data.end,
      bars: data.times.length,
      symbols: [...data.feed.symbols],
      variants: runtimes.map((r) => ({ id: r.id, startingBalance: r.rules.close.startingBalanceUsd })),
      closed: await store.closedPositions(),
      stillOpen: await store.openPositions(),
      gaps: data.feed.gaps(),
      candleSteps: data.candles * runtimes.length,
      seconds: (performance.now() - started) / 1000,
      decisions: await decisionCounts(store),
    };
  } finally {
    await store.close();
    dir.remove();
  }
}
