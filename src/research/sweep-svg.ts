// The sweep report's two pictures, drawn here as markup rather than in the page's script: the heatmap of
// the objective over two swept keys (an HTML table with coloured cells) and the in-sample vs
// out-of-sample scatter (inline SVG). Neither needs a time axis, so lightweight-charts has nothing to offer
// them, and markup drawn on the server keeps the file a pure function of the report, readable and
// testable without a browser.
import { escapeHtml, fixed } from '../backtest/html-table.ts';
import {
  breakEven,
  compareKeyValues,
  keyValueId,
  keyValueText,
  labelOf,
  objectiveText,
  valueOf,
} from './sweep-format.ts';
import type { KeyValue, SweepReport } from './sweep-report.ts';

// ---- Heatmap ----

/**
 * The two keys the heatmap shows: the ones asked for, or else the first two that take more than one value
 * among the settings; null when fewer than two vary. An unknown key is the caller's mistake: RangeError.
 */
export function heatmapKeys(
  report: SweepReport,
  requested: readonly [string, string] | undefined,
): [string, string] | null {
  if (requested !== undefined) {
    for (const key of requested) {
      if (!report.keys.includes(key)) {
        throw new RangeError(
          `the heatmap key ${JSON.stringify(key)} is not a swept key; the swept keys are: ${report.keys.join(', ')}`,
        );
      }
    }
    if (requested[0] === requested[1]) {
      throw new RangeError(`the heatmap needs two different keys, got ${requested[0]} twice`);
    }
    return [requested[0], requested[1]];
  }
  const varying = report.keys.filter((key) => distinctValues(report, key).length > 1);
  const [a, b] = varying;
  return a === undefined || b === undefined ? null : [a, b];
}

/** The values a key takes among the settings, each once, sorted (numbers numerically). */
function distinctValues(report: SweepReport, key: string): KeyValue[] {
  const byId = new Map<string, KeyValue>();
  for (const s of report.settings) {
    const value = valueOf(s.values, key);
    byId.set(keyValueId(value), value);
  }
  return [...byId.values()].sort(compareKeyValues);
}

const GREEN = [43, 138, 62] as const;
const RED = [201, 42, 42] as const;

/**
 * Columns are the first key's values, rows the second's; a cell holds the best objective among the
 * settings with both values (over the other keys' values), coloured by its distance from break-even
 * relative to the farthest cell: green above, red below. A pair without a setting that has an objective
 * is a grey "—".
 */
export function heatmap(report: SweepReport, [keyX, keyY]: readonly [string, string]): string {
  const xs = distinctValues(report, keyX);
  const ys = distinctValues(report, keyY);
  const best = new Map<string, { objective: number; index: number }>();
  for (const s of report.settings) {
    if (s.objective === null) continue;
    const cell = `${keyValueId(valueOf(s.values, keyX))}\n${keyValueId(valueOf(s.values, keyY))}`;
    const current = best.get(cell);
    if (current === undefined || s.objective > current.objective) {
      best.set(cell, { objective: s.objective, index: s.index });
    }
  }
  const neutral = breakEven(report.objective);
  const scale = Math.max(0, ...[...best.values()].map((b) => Math.abs(b.objective - neutral)));
  const head = xs.map((x) => `<th>${escapeHtml(keyValueText(x))}</th>`).join('');
  const rows = ys.map((y) => {
    const cells = xs.map((x) => {
      const where = `${keyX}=${keyValueText(x)}, ${keyY}=${keyValueText(y)}`;
      const found = best.get(`${keyValueId(x)}\n${keyValueId(y)}`);
      if (found === undefined) {
        return `<td class="heat empty" title="${escapeHtml(`${where}: no setting with an objective`)}">—</td>`;
      }
      const text = objectiveText(report.objective, found.objective);
      const title = `${where}: ${text} (${labelOf(report, found.index)})`;
      const t = scale === 0 ? 0 : Math.abs(found.objective - neutral) / scale;
      const style = `background:${shade(found.objective >= neutral ? GREEN : RED, t)};color:${t > 0.55 ? '#ffffff' : '#212529'}`;
      return `<td class="heat" style="${style}" title="${escapeHtml(title)}">${escapeHtml(text)}</td>`;
    });
    return `<tr><th class="text">${escapeHtml(keyValueText(y))}</th>${cells.join('')}</tr>`;
  });
  const corner = `${escapeHtml(keyY)} ↓ &nbsp; ${escapeHtml(keyX)} →`;
  return `<div class="table-scroll"><table class="heatmap">\n<thead><tr><th class="text">${corner}</th>${head}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table></div>`;
}

/** White mixed with the colour by t (0..1), as #rrggbb. */
function shade(rgb: readonly [number, number, number], t: number): string {
  return `#${rgb
    .map((c) =>
      Math.round(255 + (c - 255) * t)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

// ---- Scatter ----

const PLOT = 360;
const MARGIN = { left: 64, right: 14, top: 14, bottom: 44 } as const;
const WIDTH = MARGIN.left + PLOT + MARGIN.right;
const HEIGHT = MARGIN.top + PLOT + MARGIN.bottom;
const AXIS_COLOR = '#adb5bd';
const GRID_COLOR = '#f1f3f5';

/**
 * One dot per point, on one scale for both axes so the diagonal y = x runs corner to corner: a setting
 * on it did as well out of sample as in sample. The best setting's dots are orange; a dot's tooltip names
 * its setting.
 */
export function scatter(report: SweepReport): string {
  const { basis, points } = report.scatter;
  const shown = points.filter((p) => Number.isFinite(p.inSample) && Number.isFinite(p.outOfSample));
  if (shown.length === 0) return '<p class="muted">No points: no setting had an objective in both parts.</p>';
  const values = shown.flatMap((p) => [p.inSample, p.outOfSample]);
  const tickList = ticks(Math.min(0, ...values), Math.max(0, ...values));
  const low = tickList[0]?.value ?? 0;
  const high = tickList[tickList.length - 1]?.value ?? 1;
  const x = (v: number): string => coordinate(MARGIN.left + ((v - low) / (high - low)) * PLOT);
  const y = (v: number): string => coordinate(MARGIN.top + ((high - v) / (high - low)) * PLOT);
  const [xName, yName] =
    basis === 'halves'
      ? ['in sample: first half', 'out of sample: second half']
      : ['in sample: training window', 'out of sample: its test window'];
  const parts: string[] = [];
  for (const t of tickList) {
    const stroke = t.value === 0 ? AXIS_COLOR : GRID_COLOR;
    parts.push(
      `<line x1="${x(low)}" x2="${x(high)}" y1="${y(t.value)}" y2="${y(t.value)}" stroke="${stroke}"/>`,
      `<line x1="${x(t.value)}" x2="${x(t.value)}" y1="${y(low)}" y2="${y(high)}" stroke="${stroke}"/>`,
      `<text x="${coordinate(MARGIN.left - 6)}" y="${coordinate(Number(y(t.value)) + 4)}" text-anchor="end">${t.label}</text>`,
      `<text x="${x(t.value)}" y="${coordinate(MARGIN.top + PLOT + 16)}" text-anchor="middle">${t.label}</text>`,
    );
  }
  parts.push(
    `<line class="diagonal" x1="${x(low)}" y1="${y(low)}" x2="${x(high)}" y2="${y(high)}" stroke="#868e96" stroke-dasharray="4 4"/>`,
    `<text x="${coordinate(MARGIN.left + PLOT / 2)}" y="${HEIGHT - 6}" text-anchor="middle">${xName}</text>`,
    `<text transform="rotate(-90)" x="${coordinate(-(MARGIN.top + PLOT / 2))}" y="14" text-anchor="middle">${yName}</text>`,
  );
  for (const p of shown) {
    const isBest = p.index === report.best;
    const tip =
      `${labelOf(report, p.index)}: in sample ${objectiveText(report.objective, p.inSample)}, ` +
      `out of sample ${objectiveText(report.objective, p.outOfSample)}`;
    parts.push(
      `<circle cx="${x(p.inSample)}" cy="${y(p.outOfSample)}" r="${isBest ? 5 : 3.5}" fill="${isBest ? '#e8590c' : '#2962ff'}" fill-opacity="0.65"><title>${escapeHtml(tip)}</title></circle>`,
    );
  }
  return (
    `<svg class="scatter" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" ` +
    `aria-label="${escapeHtml(`${report.objective}: ${xName} against ${yName}`)}" font-size="12" fill="#343a40">\n` +
    `${parts.join('\n')}\n</svg>`
  );
}

/** Two decimals: enough for a pixel, and stable text for equal input. */
function coordinate(value: number): string {
  return String(Number(value.toFixed(2)));
}

/** Round steps (1, 2, 2.5 or 5 times a power of ten) spanning [low, high], zero among them (as sigil-charts.js). */
function ticks(low: number, high: number): { value: number; label: string }[] {
  const raw = (high === low ? 1 : high - low) / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const multiple = [1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10;
  const step = multiple * power;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (multiple === 2.5 ? 1 : 0));
  const list: { value: number; label: string }[] = [];
  // Whole multiples of the step, so zero is exactly 0 and not the sum of a few float steps.
  for (let i = Math.floor(low / step); i <= Math.ceil(high / step) && list.length <= 20; i++) {
    list.push({ value: i * step, label: fixed(i * step, decimals) });
  }
  // All points at 0: one tick would make a plot of zero width.
  if (list.length === 1) list.push({ value: step, label: fixed(step, decimals) });
  return list;
}
