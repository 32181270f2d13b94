// What `sigil run` does; commands/run.ts declares the options; loaded only to run.
import { setTimeout as delay } from 'node:timers/promises';
import type { Command } from 'commander';
import { appContext, withStore, type GlobalOptions } from '../../app/app-context.ts';
import { selectVariants } from '../../app/engine-for.ts';
import { runAnalystWorkers } from '../../app/analyst-process.ts';
import { decisionCounts } from '../../backtest/decision-counts.ts';
import { runReplay } from '../../app/replay-bot.ts';
import { alertEvents, crashEvents } from '../../app/alerts-for.ts';
import { commandAlerts } from '../command-alerts.ts';
import { ENGINE_ROLES, type EngineRole } from '../../domain/engine-role.ts';
import { buildReport } from '../../backtest/backtest-report.ts';
import { describeError } from '../../domain/errors.ts';
import type { Store } from '../../domain/ports/store.ts';
import { UsageError } from '../cli-error.ts';
import { optionalTimeOption } from '../time-option.ts';
import { reportText } from '../report-text.ts';
import { commandLogger } from '../command-logger.ts';
import { progressBar } from '../progress-bar.ts';
import { barProgress } from '../bar-progress.ts';
import { forJob, forWorker } from '../../logging/log-context.ts';
import { logTradingEvents } from '../../logging/trading-event-log.ts';
import type { RunDashboard } from '../run-dashboard.ts';
import type { RunFlags } from '../commands/run.ts';
import { describeHolder, ProcessLeases, type OwnershipLostError } from '../../app/process-leases.ts';
import { wallNow } from '../../clock/system-clock.ts';
import { configVersion } from '../../app/config-version.ts';
import { ConfigMismatchError, OwnedElsewhereError, takeOwnership } from '../../app/take-ownership.ts';
import { botJobNames, jobScope } from '../../engine/bot.ts';
import { runLive } from './run-live.ts';
import { refuseFallbackOnly } from '../../backtest/fallback-only.ts';
import { loggedFallbackWarnings } from '../fallback-warnings.ts';
import { checkStoreFor, claimLiveStore } from '../../app/store-identity.ts';
import { moveStoreAside } from '../../app/fresh-store.ts';
import { haltedAtStart } from './halted-at-start.ts';
import { startDashboard, variantSummary, type RunSession } from './run-session.ts';
import { checkReadiness } from '../../app/config-readiness.ts';
import { showsProgress } from '../progress-option.ts';

/** How long the run waits at exit for alerts still queued or being retried. */
const ALERT_FLUSH_MS = 5_000;

export async function run(flags: RunFlags, command: Command): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const speed = Number(flags.speed);
  if (!(speed >= 0))
    throw new UsageError(`--speed must be a number of bars per second ≥ 0, got ${flags.speed}`);
  const until = optionalTimeOption(flags.until, '--until');
  if (flags.once && flags.monitorOnly)
    throw new UsageError('--once and --monitor-only are two modes: choose one');
  // The blueprint's modes are live trading's: a one-shot cycle for cron, a watcher of open positions.
  const live = Boolean(flags.live || flags.once || flags.monitorOnly);
  const variants = selectVariants(context.config, flags.variants?.split(','));
  const roles = parseRoles(flags.roles);
  if ((flags.once || flags.monitorOnly) && !(roles.has('scanner') || roles.has('execution')))
    throw new UsageError('--once and --monitor-only manage positions: they need the execution role');
  const workers = Number(flags.workers);
  if (!Number.isInteger(workers) || workers < 1)
    throw new UsageError(`--workers must be a whole number ≥ 1, got ${flags.workers}`);
  const idleExit = flags.idleExit === undefined ? null : Number(flags.idleExit);
  if (idleExit !== null && !(idleExit > 0))
    throw new UsageError(`--idle-exit must be a number of seconds > 0, got ${flags.idleExit}`);
  checkRoleSplit(roles);
  // What `sigil config check` checks, by the same code: every problem at once, before the store opens.
  const runsBars = roles.has('scanner');
  await checkReadiness(context.config, {
    variants,
    candles: !runsBars ? 'none' : live ? 'live' : 'files',
    servesApi: runsBars && flags.dashboard && !flags.once,
  });

  // Log lines are written above the replay's progress bar, never through it; a replay's carry its bar.
  const bar = progressBar({ enabled: showsProgress(flags) });
  const replayTime: { at: number | null } = { at: null };
  const log = commandLogger(
    command,
    { write: (text) => bar.writeAbove(text) },
    live ? {} : { barTime: () => replayTime.at },
  );
  // Alerts are queued as bars commit and delivered in the background; the run never waits on a sink.
  const alerts = commandAlerts(context, log);

  const stop = new AbortController();
  const onSignal = () => {
    if (!stop.signal.aborted) log.info('stopping after the bar in progress…');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A replay's commits need only survive the process (a killed run resumes at its last bar; a bar a
  // power cut takes back is replayed the same), live ones a power cut too: they precede broker calls.
  const durability = live ? 'power_loss' : 'process_crash';
  if (flags.fresh) {
    const aside = await moveStoreAside(context.storeUrl, wallNow());
    if (aside) console.log(`The previous database is kept as ${aside}; starting anew.`);
  }
  try {
    await withStore(
      context,
      async (store) => {
        const scope = jobScope(
          variants.map((v) => v.id),
          context.config.variants.map((v) => v.id),
        );
        const leases = new ProcessLeases(
          store,
          { roles: [...roles], variants: variants.map((v) => v.id), config: configVersion(context.config) },
          context.config.engine.owner_lease_s * 1000,
        );
        const session: RunSession = {
          context,
          flags,
          variants,
          roles,
          workers,
          log,
          bar,
          alerts,
          stop,
          leases,
          jobScope: scope,
          replayTime,
        };
        // Before anything is written: a store started for something else is refused (exit 2).
        if (live) await claimLiveStore(store, context.config, wallNow());
        else await checkStoreFor(store, context.config, 'replay');
        if (!(await own(store, session))) return;
        for (const line of await haltedAtStart(store, variants)) console.log(line);
        let lost: OwnershipLostError | null = null;
        leases.keep((error) => {
          lost = error;
          log.error(error.message);
          stop.abort();
        });
        try {
          if (!roles.has('scanner') && !roles.has('execution'))
            await runAnalysts(store, session, idleExit, live);
          else if (live) await runLive(store, session);
          else await replay(store, session, speed, until);
        } finally {
          // A clean stop hands the variants over at once: a standby need not wait for the lease to lapse.
          await leases.release().catch(() => undefined);
        }
        if (lost) throw lost;
      },
      { durability },
    );
  } catch (error) {
    if (error instanceof OwnedElsewhereError || error instanceof ConfigMismatchError)
      throw new UsageError(error.message);
    throw error;
  } finally {
    // Its redraw timer would keep the process alive.
    bar.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // After the handlers are gone, so a second Ctrl-C ends the wait at once.
    await alerts?.flush(ALERT_FLUSH_MS);
  }
}

/**
 * Takes this process's leases — refusing a variant another live process owns, or with --standby waiting
 * for it. False when stopped while standing by.
 */
async function own(store: Store, session: RunSession): Promise<boolean> {
  const { flags, log, leases, context } = session;
  const ttlMs = context.config.engine.owner_lease_s * 1000;
  const owned = await takeOwnership(store, leases, {
    standby: Boolean(flags.standby),
    signal: session.stop.signal,
    sleep: (ms) => delay(ms, undefined, { signal: session.stop.signal }).catch(() => undefined),
    jobs: botJobNames(session.jobScope),
    ttlMs,
    onWaiting: (heldBy) => {
      const line = `Standing by: ${heldBy.name.replace(/^variant:/, 'variant ')} is run by ${describeHolder(heldBy)}; taking over within ${ttlMs / 1000} s of it stopping.`;
      console.log(line);
      log.info({ owner: heldBy.holder }, line);
    },
    onStoreDown: (error) =>
      log.warn(`standing by: the store cannot be reached (${describeError(error)}); trying again`),
  });
  if (owned && flags.standby) {
    console.log(`Took over ${session.variants.map((v) => v.id).join(', ')}.`);
    log.info('standby took over');
  }
  return owned;
}

/** The role splits that run: analysts may run apart; the scanner and execution share the bars. */
function checkRoleSplit(roles: ReadonlySet<EngineRole>): void {
  if (roles.has('scanner') !== roles.has('execution')) {
    throw new UsageError(
      'the scanner and execution roles run in one process (its bars drive both); analysts may run elsewhere',
    );
  }
}

/** `--roles analyst`: workers deciding the queue's intents, live (wall clock) or for a replay elsewhere. */
async function runAnalysts(
  store: Store,
  session: RunSession,
  idleExit: number | null,
  live: boolean,
): Promise<void> {
  const { context, variants, workers, log, alerts, stop, leases } = session;
  log.info(
    { workers, variants: variants.map((v) => v.id) },
    `analyst process started with ${workers} worker(s)`,
  );
  const liveMarket = live ? await import('./live-analyst-market.ts') : null;
  const fallbacks = loggedFallbackWarnings(log);
  const { decided } = await runAnalystWorkers({
    store,
    config: context.config,
    variants,
    workers,
    processName: leases.holder.holder,
    idleExitMs: idleExit === null ? null : idleExit * 1000,
    signal: stop.signal,
    sleep: (ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined),
    clock: context.clock,
    wallNow,
    ...(liveMarket
      ? {
          market: await liveMarket.liveAnalystMarket(context.config),
          now: async () => context.clock.now(),
          pollMs: 1_000,
        }
      : {}),
    onEvent: (event, worker) => {
      alertEvents(alerts, [event]);
      logTradingEvents(forWorker(log, worker), [event]);
    },
    onRetry: (error, attempt, worker) =>
      forWorker(log, worker).warn(
        { attempt, err: error },
        `store unavailable (${describeError(error)}); retry ${attempt} after a pause`,
      ),
    onAnalystFallback: fallbacks.onFallback,
  });
  log.info({ decided }, `analyst process stopped: ${decided} intent(s) decided`);
  console.log(`analyst process ${process.pid}: ${decided} intent(s) decided by ${workers} worker(s)`);
  for (const line of fallbacks.summaryLines()) console.log(line);
}

/** `sigil run` over the configured candle files: the replay, its progress, its report. */
async function replay(
  store: Store,
  session: RunSession,
  speed: number,
  until: number | undefined,
): Promise<void> {
  const { context, variants, flags, log, alerts, bar, stop, roles } = session;
  let dashboard: RunDashboard | null = null;
  try {
    dashboard = await startDashboard(session);
    const processMetrics = dashboard?.processMetrics;
    const showProgress = barProgress(bar, 'replay');
    const fallbacks = loggedFallbackWarnings(log);
    const result = await runReplay({
      store,
      config: context.config,
      variants,
      speed,
      ...(until !== undefined ? { until } : {}),
      signal: stop.signal,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      roles,
      jobScope: session.jobScope,
      fence: () => session.leases.assertHeld(),
      onAnalystFallback: fallbacks.onFallback,
      onReady: (bot) => dashboard?.attachExits(bot.forceExit),
      onBar: (summary, progress) => {
        session.replayTime.at = summary.at;
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
    console.log(await variantSummary(store, variants));
    if (!result.finished) {
      for (const line of fallbacks.summaryLines()) console.log(line);
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
    // A replay the fallback decided alone is reported, then fails: it is not a run of the analyst.
    refuseFallbackOnly(report.decisions ?? [], variants);
    // At a terminal the finished replay stays on view; scripts and CI get their exit.
    if (dashboard && process.stdout.isTTY && !stop.signal.aborted && flags.dashboard) {
      console.log(`\nThe replay is done; the dashboard stays up at ${dashboard.url}/ until Ctrl-C.`);
      await new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true }));
    }
  } finally {
    await (dashboard as RunDashboard | null)?.close();
  }
}

function parseRoles(text: string): Set<EngineRole> {
  const roles = text.split(',').map((r) => r.trim());
  const unknown = roles.filter((r) => !(ENGINE_ROLES as readonly string[]).includes(r));
  if (unknown.length > 0)
    throw new UsageError(`unknown role(s) ${unknown.join(', ')}: roles are ${ENGINE_ROLES.join(', ')}`);
  return new Set(roles as EngineRole[]);
}
