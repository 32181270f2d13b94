// `sigil run --live`, `--once` and `--monitor-only`: the bot on real market data, its output and alerts.
import { alertEvents, crashEvents } from '../../app/alerts-for.ts';
import { runLiveOnce, startLive, type LiveRunOptions } from '../../app/live-bot.ts';
import { equityEvents, type EquityReport } from '../../engine/equity-monitor.ts';
import { describeError } from '../../domain/errors.ts';
import type { Store } from '../../domain/ports/store.ts';
import type { TradingEvent } from '../../domain/trading-event.ts';
import { forJob, forVariant } from '../../logging/log-context.ts';
import type { Logger } from '../../logging/logger.ts';
import { logTradingEvents } from '../../logging/trading-event-log.ts';
import type { RunDashboard } from '../run-dashboard.ts';
import { startDashboard, variantSummary, type RunSession } from './run-session.ts';
import { loggedFallbackWarnings } from '../fallback-warnings.ts';
import { startTelegramControl, telegramExit } from '../../app/telegram-control.ts';
import type { ForceExitPort } from '../../domain/manual-exit.ts';
import type { TelegramBot } from '../../control/telegram/telegram-bot.ts';

export async function runLive(store: Store, session: RunSession): Promise<void> {
  const { context, flags, variants, log, alerts, stop, leases } = session;
  const mode = flags.once ? 'once' : flags.monitorOnly ? 'monitor-only' : 'live';
  let dashboard: RunDashboard | null = null;
  let telegram: TelegramBot | null = null;
  try {
    if (mode !== 'once') dashboard = await startDashboard(session);
    const processMetrics = dashboard?.processMetrics;
    const fallbacks = loggedFallbackWarnings(log);
    const options: LiveRunOptions = {
      store,
      config: context.config,
      variants,
      clock: context.clock,
      roles: session.roles,
      leases,
      jobScope: session.jobScope,
      monitorOnly: mode === 'monitor-only',
      onBar: (summary) => {
        alertEvents(alerts, summary.events);
        logTradingEvents(log, summary.events);
        processMetrics?.recordDecisions(summary.decided);
        console.log(
          `${new Date(summary.at).toISOString()}  signals ${summary.signals}  opened ${summary.opened}  closed ${summary.closed.length}`,
        );
      },
      onEvent: (event) => {
        alertEvents(alerts, crashEvents(event));
        if (event.type === 'job_failed') {
          processMetrics?.recordWorkerError();
          forJob(log, event.job).error({ err: event.error }, `job failed: ${describeError(event.error)}`);
        }
      },
      onAnalystEvent: (event) => {
        alertEvents(alerts, [event]);
        logTradingEvents(log, [event]);
      },
      onAnalystFallback: fallbacks.onFallback,
      onJanitor: (waiting) => {
        alertEvents(alerts, waiting);
        logTradingEvents(log, waiting);
      },
      onEquity: (reports) => {
        // Live only: in a replay the equity look is part of the bar, and its kill switches and
        // breaches come with the bar's events.
        alertEvents(alerts, equityEvents(reports, context.clock.now()));
        logEquityNotices(log, reports);
      },
    };
    if (mode === 'once') {
      await runLiveOnce(options);
      console.log(await variantSummary(store, variants));
      for (const line of fallbacks.summaryLines()) console.log(line);
      return;
    }
    // Before the live start: a missing token stops the run before anything trades. The execution owner
    // only — one process polls a bot (Telegram refuses a second poller) and it is the one that acts.
    let exits: ForceExitPort | null = null;
    if (session.roles.has('execution')) {
      const onEvents = (events: TradingEvent[]) => {
        alertEvents(alerts, events);
        logTradingEvents(log, events);
      };
      telegram = startTelegramControl(context.config, {
        store,
        variants,
        clock: context.clock,
        log,
        exit: telegramExit(() => exits, onEvents),
        onEvents,
      });
    }
    const bot = await startLive(options);
    exits = bot.forceExit;
    dashboard?.showLive(bot.market);
    dashboard?.attachExits(bot.forceExit);
    const source =
      context.config.market.feed === 'match_trader'
        ? 'the Match-Trader account'
        : context.config.market.exchange;
    console.log(
      mode === 'monitor-only'
        ? `Monitoring the open positions of ${variants.map((v) => v.id).join(', ')} on ${source} (nothing new is opened); Ctrl-C stops.`
        : `Trading ${context.config.market.symbols.join(', ')} (${context.config.market.timeframe}) from ${source}; Ctrl-C stops.`,
    );
    console.log(`Warm-up: ${bot.warmUpBars} closed bar(s) fetched from ${source}.`);
    stop.signal.addEventListener('abort', () => void bot.stop(), { once: true });
    await bot.done;
    console.log(await variantSummary(store, variants));
    for (const line of fallbacks.summaryLines()) console.log(line);
  } finally {
    await telegram?.stop();
    await dashboard?.close();
  }
}

/**
 * What an operator must see of an equity look: a kill switch, a pause, a halt, a failed close, an
 * unreadable account.
 */
function logEquityNotices(log: Logger, reports: readonly EquityReport[]): void {
  for (const r of reports) {
    const variantLog = forVariant(log, r.variantId);
    if (r.killSwitch)
      variantLog.error({ actor: r.killSwitch.actor }, `kill switch tripped: ${r.killSwitch.why}`);
    if (r.action !== 'none') {
      variantLog[r.action === 'halted' ? 'error' : 'warn'](
        { action: r.action, rule: r.breach?.rule },
        `${r.action} — ${r.breach?.reason ?? ''}`,
      );
    }
    for (const failure of r.closeFailures)
      variantLog.error(`compliance close failed, retried next look: ${failure}`);
    if (r.error) variantLog.warn(`account not read, checked again next look: ${r.error}`);
  }
}
