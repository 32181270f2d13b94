// The cross-section the model learns from: feature rows aligned by trading date across the universe, and
// each row's target, the log return to the next date of the panel.
//
// A date is in the panel only when every symbol has a bar on it with its features ready, so every
// cross-section ranks the same universe and every target spans the same calendar interval for all
// symbols (around a holiday that one market skips, that interval is two bars for the others).
import type { Candle } from '../../domain/candle.ts';
import type { EpochMs } from '../../domain/ids.ts';
import { symbolFeatures, tradingDateOf, type SymbolFeatureRow } from './features.ts';

export type CandlesBySymbol = Readonly<Record<string, readonly Candle[]>>;

export interface PanelRow {
  symbol: string;
  close: number;
  atr: number;
  features: number[];
  /** ln(close at the next panel date / close at this date); null on the last date (not known yet). */
  target: number | null;
}

export interface PanelDate {
  date: string;
  /** Open time of the bars of this date. */
  time: EpochMs;
  /** One row per symbol, in the panel's symbol order. */
  rows: PanelRow[];
}

export interface FeaturePanel {
  /** Sorted, so the panel does not depend on the order the caller's object lists its keys. */
  symbols: readonly string[];
  dates: PanelDate[];
}

export interface TrainingSet {
  features: number[][];
  targets: number[];
}

/**
 * Builds the panel from each symbol's candles (sorted ascending). Candles dated after `until`
 * (YYYY-MM-DD, inclusive), when given, are dropped first, so nothing later can influence any row.
 */
export function buildPanel(candlesBySymbol: CandlesBySymbol, until?: string): FeaturePanel {
  const symbols = Object.keys(candlesBySymbol).sort();
  if (symbols.length === 0) throw new RangeError('the universe holds no symbols');
  const bySymbol = symbols.map((symbol) => {
    const candles = candlesBySymbol[symbol] ?? [];
    const known = until === undefined ? candles : candles.filter((c) => tradingDateOf(c.time) <= until);
    const byDate = new Map<string, SymbolFeatureRow>();
    for (const row of symbolFeatures(known)) {
      if (byDate.has(row.date)) {
        throw new RangeError(`${symbol} has two bars on ${row.date}: the ranking scanner needs daily bars`);
      }
      byDate.set(row.date, row);
    }
    return byDate;
  });

  const [first, ...others] = bySymbol;
  const dates: PanelDate[] = [];
  for (const [date, firstRow] of first ?? []) {
    const aligned = [firstRow, ...others.map((rows) => rows.get(date))];
    if (!aligned.every((row) => row !== undefined)) continue;
    dates.push({
      date,
      time: firstRow.time,
      rows: aligned.map((row, k) => ({
        symbol: symbols[k] as string,
        close: row.close,
        atr: row.atr,
        features: row.features,
        target: null,
      })),
    });
  }
  dates.forEach((entry, i) => {
    const next = dates[i + 1];
    if (!next) return;
    entry.rows.forEach((row, k) => {
      const later = (next.rows[k] as PanelRow).close;
      // Prices are positive (the features would not be ready otherwise), so the log is finite.
      row.target = Math.log(later / row.close);
    });
  });
  return { symbols, dates };
}

/** Index of `date` in the panel, or −1. */
export function panelIndexOf(panel: FeaturePanel, date: string): number {
  return panel.dates.findIndex((entry) => entry.date === date);
}

/**
 * The rows of the `window` panel dates before `index` — the rolling training window for a prediction at
 * `index`. The last of them targets the close of `index` itself, so every target is known by then and
 * none reaches past it.
 */
export function trainingSetBefore(panel: FeaturePanel, index: number, window: number): TrainingSet {
  if (!Number.isInteger(window) || window < 1)
    throw new RangeError(`training window must be ≥ 1 date, got ${window}`);
  if (index - window < 0)
    throw new RangeError(`only ${index} dates before index ${index}; the window needs ${window}`);
  const features: number[][] = [];
  const targets: number[] = [];
  for (const entry of panel.dates.slice(index - window, index)) {
    for (const row of entry.rows) {
      if (row.target === null) throw new Error(`no target on ${entry.date}: training would look ahead`);
      features.push(row.features);
      targets.push(row.target);
    }
  }
  return { features, targets };
}
