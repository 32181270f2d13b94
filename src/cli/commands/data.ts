import type { Command } from 'commander';
import { timeframeMs, TIMEFRAMES, type Timeframe } from '../../domain/candle.ts';
import { candleFiles } from '../../marketdata/candle-directory.ts';
import { readCandleFile } from '../../marketdata/candle-file.ts';
import { findGaps, type MarketCalendar } from '../../marketdata/gaps.ts';
import { UsageError } from '../cli-error.ts';
import { progressBar } from '../progress-bar.ts';
import { isoTime, renderTable } from '../table.ts';

interface InfoOptions {
  calendar: MarketCalendar;
  json?: boolean;
}

export function registerData(program: Command): void {
  const data = program.command('data').description('inspect candle files');
  data
    .command('info')
    .description(
      'symbols, ranges, timeframe, gaps and flat bars of a candle file or folder (CSV, CSV.gz, freqtrade JSON)',
    )
    .argument('<path>', 'a candle file, or a folder with one file per symbol')
    .option(
      '--calendar <calendar>',
      'continuous, or fx (weekend closures are not gaps)',
      parseCalendar,
      'continuous',
    )
    .option('--json', 'print JSON, with every gap')
    .action((path: string, options: InfoOptions) => {
      const files = [...candleFiles(path)];
      // A folder of years of candles takes a while to read; one file is over before a bar means anything.
      const bar = progressBar({ enabled: files.length > 1 });
      bar.start(files.length, 'reading');
      let report: FileInfo[];
      try {
        report = files.map(([symbol, file], index) => {
          const info = fileInfo(symbol, file, options.calendar);
          bar.update(index + 1, symbol);
          return info;
        });
      } finally {
        bar.stop();
      }
      if (options.json) return console.log(JSON.stringify(report, null, 2));
      console.log(
        renderTable(
          [
            'symbol',
            'timeframe',
            'bars',
            'first',
            'last',
            'gaps',
            'missing bars',
            'flat bars',
            'zero volume',
          ],
          report.map((r) => [
            r.symbol,
            r.timeframe ?? '?',
            r.bars,
            isoTime(r.first),
            isoTime(r.last),
            r.gaps.length,
            r.gaps.reduce((n, g) => n + g.bars, 0),
            r.flatBars,
            r.zeroVolumeBars,
          ]),
        ),
      );
    });
}

type FileInfo = ReturnType<typeof fileInfo>;

function fileInfo(symbol: string, file: string, calendar: MarketCalendar) {
  const candles = readCandleFile(file, symbol);
  const timeframe = inferTimeframe(candles.map((c) => c.time));
  const gaps = timeframe ? findGaps(candles, timeframeMs(timeframe), calendar) : [];
  return {
    symbol,
    file,
    timeframe,
    bars: candles.length,
    first: candles[0]?.time ?? null,
    last: candles.at(-1)?.time ?? null,
    gaps: gaps.map((g) => ({ from: isoTime(g.from), to: isoTime(g.to), bars: g.bars })),
    flatBars: candles.filter((c) => c.high === c.low).length,
    zeroVolumeBars: candles.filter((c) => c.volume === 0).length,
  };
}

/** The most common spacing between bars, if it is a known timeframe. */
function inferTimeframe(times: readonly number[]): Timeframe | null {
  const counts = new Map<number, number>();
  for (let i = 1; i < times.length; i++) {
    const step = (times[i] as number) - (times[i - 1] as number);
    counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  const [step] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
  const found = Object.entries(TIMEFRAMES).find(([, ms]) => ms === step);
  return found ? (found[0] as Timeframe) : null;
}

function parseCalendar(value: string): MarketCalendar {
  if (value !== 'continuous' && value !== 'fx')
    throw new UsageError(`--calendar must be continuous or fx, got ${value}`);
  return value;
}
