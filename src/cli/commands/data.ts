import type { Command } from 'commander';
import type { MarketCalendar } from '../../marketdata/gaps.ts';
import { UsageError } from '../cli-error.ts';
import { addProgressOptions, type ProgressFlags } from '../progress-option.ts';

export interface InfoOptions extends ProgressFlags {
  calendar: MarketCalendar;
  json?: boolean;
}

export interface DownloadOptions extends ProgressFlags {
  exchange: string;
  symbols: string;
  timeframe: string;
  from: string;
  to?: string;
  out?: string;
  exchangeUrl?: string;
  json?: boolean;
}

export function registerData(program: Command): void {
  const data = program.command('data').description('inspect candle files, download them from an exchange');
  const info = data
    .command('info')
    .description(
      "symbols, ranges, timeframe, gaps, flat bars and the smallest price step of a candle file or folder (CSV with ISO or epoch-ms times, headerless Binance kline CSV, freqtrade JSON; each may be .gz); warns where the config's price_tick is over 0.01 % of a price",
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
  const download = data
    .command('download')
    .description(
      "download candles from an exchange through ccxt into Sigil's CSV format, one file per symbol (BTCUSDT.csv); resumes a file already there from its last bar, refuses a file holding other data, and reports the gaps",
    )
    .requiredOption('--exchange <id>', 'a ccxt exchange id, e.g. binance')
    .requiredOption('--symbols <list>', 'comma-separated, as ccxt writes them: BTC/USDT,ETH/USDT')
    .requiredOption('--timeframe <timeframe>', '1m, 5m, 15m, 1h, 4h or 1d')
    .requiredOption('--from <time>', 'the first bar wanted (ISO 8601, UTC without a zone)')
    .option('--to <time>', 'the end (exclusive; default: now — the bar still forming is never written)')
    .option('--out <dir>', 'the folder (default: data/<exchange>/<timeframe> under the working directory)')
    .option(
      '--exchange-url <url>',
      "send the requests to this origin instead of the exchange's (a proxy, a mirror)",
    )
    .option('--json', 'print the report as JSON, with every gap');
  addProgressOptions(download).action(async (options: DownloadOptions) =>
    (await import('../actions/data-download.ts')).dataDownload(options),
  );
}

function parseCalendar(value: string): MarketCalendar {
  if (value !== 'continuous' && value !== 'fx')
    throw new UsageError(`--calendar must be continuous or fx, got ${value}`);
  return value;
}
