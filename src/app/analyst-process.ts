// Analyst workers in a process of their own (`sigil run --roles analyst --workers N`): N loops claim
// pending intents one at a time under a lease (SKIP LOCKED on PostgreSQL, so processes on several hosts share the
// queue) and decide them. Their `now` is the scanners' clock as the store shows it — the last scan's
// time in the heartbeats — so a replay's simulated time and live time both work.
import type { SigilConfig, Variant } from '../config/load-config.ts';
import { workerId, type EpochMs, type WorkerId } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import type { MarketContext } from '../domain/ports/market-context.ts';
import type { TradingEvent } from '../domain/trading-event.ts';
import { decidePending } from '../engine/analyst-pool.ts';
import { FileMarketContext } from '../marketdata/file-market-context.ts';
import { variantRuntimes } from './engine-for.ts';

export interface AnalystProcessOptions {
  store: Store;
  config: SigilConfig;
  variants: readonly Variant[];
  workers: number;
  processName: string;
  /** Exit after this long without work (ms); null = until stopped. */
  idleExitMs: number | null;
  signal: AbortSignal;
  sleep: (ms: number) => Promise<void>;
  pollMs?: number;
  /** Pause of a worker after its analyst chose to decide later (fallback: retry). */
  retryPauseMs?: number;
  /** What analysts read of the market; default the configured candle files (a replay's). */
  market?: MarketContext;
  /** Told of each intent a worker failed, and which worker it was. */
  onEvent?: (event: TradingEvent, worker: WorkerId) => void;
}

export async function runAnalystWorkers(options: AnalystProcessOptions): Promise<{ decided: number }> {
  const { store, signal } = options;
  const { config } = options;
  const market =
    options.market ??
    new FileMarketContext(
      config.market.data,
      config.market.timeframe,
      config.market.symbols.length > 0 ? config.market.symbols : undefined,
    );
  const runtimes = new Map(
    variantRuntimes(config, options.variants, { store, market }).map((v) => [v.id as string, v]),
  );
  const mine = new Set(runtimes.keys());
  let decided = 0;
  let lastWork = performance.now();

  const scannersNow = async (): Promise<EpochMs | null> => {
    const beats = (await store.heartbeats()).filter((b) => mine.has(b.variantId) && b.lastScanEnd !== null);
    return beats.length === 0 ? null : Math.max(...beats.map((b) => b.lastScanEnd as number));
  };

  const loop = async (index: number): Promise<void> => {
    const worker = workerId(`${options.processName}:analyst-${index}`);
    while (!signal.aborted) {
      const now = await scannersNow();
      const done =
        // One intent at a time per worker: N workers then decide N intents at once.
        now === null
          ? null
          : await decidePending(
              { store, variants: runtimes, worker, onEvent: (event) => options.onEvent?.(event, worker) },
              now,
              { signal, claimLimit: 1 },
            );
      const count = done ? done.traded + done.held + done.failed : 0;
      if (count > 0) {
        decided += count;
        lastWork = performance.now();
        continue;
      }
      if (options.idleExitMs !== null && performance.now() - lastWork > options.idleExitMs) return;
      // An intent handed back to "decide later" is not asked about again at once.
      await options.sleep(
        done && done.released > 0 ? (options.retryPauseMs ?? 30_000) : (options.pollMs ?? 20),
      );
    }
  };
  await Promise.all(Array.from({ length: options.workers }, (_, i) => loop(i + 1)));
  return { decided };
}

/** For a process without analysts: waits until other processes have decided the variants' open intents. */
export function awaitDecisionsIn(
  store: Store,
  timeoutMs: number,
  sleep: (ms: number) => Promise<void>,
): (variants: readonly string[]) => Promise<void> {
  return async (variants) => {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const open = (await store.countByStatus())
        .filter((c) => variants.includes(c.variantId) && (c.status === 'pending' || c.status === 'claimed'))
        .reduce((sum, c) => sum + c.count, 0);
      if (open === 0) return;
      if (performance.now() > deadline) {
        throw new Error(
          `${open} intent(s) still undecided after ${timeoutMs / 1000} s: is an analyst process running (sigil run --roles analyst)?`,
        );
      }
      await sleep(20);
    }
  };
}
