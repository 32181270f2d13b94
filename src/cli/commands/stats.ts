// `sigil stats exits`: how each variant's positions ended, and what each kind of exit earned — the
// numbers that showed the seed's hard stops erasing 8–30 trailing wins each.
import type { Command } from 'commander';
import { addVariantsOption, type VariantsFlags } from '../variants-option.ts';

export interface ExitStatsOptions extends VariantsFlags {
  json?: boolean;
}

export function registerStats(program: Command): void {
  const stats = program.command('stats').description('statistics over closed positions');
  const exits = stats
    .command('exits')
    .description(
      'per variant and exit reason: count, share, average and total P&L, win rate; and the hard-stop loss to trail win ratio',
    );
  addVariantsOption(exits, 'comma-separated variants, default: all')
    .option('--json', 'print JSON instead of tables')
    .action(async (options: ExitStatsOptions, command: Command) =>
      (await import('../actions/stats.ts')).showExitStats(options, command),
    );
}
