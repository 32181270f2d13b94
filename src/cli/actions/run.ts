// What `sigil run` does; commands/run.ts declares the options; loaded only to run.
import { setTimeout as delay } from 'node:timers/promises';
import type { Command } from 'commander';
import { appContext, withStore, type GlobalOptions } from '../../app/app-context.ts';
import { selectVariants } from '../../app/engine-for.ts';
import { runAnalystWorkers } from '../../app/analyst-process.ts';
import { decisionCounts } from '../../backtest/decision-counts.ts';
import { runReplay } from '../../app/replay-bot.ts';
import { startLive } from '../../app/live-bot.ts';
import { alertEvents, crashEvents } from '../../app/alerts-for.ts';
import { commandAlerts } from '../command-alerts.ts';
import { equityEvents, type EquityReport } from '../../engine/equity-monitor.ts';
import { ENGINE_ROLES, type EngineRole } from '../../domain/engine-role.ts';
import { buildReport } from '../../backtest/backtest-report.ts';
import { describeError } from '../../domain/errors.ts';
import { variantId } from '../../domain/ids.ts';
import type { Store } from '../../domain/ports/store.ts';
import { UsageError } from '../cli-error.ts';
import { reportText } from '../report-text.ts';
import { commandLogger } from '../command-logger.ts';
import { progressBar } from '../progress-bar.ts';
import { barProgress } from '../bar-progress.ts';
import { forJob, forVariant, forWorker } from '../../logging/log-context.ts';
import type { Logger } from '../../logging/logger.ts';
import { logTradingEvents } from '../../logging/trading-event-log.ts';
import { startRunDashboard, type RunDashboard } from '../run-dashboard.ts';
import type { RunFlags } from '../commands/run.ts';

/** How long the run waits at exit for alerts still queued or being retried. */
const ALERT_FLUSH_MS = 5_000;

export async function run(flags: RunFlags, command: Command): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const speed = Number(flags.speed);
  if (!(speed >= 0))
    throw new UsageError(`--speed must be a number of bars per second ≥ 0, got ${flags.speed}`);
  const until = flags.until === undefined ? undefined : Date.parse(flags.until);
  if (until !== undefined && Number.isNaN(until))
    throw new UsageError(`--until "${flags.until}" is not an ISO time`);
  const variants = selectVariants(context.config, flags.variants?.split(','));
  const roles = parseRoles(flags.roles);
  // Two hosts each given a part of the roles would otherwise each run a whole live bot: two of every order.
  if (flags.live && roles.size < ENGINE_ROLES.length) {
    throw new UsageError(
      `--roles ${flags.roles}: the roles split replays only; sigil run --live runs every role in one process (engine.analyst_workers sets its analysts)`,
    );
  }
  const workers = Number(flags.workers);
  if (!Number.isInteger(workers) || workers < 1)
    throw new UsageError(`--workers must be a whole number ≥ 1, got ${flags.workers}`);
  const idleExit = flags.idleExit === undefined ? null : Number(flags.idleExit);
  if (idleExit !== null && !(idleExit > 0))
    throw new UsageError(`--idle-exit must be a number of seconds > 0, got ${flags.idleExit}`);

  // Log lines are written above the replay's progress bar, never through it.
  const bar = progressBar({ enabled: !flags.quiet });
  const log = commandLogger(command, { write: (text) => bar.writeAbove(text) });

  // Alerts are queued as bars commit and delivered in the background; the run never waits on a sink.
  const alerts = commandAlerts(context, log);

  const stop = new AbortController();
  const onSignal = () => {
    if (!stop.signal.aborted) log.info('stopping after the bar in progress…');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let dashboard: RunDashboard | null = null;
  // A replay's commits need only survive the process (a killed run resumes at its last bar; a bar a
  // power cut takes back is replayed the same), live ones a power cut too: they precede broker calls.
  const durability = flags.live ? 'power_loss' : 'process_crash';
  try {
    await withStore(
      context,
      async (store) => {
        // The process that scans serves the dashboard; analyst-only processes have nothing to show.
        if (roles.has('scanner')) {
          dashboard = await startRunDashboard({
            context,
            variants,
            flags,
            log,
            onEvent: (event) => {
              alertEvents(alerts, [event]);
              logTradingEvents(log, [event]);
            },
          });
          if (dashboard) {
            console.log(
              `Dashboard: ${dashboard.url}/  (API under ${dashboard.url}/api, metrics at ${dashboard.url}/metrics)`,
            );
          }
        }
        const processMetrics = dashboard?.processMetrics;
        if (flags.live) {
          const bot = await startLive({
            store,
            config: context.config,
            variants,
            clock: context.clock,
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
                forJob(log, event.job).error(
                  { err: event.error },
                  `job failed: ${describeError(event.error)}`,
                );
              }
            },
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
          });
          dashboard?.showLive(bot.market);
          console.log(
            `Trading ${context.config.market.symbols.join(', ')} (${context.config.market.timeframe}) from ${context.config.market.feed === 'match_trader' ? 'the Match-Trader account' : context.config.market.exchange}; Ctrl-C stops.`,
          );
          stop.signal.addEventListener('abort', () => void bot.stop(), { once: true });
          await bot.done;
          console.log(
            await variantSummary(
              store,
              variants.map((v) => ({ id: v.id, start: v.settings.account.starting_balance_usd })),
            ),
          );
          return;
        }
        if (!roles.has('scanner')) {
          if (roles.has('execution')) {
            throw new UsageError(
              'execution needs the scanner role in the same process in a replay (analysts may run elsewhere)',
            );
          }
          log.info(
            { workers, variants: variants.map((v) => v.id) },
            `analyst process started with ${workers} worker(s)`,
          );
          const { decided } = await runAnalystWorkers({
            store,
            config: context.config,
            variants,
            workers,
            processName: `analysts-${process.pid}`,
            idleExitMs: idleExit === null ? null : idleExit * 1000,
            signal: stop.signal,
            sleep: (ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined),
            clock: context.clock,
            onEvent: (event, worker) => {
              alertEvents(alerts, [event]);
              logTradingEvents(forWorker(log, worker), [event]);
            },
            onRetry: (error, attempt, worker) =>
              forWorker(log, worker).warn(
                { attempt, err: error },
                `store unavailable (${describeError(error)}); retry ${attempt} after a pause`,
              ),
          });
          log.info({ decided }, `analyst process stopped: ${decided} intent(s) decided`);
          console.log(`analyst process ${process.pid}: ${decided} intent(s) decided by ${workers} worker(s)`);
          return;
        }
        if (!roles.has('execution'))
          throw new UsageError('the scanner role needs the execution role in the same process in a replay');
        const showProgress = barProgress(bar, 'replay');
        const result = await runReplay({
          store,
          config: context.config,
          variants,
          speed,
          ...(until !== undefined ? { until } : {}),
          signal: stop.signal,
          sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
          roles,
          onBar: (summary, progress) => {
            alertEvents(alerts, summary.events);
            logTradingEvents(log, summary.events);
            processMetrics?.recordDecisions(summary.decided);
            dashboard?.followBar(summary.at);
            showProgress(summary, progress.done, progress.total);
          },
          onRetry: (error, attempt) => {
            log.warn(
              { attempt, err: error },
              `store unavailable (${describeError(error)}); retry ${attempt} after a pause`,
            );
          },
          onEvent: (event) => {
            alertEvents(alerts, crashEvents(event));
            if (event.type === 'job_failed') {
              processMetrics?.recordWorkerError();
              forJob(log, event.job).error(
                { err: event.error, at: new Date(event.at).toISOString() },
                `job failed at ${new Date(event.at).toISOString()}: ${describeError(event.error)}`,
              );
            }
          },
        });
        bar.stop();
        if (result.resumedAt !== null && result.barsRun === 0 && result.finished) {
          console.log(
            `The replay had already reached its end (${new Date(result.to).toISOString()}); the report:`,
          );
        } else if (result.resumedAt !== null) {
          console.log(`Resumed at ${new Date(result.resumedAt).toISOString()}; ran ${result.barsRun} bars.`);
        }
        console.log(
          await variantSummary(
            store,
            variants.map((v) => ({ id: v.id, start: v.settings.account.starting_balance_usd })),
          ),
        );
        if (!result.finished) {
          console.log(`Stopped before the end of the data; run again to resume.`);
          return;
        }
        const report = buildReport({
          from: result.from,
          to: result.to,
          variants: variants.map((v) => ({
            id: v.id,
            startingBalance: v.settings.account.starting_balance_usd,
          })),
          closed: await store.closedPositions(),
          decisions: await decisionCounts(store),
          tradingStates: await store.tradingStates(),
        });
        console.log('');
        console.log(reportText({ ...report, trades: [] }));
        // At a terminal the finished replay stays on view; scripts and CI get their exit.
        if (dashboard && process.stdout.isTTY && !stop.signal.aborted) {
          console.log(`\nThe replay is done; the dashboard stays up at ${dashboard.url}/ until Ctrl-C.`);
          await new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true }));
        }
      },
      { durability },
    );
  } finally {
    await (dashboard as RunDashboard | null)?.close();
    // Its redraw timer would keep the process alive.
    bar.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // After the handlers are gone, so a second Ctrl-C ends the wait at once.
    await alerts?.flush(ALERT_FLUSH_MS);
  }
}

function parseRoles(text: string): Set<EngineRole> {
  const roles = text.split(',').map((r) => r.trim());
  const unknown = roles.filter((r) => !(ENGINE_ROLES as readonly string[]).includes(r));
  if (unknown.length > 0)
    throw new UsageError(`unknown role(s) ${unknown.join(', ')}: roles are ${ENGINE_ROLES.join(', ')}`);
  return new Set(roles as EngineRole[]);
}

/** One line per variant: trades, P&L, open positions, trading state. */
async function variantSummary(
  store: Store,
  variants: readonly { id: string; start: number }[],
): Promise<string> {
  const open = await store.openPositions();
  const lines: string[] = [];
  for (const v of variants) {
    const closed = await store.closedPositions({ variantId: variantId(v.id) });
    const pnl = closed.reduce((sum, p) => sum + (p.pnl ?? 0), 0);
    const state = await store.tradingState(variantId(v.id));
    lines.push(
      `${v.id}: ${closed.length} closed, P&L ${pnl.toFixed(2)} (balance ${(v.start + pnl).toFixed(2)}), ` +
        `${open.filter((p) => p.variantId === v.id).length} open, ${state.state}`,
    );
  }
  return lines.join('\n');
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
