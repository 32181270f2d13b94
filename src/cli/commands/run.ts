// `sigil run`: the paper-trading bot. On a replay (the default: the configured candle files) it runs on
// a simulated clock as fast as it goes (or at --speed bars a second), shows a live per-variant summary,
// and at the end prints the report and the A/B verdict. Ctrl-C stops it cleanly after the bar in
// progress; running it again resumes where it stopped.
import type { Command } from 'commander';
import { appContext, withStore, type GlobalOptions } from '../../app/app-context.ts';
import { selectVariants } from '../../app/engine-for.ts';
import { runAnalystWorkers } from '../../app/analyst-process.ts';
import { decisionCounts } from '../../backtest/decision-counts.ts';
import { runReplay } from '../../app/replay-bot.ts';
import { startLive } from '../../app/live-bot.ts';
import type { EquityReport } from '../../engine/equity-monitor.ts';
import { ENGINE_ROLES, type EngineRole } from '../../domain/engine-role.ts';
import { buildReport } from '../../backtest/backtest-report.ts';
import { describeError } from '../../domain/errors.ts';
import { variantId } from '../../domain/ids.ts';
import type { Store } from '../../domain/ports/store.ts';
import { UsageError } from '../cli-error.ts';
import { reportText } from '../report-text.ts';

interface RunFlags {
  live?: boolean;
  variants?: string;
  roles: string;
  workers: string;
  idleExit?: string;
  speed: string;
  until?: string;
  quiet?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'run the paper-trading bot over the configured candles (a replay on an accelerated clock); resumes where the last run stopped',
    )
    .option(
      '--live',
      'paper trading on real candles polled from market.exchange through ccxt (needs market.symbols and internet), until Ctrl-C',
    )
    .option('--variants <names>', 'comma-separated variants, default: all')
    .option('--speed <bars>', 'bars per second; 0 = as fast as possible', '0')
    .option('--until <time>', 'stop the replay at this time (ISO), default: the end of the data')
    .option('--quiet', 'no live summary, only the final report')
    .option(
      '--roles <roles>',
      'comma-separated roles of this process: scanner, execution, analyst (PostgreSQL lets several processes split them)',
      ENGINE_ROLES.join(','),
    )
    .option('--workers <n>', 'analyst workers in this process (with --roles analyst)', '1')
    .option('--idle-exit <seconds>', 'an analyst-only process exits after this long without work')
    .action(async (flags: RunFlags, command: Command) => {
      const context = appContext(command.optsWithGlobals<GlobalOptions>());
      const speed = Number(flags.speed);
      if (!(speed >= 0))
        throw new UsageError(`--speed must be a number of bars per second ≥ 0, got ${flags.speed}`);
      const until = flags.until === undefined ? undefined : Date.parse(flags.until);
      if (until !== undefined && Number.isNaN(until))
        throw new UsageError(`--until "${flags.until}" is not an ISO time`);
      const variants = selectVariants(context.config, flags.variants?.split(','));
      const roles = parseRoles(flags.roles);
      const workers = Number(flags.workers);
      if (!Number.isInteger(workers) || workers < 1)
        throw new UsageError(`--workers must be a whole number ≥ 1, got ${flags.workers}`);
      const idleExit = flags.idleExit === undefined ? null : Number(flags.idleExit);
      if (idleExit !== null && !(idleExit > 0))
        throw new UsageError(`--idle-exit must be a number of seconds > 0, got ${flags.idleExit}`);

      const stop = new AbortController();
      const onSignal = () => {
        if (!stop.signal.aborted) process.stderr.write('\nstopping after the bar in progress…\n');
        stop.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        await withStore(context, async (store) => {
          if (flags.live) {
            const bot = await startLive({
              store,
              config: context.config,
              variants,
              clock: context.clock,
              onBar: (summary) =>
                console.log(
                  `${new Date(summary.at).toISOString()}  signals ${summary.signals}  opened ${summary.opened}  closed ${summary.closed.length}`,
                ),
              onEvent: (event) => {
                if (event.type === 'job_failed') {
                  process.stderr.write(`job ${event.job} failed: ${describeError(event.error)}\n`);
                }
              },
              onEquity: (reports) => {
                for (const line of equityNotices(reports)) process.stderr.write(`${line}\n`);
              },
            });
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
            const { decided } = await runAnalystWorkers({
              store,
              config: context.config,
              variants,
              workers,
              processName: `analysts-${process.pid}`,
              idleExitMs: idleExit === null ? null : idleExit * 1000,
              signal: stop.signal,
              sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
            });
            console.log(
              `analyst process ${process.pid}: ${decided} intent(s) decided by ${workers} worker(s)`,
            );
            return;
          }
          if (!roles.has('execution'))
            throw new UsageError('the scanner role needs the execution role in the same process in a replay');
          const live = !flags.quiet && process.stderr.isTTY;
          let lastPaint = 0;
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
              if (!live) return;
              const now = performance.now();
              if (now - lastPaint < 250 && progress.done < progress.total) return;
              lastPaint = now;
              const percent = ((progress.done / progress.total) * 100).toFixed(1);
              process.stderr.write(
                `\r${new Date(summary.at).toISOString().slice(0, 16)}  ${percent}%  bar ${progress.done}/${progress.total}  ` +
                  `signals ${summary.signals}  opened ${summary.opened}  closed ${summary.closed.length}   `,
              );
            },
            onRetry: (error, attempt) => {
              process.stderr.write(
                `\nstore unavailable (${describeError(error)}); retry ${attempt} after a pause\n`,
              );
            },
            onEvent: (event) => {
              if (event.type === 'job_failed') {
                process.stderr.write(
                  `\njob ${event.job} failed at ${new Date(event.at).toISOString()}: ${describeError(event.error)}\n`,
                );
              }
            },
          });
          if (live) process.stderr.write('\n');
          if (result.resumedAt !== null && result.barsRun === 0 && result.finished) {
            console.log(
              `The replay had already reached its end (${new Date(result.to).toISOString()}); the report:`,
            );
          } else if (result.resumedAt !== null) {
            console.log(
              `Resumed at ${new Date(result.resumedAt).toISOString()}; ran ${result.barsRun} bars.`,
            );
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
          });
          console.log('');
          console.log(reportText({ ...report, trades: [] }));
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
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

/** What an operator must see of an equity look: a pause, a halt, a failed close, an unreadable account. */
function equityNotices(reports: readonly EquityReport[]): string[] {
  return reports.flatMap((r) => [
    ...(r.action !== 'none' ? [`${r.variantId}: ${r.action} — ${r.breach?.reason ?? ''}`] : []),
    ...r.closeFailures.map(
      (failure) => `${r.variantId}: compliance close failed, retried next look: ${failure}`,
    ),
    ...(r.error ? [`${r.variantId}: account not read, checked again next look: ${r.error}`] : []),
  ]);
}
