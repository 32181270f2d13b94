// `sigil positions`: the open positions, marked at the last price — unrealised P&L, stop, trail, age.
import type { Command } from 'commander';
import { addVariantsOption, type VariantsFlags } from '../variants-option.ts';

export interface PositionsOptions extends VariantsFlags {
  json?: boolean;
}

export function registerPositions(program: Command): void {
  const positions = program
    .command('positions')
    .description(
      'open positions: entry, last price, unrealised P&L, stop, trail, age (says which price it marked at)',
    );
  addVariantsOption(positions, 'comma-separated variants, default: all')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: PositionsOptions, command: Command) =>
      (await import('../actions/positions.ts')).listPositions(options, command),
    );
}
