// What `sigil data info` does; commands/data.ts declares the options; loaded only to run.
import { timeframeMs, TIMEFRAMES, type Timeframe } from '../../domain/candle.ts';
import { candleFiles } from '../../marketdata/candle-directory.ts';
import { readCandleFile } from '../../marketdata/candle-file.ts';
import { findGaps, type MarketCalendar } from '../../marketdata/gaps.ts';
import { progressBar } from '../progress-bar.ts';
import { isoTime, renderTable } from '../table.ts';
import type { InfoOptions } from '../commands/data.ts';

export function dataInfo(path: string, options: InfoOptions): void {
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
      ['symbol', 'timeframe', 'bars', 'first', 'last', 'gaps', 'missing bars', 'flat bars', 'zero volume'],
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
