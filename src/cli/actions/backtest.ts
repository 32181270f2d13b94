// What `sigil backtest` and `sigil ab` do; commands/backtest.ts declares the options; loaded only to run.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { appContext, withStore, type AppContext, type GlobalOptions } from '../../app/app-context.ts';
import type { Store } from '../../domain/ports/store.ts';
import { selectVariants } from '../../app/engine-for.ts';
import { buildReport } from '../../backtest/backtest-report.ts';
import { htmlReport } from '../../backtest/html-report.ts';
import { runBacktest } from '../../backtest/run-backtest.ts';
import { UsageError } from '../cli-error.ts';
import { barProgress } from '../bar-progress.ts';
import { progressBar } from '../progress-bar.ts';
import { reportText } from '../report-text.ts';
import type { AbFlags, BacktestFlags } from '../commands/backtest.ts';

export async function backtest(flags: BacktestFlags, command: Command): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const report = await backtestReport(context, flags);
  if (flags.out) writeFileSync(flags.out, JSON.stringify(report, null, 2));
  if (flags.html) {
    const startingBalances = Object.fromEntries(
      context.config.variants.map((v) => [v.id as string, v.settings.account.starting_balance_usd]),
    );
    const title = `Sigil backtest — ${context.config.file ?? 'built-in configuration'}`;
    writeFileSync(flags.html, htmlReport(report, { title, startingBalances }));
  }
  console.log(flags.json ? JSON.stringify(report, null, 2) : reportText(report));
}

export async function ab(flags: AbFlags, command: Command): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const report = flags.onStore
    ? await withStore(context, async (store) => {
        const variants = selectVariants(context.config, flags.variants?.split(','));
        const ids = new Set<string>(variants.map((v) => v.id));
        const closed = (await store.closedPositions()).filter((p) => ids.has(p.variantId));
        let from = context.clock.now();
        let to = 0;
        for (const p of closed) {
          from = Math.min(from, p.openedAt);
          to = Math.max(to, p.closedAt ?? p.openedAt);
        }
        return buildReport({
          from,
          to,
          variants: variants.map((v) => ({
            id: v.id,
            startingBalance: v.settings.account.starting_balance_usd,
          })),
          closed,
        });
      })
    : await backtestReport(context, flags);
  if (flags.json) {
    console.log(JSON.stringify({ variants: report.variants, ab: report.ab }, null, 2));
    return;
  }
  if (report.ab.length === 0) console.log('Only one variant: nothing to compare.');
  for (const comparison of report.ab) console.log(comparison.summary);
}

async function backtestReport(context: AppContext, flags: BacktestFlags) {
  const variants = selectVariants(context.config, flags.variants?.split(','));
  // LLM analysts answer from the response cache in the user's store: a rerun is free and identical.
  if (variants.some((v) => v.settings.analyst.kind === 'llm')) {
    return withStore(context, (llmStore) => runAndReport(context, flags, llmStore));
  }
  return runAndReport(context, flags);
}

async function runAndReport(context: AppContext, flags: BacktestFlags, llmStore?: Store) {
  const bar = progressBar({ enabled: flags.progress !== false });
  const showProgress = barProgress(bar, 'backtest');
  // Ctrl-C stops the run after the bar in progress, and the report says how far it got.
  const stop = new AbortController();
  const onSignal = () => {
    if (!stop.signal.aborted) process.stderr.write('\nstopping after the bar in progress…\n');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const run = await runBacktest({
      signal: stop.signal,
      config: context.config,
      ...(llmStore ? { llmStore } : {}),
      ...(flags.from ? { from: isoTime(flags.from, '--from') } : {}),
      ...(flags.to ? { to: isoTime(flags.to, '--to') } : {}),
      ...(flags.variants ? { variants: flags.variants.split(',') } : {}),
      onProgress: (done, total, summary) => showProgress(summary, done, total),
    });
    return buildReport(run);
  } finally {
    bar.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function isoTime(text: string, flag: string): number {
  const at = Date.parse(text);
  if (Number.isNaN(at))
    throw new UsageError(`${flag} "${text}" is not an ISO time such as 2023-06-01T00:00:00Z`);
  return at;
}
