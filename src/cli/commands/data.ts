import type { Command } from 'commander';
import type { MarketCalendar } from '../../marketdata/gaps.ts';
import { UsageError } from '../cli-error.ts';
import { addProgressOptions, type ProgressFlags } from '../progress-option.ts';

export interface InfoOptions extends ProgressFlags {
  calendar: MarketCalendar;
  json?: boolean;
}

export function registerData(program: Command): void {
  const data = program.command('data').description('inspect candle files');
  const info = data
    .command('info')
    .description(
      "symbols, ranges, timeframe, gaps, flat bars and the smallest price step of a candle file or folder (CSV, CSV.gz, freqtrade JSON); warns where the config's price_tick is over 0.01 % of a price",
    )
    .argument('<path>', 'a candle file, or a folder with one file per symbol')
    .option(
      '--calendar <calendar>',
      'continuous, or fx (weekend closures are not gaps)',
      parseCalendar,
      'continuous',
    )
    .option('--json', 'print JSON, with every gap');
  addProgressOptions(info).action(async (path: string, options: InfoOptions, command: Command) =>
    (await import('../actions/data.ts')).dataInfo(path, options, command),
  );
}

function parseCalendar(value: string): MarketCalendar {
  if (value !== 'continuous' && value !== 'fx')
    throw new UsageError(`--calendar must be continuous or fx, got ${value}`);
  return value;
}
