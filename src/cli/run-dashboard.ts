// The dashboard of a running `sigil run`: served from the start, on the bot's own clock (a replay's
// simulated time), with the candles it trades (a replay's files, a live bot's bars), counting the bot's
// decisions and worker errors for /metrics, and forwarding halts and resets made in the page to the
// bot's alerts and log.
import type { AppContext } from '../app/app-context.ts';
import type { Variant } from '../config/load-config.ts';
import { ProcessMetrics } from '../api/process-metrics.ts';
import type { ApiServer } from '../api/server.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { ReportEvent } from '../domain/trading-event.ts';
import type { ForceExitPort } from '../domain/manual-exit.ts';
import { describeError } from '../domain/errors.ts';
import type { Logger } from '../logging/logger.ts';
import { liveCandlesSource } from '../app/live-candles-source.ts';
import type { MarketState } from '../engine/market-state.ts';
import { listenSettings, serveDashboard } from './dashboard-listen.ts';

export interface RunDashboard {
  url: string;
  processMetrics: ProcessMetrics;
  /** A replay's bars move the dashboard's clock; live trading keeps the system clock. */
  followBar(at: number): void;
  /** A live bot's bars, once it runs: the chart shows them instead of the configured files. */
  showLive(market: Pick<MarketState, 'closedCandles'>): void;
  /** The bot's exits by hand, once it is assembled: the API's exit route runs them in its lane. */
  attachExits(port: ForceExitPort): void;
  close(): Promise<void>;
}

export interface RunDashboardOptions {
  context: AppContext;
  variants: readonly Variant[];
  flags: { dashboard: boolean; port?: string; dashboardPort?: string; live?: boolean };
  log: Logger;
  onEvent: ReportEvent;
}

/** Null when switched off (`--no-dashboard` or `api.enabled: false`). */
export async function startRunDashboard(options: RunDashboardOptions): Promise<RunDashboard | null> {
  const { context, log } = options;
  if (!options.flags.dashboard || !context.config.api.enabled) return null;
  let barAt: number | null = null;
  const clock: Pick<Clock, 'now'> = { now: () => barAt ?? context.clock.now() };
  const processMetrics = new ProcessMetrics();
  // The dashboard serves before the bot is assembled; an exit asked for meanwhile is refused, not lost.
  let exits: ForceExitPort | null = null;
  const forceExit: ForceExitPort = (request, onEvent) =>
    exits
      ? exits(request, onEvent)
      : Promise.resolve({
          closed: [],
          closedMeanwhile: [],
          failed: [],
          refusal: 'unavailable',
          refused: 'the bot is still starting: try again in a moment',
        });
  const liveCandles = options.flags.live ? liveCandlesSource(context.config.market.symbols) : null;
  const server: ApiServer = await serveDashboard(
    {
      config: context.config,
      variants: options.variants,
      storeUrl: context.storeUrl,
      clock,
      ...listenSettings(context.config, { port: options.flags.port ?? options.flags.dashboardPort }),
      env: process.env,
      processMetrics,
      ...(liveCandles ? { candles: liveCandles } : {}),
      onEvent: options.onEvent,
      forceExit,
      onError: (error) => log.error({ err: error }, `dashboard request failed: ${describeError(error)}`),
    },
    context.config.file,
  );
  return {
    url: server.url,
    processMetrics,
    followBar: (at) => {
      barAt = at;
    },
    showLive: (market) => liveCandles?.attach(market),
    attachExits: (port) => {
      exits = port;
    },
    close: () => server.close(),
  };
}
