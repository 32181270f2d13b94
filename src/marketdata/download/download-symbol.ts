// One symbol's download: what to fetch given what its file already holds, and the paging itself.
// A file is only ever extended: after its last bar (resume), and before its first when --from is
// earlier. Where fetched bars overlap the file's they must be the same bars — the file's last bar is
// always fetched again for that — or the download stops before writing anything of that stretch.
import { readFileSync } from 'node:fs';
import type { Candle, CandleGap, Timeframe } from '../../domain/candle.ts';
import { timeframeMs } from '../../domain/candle.ts';
import { CandleDataError } from '../candle-data-error.ts';
import { parseCandleCsv } from '../candle-csv.ts';
import { findSeriesGaps } from '../gaps.ts';
import type { FetchPage } from './ccxt-pages.ts';
import {
  appendBars,
  CandleFileConflictError,
  dropCutLine,
  isoTime,
  prependBars,
  readHeldFile,
  startFile,
  type HeldFile,
} from './download-file.ts';

/** Open times [from, to): `to` is not fetched. */
interface Span {
  from: number;
  to: number;
}

export interface SymbolPlan {
  /** The exchange's symbol, as ccxt writes it: `BTC/USDT`. */
  symbol: string;
  /** Names the source in messages: `ccxt:binance BTC/USDT`. */
  source: string;
  file: string;
  fileSymbol: string;
  timeframe: Timeframe;
  held: HeldFile | null;
  /** Before the file's first bar, when --from is earlier. */
  head: Span | null;
  /** From the file's last bar (fetched again, to compare) or from --from, up to the end. */
  tail: Span | null;
  /** Bar slots still to cover: the progress bar's share of this symbol. */
  slots: number;
}

export interface PlanRequest {
  symbol: string;
  source: string;
  file: string;
  fileSymbol: string;
  timeframe: Timeframe;
  from: number;
  /** Exclusive: the earlier of --to and the open time of the bar still forming. */
  end: number;
}

/** Reads what the file holds (refusing other data) and decides what to fetch; fetches nothing. */
export function planSymbol(request: PlanRequest): SymbolPlan {
  const { from, end, timeframe } = request;
  const barMs = timeframeMs(timeframe);
  const held = readHeldFile(request.file, request.fileSymbol, timeframe);
  const first = held?.series.time[0];
  const last = held?.series.time[held.series.length - 1];
  const head = first !== undefined && from < first ? { from, to: Math.min(first, end) } : null;
  const tailFrom = last ?? from;
  const tail = (last === undefined ? tailFrom : tailFrom + barMs) < end ? { from: tailFrom, to: end } : null;
  const slots =
    (head ? (head.to - head.from) / barMs : 0) +
    (tail ? (tail.to - tail.from) / barMs - (last === undefined ? 0 : 1) : 0);
  return { ...request, held, head, tail, slots: Math.max(0, Math.ceil(slots)) };
}

export interface RunOptions {
  fetchPage: FetchPage;
  /** Bars asked per request: how far an empty answer moves the cursor on. */
  pageSize: number;
  /** Bar slots covered so far of this symbol's plan. */
  onProgress?: (slots: number, at: number) => void;
}

/** Fetches the plan's spans into the file; returns how many bars were added. */
export async function runSymbol(plan: SymbolPlan, options: RunOptions): Promise<number> {
  const { held } = plan;
  if (held === null) startFile(plan.file);
  // The tail first: it checks the file's last bar against the exchange's before anything is written.
  const added = plan.tail ? await fetchTail(plan, plan.tail, options) : 0;
  const tailSlots = plan.tail ? slotsBetween(plan.tail, plan.tail.to, plan.timeframe) - (held ? 1 : 0) : 0;
  return added + (plan.head && held ? await fetchHead(plan, plan.head, held, tailSlots, options) : 0);
}

/** The bars before the file's first, kept in memory and put in front of the file once all are there. */
async function fetchHead(
  plan: SymbolPlan,
  head: Span,
  held: HeldFile,
  slotsBefore: number,
  options: RunOptions,
): Promise<number> {
  const bars: Candle[] = [];
  await fetchSpan(head, plan, options, (page, cursor) => {
    for (const bar of page) {
      if (bar.time < head.to) bars.push(bar);
      else checkAgrees(bar, held, plan.source);
    }
    options.onProgress?.(slotsBefore + slotsBetween(head, cursor, plan.timeframe), cursor);
  });
  dropCutLine(held);
  prependBars(held, bars);
  return bars.length;
}

/** The bars after the file's last (or from --from into a new file), appended page by page. */
async function fetchTail(plan: SymbolPlan, tail: Span, options: RunOptions): Promise<number> {
  const { held } = plan;
  const last = held ? (held.series.time[held.series.length - 1] as number) : null;
  let added = 0;
  let firstPage = true;
  await fetchSpan(tail, plan, options, (page, cursor) => {
    if (held && last !== null) {
      // The file's last bar opens the first page: the file continues this exchange's data, or is refused.
      if (firstPage && page[0]?.time !== last) {
        throw new CandleFileConflictError(
          plan.file,
          `its last bar ${isoTime(last)} is not on ${plan.source}, so the file holds other data`,
        );
      }
      for (const bar of page) if (bar.time <= last) checkAgrees(bar, held, plan.source);
    }
    const fresh = page.filter((bar) => bar.time < tail.to && (last === null || bar.time > last));
    // Only now, the file's last bar checked: a file refused keeps even a line cut short.
    if (held && firstPage) dropCutLine(held);
    appendBars(plan.file, fresh);
    firstPage = false;
    added += fresh.length;
    const covered = slotsBetween(tail, cursor, plan.timeframe) - (last === null ? 0 : 1);
    options.onProgress?.(Math.max(0, covered), cursor);
  });
  return added;
}

/**
 * Pages from `span.from` until `span.to`, each page starting after the newest bar of the one before, so
 * an exchange answering fewer bars than asked is paged all the same. An empty page moves on by a page's
 * worth of bars: binance and most exchanges answer the first bars at or after `since`, so there are none
 * left, but some answer a window of time, which may fall inside a long outage.
 */
async function fetchSpan(
  span: Span,
  plan: SymbolPlan,
  options: RunOptions,
  /** Each page, and where the next one starts (`span.to` at most). */
  onPage: (page: readonly Candle[], cursor: number) => void,
): Promise<void> {
  const barMs = timeframeMs(plan.timeframe);
  let cursor = span.from;
  while (cursor < span.to) {
    const page = (await options.fetchPage(cursor)).filter((bar) => bar.time >= cursor);
    for (let i = 1; i < page.length; i++) {
      if ((page[i] as Candle).time <= (page[i - 1] as Candle).time) {
        throw new CandleDataError(
          plan.source,
          isoTime((page[i] as Candle).time),
          'bars out of order or repeated in one answer',
        );
      }
    }
    const newest = page.at(-1);
    const next = newest === undefined ? cursor + options.pageSize * barMs : newest.time + barMs;
    onPage(page, Math.min(next, span.to));
    cursor = next;
  }
}

/** Bar slots of `span` before `cursor`. */
function slotsBetween(span: Span, cursor: number, timeframe: Timeframe): number {
  return Math.max(0, Math.round((Math.min(cursor, span.to) - span.from) / timeframeMs(timeframe)));
}

/** A fetched bar the file also holds must be the same bar (volumes to a billionth: exchanges round them). */
function checkAgrees(bar: Candle, held: HeldFile, source: string): void {
  const s = held.series;
  const i = indexOfTime(s.time, bar.time);
  if (i < 0) return;
  const same =
    s.open[i] === bar.open &&
    s.high[i] === bar.high &&
    s.low[i] === bar.low &&
    s.close[i] === bar.close &&
    Math.abs((s.volume[i] as number) - bar.volume) <= 1e-9 * Math.max(Math.abs(bar.volume), 1);
  if (same) return;
  const inFile = [s.open[i], s.high[i], s.low[i], s.close[i], s.volume[i]].join('/');
  const there = [bar.open, bar.high, bar.low, bar.close, bar.volume].join('/');
  throw new CandleFileConflictError(
    held.path,
    `holds other data than ${source}: the bar at ${isoTime(bar.time)} is ${inFile} (o/h/l/c/v) in the file and ${there} on the exchange`,
  );
}

function indexOfTime(times: Float64Array, time: number): number {
  let low = 0;
  let high = times.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const at = times[mid] as number;
    if (at === time) return mid;
    if (at < time) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

export interface FileSummary {
  bars: number;
  first: number | null;
  last: number | null;
  /** Missing bars between the file's first and last (crypto trades around the clock: every hole is one). */
  gaps: CandleGap[];
}

/** The finished file, read back whole: every bar checked again, and its gaps. */
export function summarizeFile(file: string, fileSymbol: string, timeframe: Timeframe): FileSummary {
  const series = parseCandleCsv(readFileSync(file), file, fileSymbol);
  return {
    bars: series.length,
    first: series.length > 0 ? (series.time[0] as number) : null,
    last: series.length > 0 ? (series.time[series.length - 1] as number) : null,
    gaps: findSeriesGaps(series, timeframeMs(timeframe), 'continuous'),
  };
}
