// How a sweep report's values read on its HTML page: swept key values (a number, a word, a flag, a list),
// objectives in their own unit, UTC spans, settings by index. Shared by the tables and the charts, so a
// value reads the same in the ranking, the heatmap and a tooltip.
import { fixed, formatTime, money, plain } from '../backtest/html-table.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { KeyValue, Objective, SweepReport } from './sweep-report.ts';

export function keyValueText(value: KeyValue): string {
  if (typeof value === 'number') return plain(value);
  if (typeof value === 'string') return value;
  if (value === undefined) return '—';
  return JSON.stringify(value) ?? String(value);
}

/** What makes two values the same cell or row: 5 and "5" differ, two lists [1, 2] do not. */
export function keyValueId(value: KeyValue): string {
  return value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
}

/** Numbers numerically (5 before 20 before 100) and first; anything else by its text. */
export function compareKeyValues(a: KeyValue, b: KeyValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  const x = keyValueText(a);
  const y = keyValueText(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A setting's value of a key, own properties only: a key named "constructor" must not find Object's. */
export function valueOf(values: Record<string, KeyValue>, key: string): KeyValue {
  return Object.hasOwn(values, key) ? values[key] : undefined;
}

/** Money objectives like the money columns, ratios with two decimals. */
export function objectiveText(objective: Objective, value: number | null): string {
  if (value === null) return '—';
  return objective === 'expectancy' || objective === 'total_pnl' ? money(value) : fixed(value, 2);
}

/**
 * Where an objective turns from losing to winning: 0, except a profit factor's 1 (it is never below 0,
 * so centring its colours on 0 would paint every setting green).
 */
export function breakEven(objective: Objective): number {
  return objective === 'profit_factor' ? 1 : 0;
}

/** A day as `2024-01-01` when it starts at midnight UTC (sweeps and windows mostly do), else to the second. */
export function utc(ms: EpochMs): string {
  if (!Number.isFinite(ms)) return String(ms);
  const iso = new Date(ms).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : formatTime(iso);
}

export function span(from: EpochMs, to: EpochMs): string {
  return `${utc(from)} → ${utc(to)}`;
}

/** The label of the setting with this index (−1: the config's own), as the ranking shows it. */
export function labelOf(report: SweepReport, index: number): string {
  if (index === -1) return 'config as written';
  return report.settings.find((s) => s.index === index)?.label ?? `setting #${index}`;
}
