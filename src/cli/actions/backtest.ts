// What `sigil backtest` and `sigil ab` do; commands/backtest.ts declares the options; loaded only to run.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  appContext,
  withExistingStore,
  withStore,
  withStoreIfAny,
  type AppContext,
  type GlobalOptions,
} from '../../app/app-context.ts';
import type { Store } from '../../domain/ports/store.ts';
import { selectVariants } from '../../app/engine-for.ts';
import { buildReport } from '../../backtest/backtest-report.ts';
import { htmlReport } from '../../backtest/html-report.ts';
import { runBacktest } from '../../backtest/run-backtest.ts';
import type { EpochMs } from '../../domain/ids.ts';
import { timeRangeOptions } from '../time-option.ts';
import { barProgress } from '../bar-progress.ts';
import { progressBar } from '../progress-bar.ts';
import { showsProgress } from '../progress-option.ts';
import { reportText } from '../report-text.ts';
import { decisionLines } from '../../backtest/decision-counts.ts';
import { refuseFallbackOnly } from '../../backtest/fallback-only.ts';
import { fallbackWarnings } from '../fallback-warnings.ts';
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
  // After the report and its files: a run the fallback decided alone is still shown, then fails.
  refuseFallbackOnly(report.decisions ?? [], context.config.variants);
}

export async function ab(flags: AbFlags, command: Command): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const report = flags.onStore
    ? await withExistingStore(context, async (store) => {
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
  } else {
    if (report.ab.length === 0) console.log('Only one variant: nothing to compare.');
    for (const comparison of report.ab) console.log(comparison.summary);
    // Which analyst really decided each side: a comparison with an LLM that fell back compares rules.
    for (const line of decisionLines(report.decisions ?? [])) console.log(line);
  }
  refuseFallbackOnly(report.decisions ?? [], context.config.variants);
}

async function backtestReport(context: AppContext, flags: BacktestFlags) {
  // A bad or reversed range is a usage error before anything is opened or loaded.
  const range = timeRangeOptions(flags);
  const variants = selectVariants(context.config, flags.variants?.split(','));
  if (flags.keepStore) {
    return withStore(context, (kept) => runAndReport(context, flags, range, kept, true), {
      durability: 'process_crash',
    });
  }
  // LLM analysts answer from the response cache of the user's store when there is one: a rerun is free
  // and identical. A backtest's own store is thrown away, so it never creates one for the cache.
  if (variants.some((v) => v.settings.analyst.kind === 'llm')) {
    return withStoreIfAny(
      context,
      (llmStore) => runAndReport(context, flags, range, llmStore),
      () => {
        process.stderr.write(
          'sigil: no Sigil database to cache the LLM answers in: this backtest asks the provider for every decision (`sigil migrate` creates one, --db names another)\n',
        );
        return runAndReport(context, flags, range);
      },
    );
  }
  return runAndReport(context, flags, range);
}

async function runAndReport(
  context: AppContext,
  flags: BacktestFlags,
  range: { from?: EpochMs; to?: EpochMs },
  llmStore?: Store,
  keep = false,
) {
  const bar = progressBar({ enabled: showsProgress(flags) });
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
      ...(keep && llmStore ? { keptStore: llmStore } : {}),
      ...range,
      ...(flags.variants ? { variants: flags.variants.split(',') } : {}),
      onProgress: (done, total, summary) => showProgress(summary, done, total),
      onAnalystFallback: fallbackWarnings((line) => bar.writeAbove(`sigil: warning: ${line}`)).onFallback,
    });
    return buildReport(run);
  } finally {
    bar.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
