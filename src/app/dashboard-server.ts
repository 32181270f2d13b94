// The dashboard and API server as `sigil run` and `sigil dashboard` start it. It reads through its own
// store connection: the bot holds a transaction open across each bar, and an operator's halt must not
// join (and be rolled back with) the bot's transaction.
import type { SigilConfig, Variant } from '../config/load-config.ts';
import type { ProcessMetrics } from '../api/process-metrics.ts';
import { startApiServer, type ApiServer } from '../api/server.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { ReportEvent } from '../domain/trading-event.ts';
import { openStore } from '../store/open-store.ts';
import { apiVariantsFor } from './api-variants.ts';
import type { CandleSource } from '../api/candle-source.ts';
import { candleFilesSource } from './candle-files-source.ts';
import { followStoreClock, type StoreClock } from './store-clock.ts';
import type { ForceExitPort } from '../domain/manual-exit.ts';
import { configuredInstruments } from './instrument-for.ts';
import { standaloneForceExit } from './manual-exit-deps.ts';

/** The environment variable holding the bearer token for halt, reset and cancel. */
export const API_TOKEN_ENV = 'SIGIL_API_TOKEN';

export interface DashboardOptions {
  config: SigilConfig;
  variants: readonly Variant[];
  storeUrl: string;
  /** The bot's clock: a replay's dashboard shows the replay's time, and heartbeat ages against it. */
  clock: Pick<Clock, 'now'>;
  /**
   * `sigil dashboard`, apart from any run: the store's own clock (a replay's simulated one, read again
   * every few seconds while a replay may still be running) instead of `clock`, and no store created.
   */
  standalone?: boolean;
  host: string;
  port: number;
  allowRemote: boolean;
  env: NodeJS.ProcessEnv;
  processMetrics?: ProcessMetrics;
  /** Where the candle chart reads; default the configured candle files. */
  candles?: CandleSource;
  onError?: (error: unknown) => void;
  /** Halts and resets made through the API, once stored: the bot alerts and logs them like its own. */
  onEvent?: ReportEvent;
  /**
   * The bot's exits by hand, in its lane (`sigil run`). Absent: a standalone dashboard closes positions
   * itself, unless a live `sigil run` owns the variant (app/manual-exit-deps.ts).
   */
  forceExit?: ForceExitPort;
}

export async function startDashboard(options: DashboardOptions): Promise<ApiServer> {
  const token = options.env[API_TOKEN_ENV]?.trim() || null;
  const opened = await openStore(options.storeUrl, {
    now: new Date(options.clock.now()).toISOString(),
    ...(options.standalone ? { mustExist: true } : {}),
  });
  let following: StoreClock | null = null;
  try {
    if (options.standalone) following = await followStoreClock(opened.store, options.clock);
    const server = await startApiServer({
      store: opened.store,
      variants: apiVariantsFor(options.config, options.variants),
      clock: following ?? options.clock,
      candles: options.candles ?? candleFilesSource(options.config),
      processMetrics: options.processMetrics ?? null,
      host: options.host,
      port: options.port,
      allowRemote: options.allowRemote,
      token,
      ...(options.onError ? { onError: options.onError } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      terms: configuredInstruments(options.config.market),
      forceExit: options.forceExit ?? standaloneForceExit(options.config, options.variants, opened.store),
    });
    return {
      url: server.url,
      close: async () => {
        following?.stop();
        await server.close();
        await opened.store.close();
      },
    };
  } catch (error) {
    following?.stop();
    await opened.store.close();
    throw error;
  }
}
