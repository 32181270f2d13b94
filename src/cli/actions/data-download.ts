// What `sigil data download` does; commands/data.ts declares the options; loaded only to run. Every file
// is read and checked before the first candle is asked for, so a folder holding other data is refused
// before anything is fetched; then the symbols are fetched one after the other (ccxt's rate limiter is
// per exchange instance, and a second symbol at once would only queue behind it).
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Exchange, MarketInterface } from 'ccxt';
import { TIMEFRAMES, timeframeMs, type Timeframe } from '../../domain/candle.ts';
import { isSigilError } from '../../domain/errors.ts';
import { SystemClock } from '../../clock/system-clock.ts';
import { symbolFromPath } from '../../marketdata/candle-file.ts';
import { createCcxtExchange } from '../../marketdata/ccxt-feed.ts';
import { ccxtPages, withCcxtRetry, type RetryOptions } from '../../marketdata/download/ccxt-pages.ts';
import { CandleFileConflictError } from '../../marketdata/download/download-file.ts';
import {
  planSymbol,
  runSymbol,
  summarizeFile,
  type FileSummary,
  type SymbolPlan,
} from '../../marketdata/download/download-symbol.ts';
import { UsageError } from '../cli-error.ts';
import type { DownloadOptions } from '../commands/data.ts';
import { progressBar } from '../progress-bar.ts';
import { showsProgress } from '../progress-option.ts';
import { isoTime, renderTable } from '../table.ts';
import { timeRangeOptions } from '../time-option.ts';

/** Bars asked per request: binance spot's maximum; ccxt lowers it to each exchange's own. */
const PAGE_SIZE = 1000;
/** Gaps listed per symbol in the text report; --json lists them all. */
const GAPS_SHOWN = 10;
const CANDLE_FILE = /\.(csv|json)(\.gz)?$/;

interface SymbolReport extends FileSummary {
  symbol: string;
  file: string;
  added: number;
}

export async function dataDownload(options: DownloadOptions): Promise<void> {
  const timeframe = timeframeOption(options.timeframe);
  const { from, to } = timeRangeOptions(options);
  const barMs = timeframeMs(timeframe);
  const clock = new SystemClock();
  // The bar still forming is left out: written now, it would disagree with itself once closed.
  const end = Math.min(to ?? Infinity, Math.floor(clock.now() / barMs) * barMs);
  if (from === undefined || from >= end) {
    throw new UsageError(
      `--from ${options.from} leaves nothing to download: no ${timeframe} bar has closed since`,
    );
  }
  const symbols = symbolsOption(options.symbols);
  const out = resolve(options.out ?? join('data', options.exchange, timeframe));
  const bar = progressBar({ enabled: showsProgress(options) });
  const retry: RetryOptions = {
    clock,
    onWait: (ms, reason) =>
      bar.writeAbove(`waiting ${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s: ${reason}`),
  };

  const exchange = await openExchange(options, timeframe);
  await withCcxtRetry(`ccxt:${exchange.id} markets`, exchange, retry, (attempt) =>
    // ccxt keeps a failed loadMarkets and hands it to every later call: a retry must reload.
    exchange.loadMarkets(attempt > 1),
  );
  mkdirSync(out, { recursive: true });
  const plans = symbols.map((symbol) => {
    const market = marketOf(exchange, symbol);
    const fileSymbol = market.symbol.replace('/', '').replace(':', '-');
    const file = join(out, `${fileSymbol}.csv`);
    refuseOtherFiles(out, fileSymbol, file);
    const source = `ccxt:${exchange.id} ${market.symbol}`;
    return planSymbol({ symbol: market.symbol, source, file, fileSymbol, timeframe, from, end });
  });

  const reports: SymbolReport[] = [];
  bar.start(
    plans.reduce((n, plan) => n + plan.slots, 0),
    'download',
  );
  try {
    let before = 0;
    for (const plan of plans) {
      reports.push(
        await download(plan, exchange, retry, (slots, at) =>
          bar.update(before + slots, `${plan.source} ${isoTime(at)}`),
        ),
      );
      before += plan.slots;
    }
  } finally {
    bar.stop();
  }
  printReport(reports, options.json === true);
}

async function download(
  plan: SymbolPlan,
  exchange: Exchange,
  retry: RetryOptions,
  onProgress: (slots: number, at: number) => void,
): Promise<SymbolReport> {
  const { symbol } = plan;
  const fetchPage = ccxtPages({
    ...retry,
    exchange,
    symbol,
    fileSymbol: plan.fileSymbol,
    timeframe: plan.timeframe,
    pageSize: PAGE_SIZE,
  });
  const added = await runSymbol(plan, { fetchPage, pageSize: PAGE_SIZE, onProgress });
  const summary = summarizeFile(plan.file, plan.fileSymbol, plan.timeframe);
  // A header alone is no candle file: every reader would refuse the folder for it.
  if (summary.bars === 0) rmSync(plan.file);
  return { symbol, file: summary.bars === 0 ? '' : plan.file, added, ...summary };
}

function printReport(reports: readonly SymbolReport[], json: boolean): void {
  if (json) {
    const gaps = (r: SymbolReport) =>
      r.gaps.map((g) => ({ from: isoTime(g.from), to: isoTime(g.to), bars: g.bars }));
    const rows = reports.map((r) => ({
      ...r,
      first: isoTime(r.first),
      last: isoTime(r.last),
      gaps: gaps(r),
    }));
    return console.log(JSON.stringify(rows, null, 2));
  }
  console.log(
    renderTable(
      ['symbol', 'file', 'new bars', 'bars', 'first', 'last', 'gaps', 'missing bars'],
      reports.map((r) => [
        r.symbol,
        r.file,
        r.added,
        r.bars,
        isoTime(r.first),
        isoTime(r.last),
        r.gaps.length,
        r.gaps.reduce((n, g) => n + g.bars, 0),
      ]),
    ),
  );
  for (const r of reports) {
    if (r.gaps.length === 0) continue;
    console.log(
      `\n${r.symbol}: ${r.gaps.length} gap${r.gaps.length === 1 ? '' : 's'} (bars the exchange does not have):`,
    );
    for (const gap of r.gaps.slice(0, GAPS_SHOWN)) {
      console.log(`  ${isoTime(gap.from)} → ${isoTime(gap.to)}  ${gap.bars} bar${gap.bars === 1 ? '' : 's'}`);
    }
    if (r.gaps.length > GAPS_SHOWN)
      console.log(`  … ${r.gaps.length - GAPS_SHOWN} more (--json lists them all)`);
  }
}

function timeframeOption(text: string): Timeframe {
  if (!Object.hasOwn(TIMEFRAMES, text)) {
    throw new UsageError(`--timeframe ${text} is not one of ${Object.keys(TIMEFRAMES).join(', ')}`);
  }
  return text as Timeframe;
}

function symbolsOption(text: string): string[] {
  const symbols = [...new Set(text.split(',').map((s) => s.trim()))];
  if (symbols.some((s) => s === '')) throw new UsageError(`--symbols "${text}" has an empty name`);
  return symbols;
}

async function openExchange(options: DownloadOptions, timeframe: Timeframe): Promise<Exchange> {
  if (options.exchangeUrl !== undefined && !URL.canParse(options.exchangeUrl)) {
    throw new UsageError(`--exchange-url "${options.exchangeUrl}" is not a URL`);
  }
  let exchange: Exchange;
  try {
    exchange = await createCcxtExchange(options.exchange, {
      ...(options.exchangeUrl !== undefined ? { apiUrl: options.exchangeUrl } : {}),
    });
  } catch (error) {
    if (isSigilError(error) && error.code === 'unknown_exchange')
      throw new UsageError(`--exchange: ${error.message}`);
    throw error;
  }
  // Capabilities, not names, decide what an exchange can give (style item 5).
  if (!exchange.has.fetchOHLCV)
    throw new UsageError(`--exchange ${exchange.id}: ccxt cannot fetch its candles`);
  if (exchange.timeframes !== undefined && !(timeframe in exchange.timeframes)) {
    throw new UsageError(
      `--timeframe ${timeframe}: ${exchange.id} has no such candles (it has ${Object.keys(exchange.timeframes).join(', ')})`,
    );
  }
  return exchange;
}

/** The market a --symbols entry names: ccxt's unified symbol (BTC/USDT) or the exchange's own id (BTCUSDT). */
function marketOf(exchange: Exchange, symbol: string): MarketInterface {
  const market = exchange.markets?.[symbol] ?? exchange.markets_by_id?.[symbol]?.[0];
  if (market === undefined || market === null) {
    throw new UsageError(
      `--symbols: ${exchange.id} has no market ${symbol} (write symbols as ccxt does, e.g. BTC/USDT)`,
    );
  }
  return market;
}

/** Another file of the same symbol (BTCUSDT.csv.gz, BTC_USDT-1h.json) would be read beside the new one. */
function refuseOtherFiles(out: string, fileSymbol: string, file: string): void {
  for (const name of readdirSync(out)) {
    const path = join(out, name);
    if (CANDLE_FILE.test(name) && path !== file && symbolFromPath(path) === fileSymbol) {
      throw new CandleFileConflictError(
        path,
        `holds ${fileSymbol} already, so ${file} would stand beside it`,
      );
    }
  }
}
