// What `sigil data info` does; commands/data.ts declares the options; loaded only to run.
import type { Command } from 'commander';
import { appContext, type GlobalOptions } from '../../app/app-context.ts';
import { configuredPriceTick } from '../../app/instrument-for.ts';
import { timeframeMs, TIMEFRAMES, type Candle, type Timeframe } from '../../domain/candle.ts';
import { candleFiles } from '../../marketdata/candle-directory.ts';
import { readCandleFile } from '../../marketdata/candle-file.ts';
import { checkBarGrid } from '../../marketdata/bar-grid.ts';
import { findGaps, type MarketCalendar } from '../../marketdata/gaps.ts';
import { progressBar } from '../progress-bar.ts';
import { showsProgress } from '../progress-option.ts';
import { isoTime, renderTable } from '../table.ts';
import type { InfoOptions } from '../commands/data.ts';

/**
 * A tick coarser than this share of a price moves stops and targets by more than the strategy meant: at
 * 1e-8, PEPE's stops moved by up to 1.6 %.
 */
const COARSE_TICK = 1e-4;

export function dataInfo(path: string, options: InfoOptions, command: Command): void {
  const { config } = appContext(command.optsWithGlobals<GlobalOptions>());
  const files = [...candleFiles(path)];
  // A folder of years of candles takes a while to read; one file is over before a bar means anything.
  const bar = progressBar({ enabled: files.length > 1 && showsProgress(options) });
  bar.start(files.length, 'reading');
  let report: FileInfo[];
  try {
    report = files.map(([symbol, file], index) => {
      const info = fileInfo(symbol, file, options.calendar, configuredPriceTick(config.market, symbol));
      bar.update(index + 1, symbol);
      return info;
    });
  } finally {
    bar.stop();
  }
  const warnings = report.flatMap((r) => (r.coarseTick ? [coarseTickWarning(r, config.file)] : []));
  for (const warning of warnings) console.error(`warning: ${warning}`);
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
        'price step',
        'lowest price',
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
        r.priceStep === null ? null : shortNumber(r.priceStep),
        r.lowestPrice === null ? null : shortNumber(r.lowestPrice),
      ]),
    ),
  );
}

type FileInfo = ReturnType<typeof fileInfo>;

function fileInfo(symbol: string, file: string, calendar: MarketCalendar, configuredTick: number) {
  const candles = readCandleFile(file, symbol);
  const times = candles.map((c) => c.time);
  const timeframe = inferTimeframe(times);
  // A bar off the grid of the file's own timeframe is bad data, not a gap: named with its line.
  if (timeframe) checkBarGrid(times, file, timeframe);
  const gaps = timeframe ? findGaps(candles, timeframeMs(timeframe), calendar) : [];
  const lowestPrice = candles.length > 0 ? candles.reduce((low, c) => Math.min(low, c.low), Infinity) : null;
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
    /** The smallest move between two prices seen in the file: a bound on the exchange's tick. */
    priceStep: smallestPriceStep(candles),
    lowestPrice,
    /** market.instruments' price_tick for the symbol (0 = prices are not rounded). */
    configuredTick,
    coarseTick: lowestPrice !== null && lowestPrice > 0 && configuredTick > COARSE_TICK * lowestPrice,
  };
}

function coarseTickWarning(info: FileInfo, configFile: string | null): string {
  const share = ((info.configuredTick / (info.lowestPrice as number)) * 100).toPrecision(2);
  const step = info.priceStep === null ? '' : `; the data moves in steps of ${shortNumber(info.priceStep)}`;
  return `${info.symbol}: market.instruments price_tick ${info.configuredTick} (${configFile ?? 'built-in defaults'}) is ${share} % of the lowest price ${shortNumber(info.lowestPrice as number)}, over ${COARSE_TICK * 100} %: stops and targets rounded to it move by as much${step}`;
}

/**
 * The smallest gap between two distinct prices of the file (opens, highs, lows, closes), to three
 * significant digits: the decimal strings' step, without the float noise of their difference.
 */
function smallestPriceStep(candles: readonly Candle[]): number | null {
  const prices = new Float64Array(candles.length * 4);
  candles.forEach((c, i) => prices.set([c.open, c.high, c.low, c.close], i * 4));
  prices.sort();
  let step = Infinity;
  for (let i = 1; i < prices.length; i++) {
    const gap = (prices[i] as number) - (prices[i - 1] as number);
    if (gap > 0 && gap < step) step = gap;
  }
  return Number.isFinite(step) ? Number(step.toPrecision(3)) : null;
}

function shortNumber(value: number): string {
  return String(Number(value.toPrecision(6)));
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
