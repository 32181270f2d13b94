// `sigil trades`: every trade of the store — closed, and open — with its prices, quantity, exit reason
// and P&L, as a table, JSON or CSV (for a spreadsheet).
import { Option, type Command } from 'commander';
import { addVariantsOption, type VariantsFlags } from '../variants-option.ts';

export interface TradesOptions extends VariantsFlags {
  symbol?: string;
  from?: string;
  to?: string;
  open?: boolean;
  closed?: boolean;
  json?: boolean;
  csv?: boolean;
}

export function registerTrades(program: Command): void {
  const trades = program
    .command('trades')
    .description(
      'trades, oldest entry first: variant, symbol, side, entry and exit time and price, quantity, exit reason, fees, P&L (open ones too)',
    );
  addVariantsOption(trades, 'comma-separated variants, default: all')
    .option('--symbol <symbol>', 'only this symbol')
    .option('--from <time>', 'only trades entered at or after this time (ISO 8601, UTC)')
    .option('--to <time>', 'only trades entered before this time (ISO 8601, UTC)')
    .addOption(new Option('--open', 'only open positions').conflicts('closed'))
    .addOption(new Option('--closed', 'only closed trades').conflicts('open'))
    .addOption(new Option('--json', 'print JSON instead of a table').conflicts('csv'))
    .addOption(new Option('--csv', 'print CSV (a header line, then one line per trade)').conflicts('json'))
    .action(async (options: TradesOptions, command: Command) =>
      (await import('../actions/trades.ts')).listTrades(options, command),
    );
}
