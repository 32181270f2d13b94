// `sigil backtest` and `sigil ab`: the bot's own code over a replay, and the verdict between variants.
import type { Command } from 'commander';
import type { ProgressFlags } from '../progress-option.ts';
import { addDataRangeOptions } from '../time-option.ts';

export interface BacktestFlags extends ProgressFlags {
  html?: string;
  from?: string;
  to?: string;
  variants?: string;
  json?: boolean;
  out?: string;
  keepStore?: boolean;
}

export type AbFlags = BacktestFlags & { onStore?: boolean };

export function registerBacktest(program: Command): void {
  addDataRangeOptions(
    program
      .command('backtest')
      .description(
        'replay the configured candles through the bot (same engine, simulated clock, paper broker, an in-memory store; Ctrl-C stops it) and report per variant',
      ),
  )
    .option('--variants <names>', 'comma-separated variants, default: all')
    .option('--json', 'print the report with the full trade list as JSON')
    .option('--out <file>', 'also write the JSON report to this file')
    .option('--html <file>', 'also write an HTML report with equity curves and exit charts (works offline)')
    .option('--no-progress', 'no progress bar on stderr')
    .option('--quiet', 'the same as --no-progress')
    .option(
      '--keep-store',
      'run on the database --db names (a new one) instead of in memory, and keep it for intents, status and dashboard; without it --db is only read for an LLM response cache, never created',
    )
    .action(async (flags: BacktestFlags, command: Command) =>
      (await import('../actions/backtest.ts')).backtest(flags, command),
    );

  program
    .command('ab')
    .description(
      'compare variants with bootstrap confidence intervals: on a backtest of --config, or with --on-store on the paper trades in the database',
    )
    .option('--on-store', 'use the closed positions in the database (--db) instead of running a backtest')
    .option('--from <time>', 'backtest: first bar (ISO 8601, UTC without a zone)')
    .option('--to <time>', 'backtest: end (ISO 8601, UTC without a zone; exclusive)')
    .option('--variants <names>', 'comma-separated variants; the first is the control')
    .option('--json', 'print JSON')
    .option('--no-progress', 'no progress bar on stderr (the backtest behind the comparison)')
    .option('--quiet', 'the same as --no-progress')
    .action(async (flags: AbFlags, command: Command) =>
      (await import('../actions/backtest.ts')).ab(flags, command),
    );
}
