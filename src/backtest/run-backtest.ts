// The backtester: the bot's own composition — engine, scheduler jobs, paper broker — over a replay of
// candle files, on a simulated clock, with a throwaway store. It drives the scheduler itself (the
// simulated clock moves straight to the next due job), so it runs as fast as the machine allows and a
// rerun over the same data and config produces the same trades, byte for byte.
import { join } from 'node:path';
import type { SigilConfig } from '../config/load-config.ts';
import { timeframeMs, type Candle, type CandleGap } from '../domain/candle.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { Position } from '../domain/position.ts';
import { SimClock } from '../clock/sim-clock.ts';
import { loadCandles } from '../marketdata/candle-directory.ts';
import { ReplayFeed } from '../marketdata/replay-feed.ts';
import { openStore } from '../store/open-store.ts';
import { paperBrokerFor, selectVariants, variantRuntimes } from '../app/engine-for.ts';
import { atLeastOneBar, Bot } from '../engine/bot.ts';
import { MarketState } from '../engine/market-state.ts';
import { TradingEngine } from '../engine/trading-engine.ts';
import { tempDir } from './temp-store-dir.ts';

export interface BacktestOptions {
  config: SigilConfig;
  from?: EpochMs;
  to?: EpochMs;
  variants?: readonly string[];
  /** Called after each bar with the bars done and the total. */
  onProgress?: (done: number, total: number) => void;
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
}

export async function runBacktest(options: BacktestOptions): Promise<BacktestRun> {
  const started = performance.now();
  const { config } = options;
  const variants = selectVariants(config, options.variants);
  const symbols = config.market.symbols.length > 0 ? config.market.symbols : undefined;
  const series = loadCandles(config.market.data, symbols).map((candles) =>
    within(candles, options.from, options.to),
  );
  const feed = new ReplayFeed(
    series.filter((s) => s.length > 0),
    config.market.timeframe,
    config.market.calendar,
  );
  const barMs = timeframeMs(config.market.timeframe);
  const times = [...new Set(series.flat().map((c) => c.time))].sort((a, b) => a - b);
  const first = times[0];
  const last = times.at(-1);
  if (first === undefined || last === undefined)
    throw new Error(`no candles in ${config.market.data} for that range`);

  const dir = tempDir();
  const { store } = await openStore(`sqlite:${join(dir.path, 'backtest.db')}`, {
    now: new Date(first).toISOString(),
  });
  try {
    const clock = new SimClock(first);
    const market = new MarketState(barMs);
    const runtimes = variantRuntimes(config, variants);
    const engine = new TradingEngine({
      store,
      brokerFor: (tx) => paperBrokerFor(tx, market, variants, 'bar_open'),
      barTransaction: true,
      market,
      variants: runtimes,
      marketSettings: config.market,
      symbols: feed.symbols,
      timeframe: config.market.timeframe,
      processName: 'backtest',
    });
    let done = 0;
    const bot = new Bot({
      store,
      clock,
      feed,
      engine,
      market,
      variants: runtimes,
      marketSettings: config.market,
      owner: 'backtest',
      cadences: {
        janitor: atLeastOneBar(config.engine.janitor_every, barMs),
        equity: atLeastOneBar(config.engine.equity_every, barMs),
      },
      missed: 'skip',
      onBar: () => options.onProgress?.(++done, times.length),
      onEvent: (event) => {
        if (event.type === 'job_failed') throw event.error;
      },
    });
    await bot.scheduler.start();
    const end = last + barMs;
    for (
      let due = await bot.scheduler.nextDueAt();
      due !== null && due <= end;
      due = await bot.scheduler.nextDueAt()
    ) {
      clock.advanceTo(due);
      await bot.scheduler.runDue();
    }
    return {
      from: first,
      to: end,
      bars: times.length,
      symbols: [...feed.symbols],
      variants: runtimes.map((r) => ({ id: r.id, startingBalance: r.rules.close.startingBalanceUsd })),
      closed: await store.closedPositions(),
      stillOpen: await store.openPositions(),
      gaps: feed.gaps(),
      candleSteps: series.reduce((n, s) => n + s.length, 0) * runtimes.length,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await store.close();
    dir.remove();
  }
}

function within(candles: Candle[], from?: EpochMs, to?: EpochMs): Candle[] {
  return candles.filter((c) => (from === undefined || c.time >= from) && (to === undefined || c.time < to));
}
