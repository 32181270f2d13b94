// The pieces the backtest HTML report is made of: a table builder (numbers right-aligned, cells coloured
// by sign, sortable by a click on a header), HTML and script escaping, and the number formatting.

export interface Column<T> {
  title: string;
  cell: (row: T) => string;
  /** Text columns align left; numbers right, so their digits line up. */
  text?: boolean;
  /** Colour the cell by the sign of this value. */
  sign?: (row: T) => number;
  /** The number a sortable table sorts the column by (its text would sort 1,000 before 9); null: none. */
  sortValue?: (row: T) => number | null;
}

/** `rowClass`: one class for every row, or each row's own (the sweep's highlighted rows); '' for none. */
export function table<T>(
  columns: readonly Column<T>[],
  rows: readonly T[],
  rowClass: string | ((row: T) => string) = '',
  sortable = false,
): string {
  const head = columns.map((c) => `<th${c.text ? ' class="text"' : ''}>${escapeHtml(c.title)}</th>`).join('');
  const body = rows.map((row) => {
    const cells = columns.map((c) => {
      const classes = [c.text ? 'text' : '', c.sign ? signClass(c.sign(row)) : ''].filter((k) => k !== '');
      const attr = classes.length === 0 ? '' : ` class="${classes.join(' ')}"`;
      const value = c.sortValue?.(row);
      const sortAttr = value === undefined ? '' : ` data-v="${value === null ? '' : String(value)}"`;
      return `<td${attr}${sortAttr}>${escapeHtml(c.cell(row))}</td>`;
    });
    const name = typeof rowClass === 'string' ? rowClass : rowClass(row);
    return `<tr${name === '' ? '' : ` class="${name}"`}>${cells.join('')}</tr>`;
  });
  // In its own scrolling box: the trade table is far wider than a phone, and the page must not be.
  return `<div class="table-scroll"><table${sortable ? ' class="sortable"' : ''}>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body.join('\n')}\n</tbody>\n</table></div>`;
}

export function signClass(value: number): string {
  return value > 0 ? 'pos' : value < 0 ? 'neg' : '';
}

// ---- Escaping ----

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * JSON that can sit inside a <script> element: the HTML parser ends the element at the first `</script`
 * whatever the JavaScript means, and `<!--` can switch it into a mode where it does not end where it
 * should. Escaping every `<` as \u003c rules out both; JSON.parse reads the escape back as `<`.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * The library's own code, made safe to inline for the same reason. It has no `</script` today; if a
 * release ever puts one in a string or a regular expression, `<\/` means the same there.
 */
export function scriptSafe(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1');
}

// ---- Formatting (by hand, not toLocaleString: the file must not depend on the host's ICU data) ----

export function grouped(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function fixed(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return String(value);
  const text = Math.abs(value).toFixed(decimals);
  const [whole = '', fraction] = text.split('.');
  const digits = fraction === undefined ? grouped(Number(whole)) : `${grouped(Number(whole))}.${fraction}`;
  // A typographic minus, as in the A/B summaries, and none on a value that rounds to zero.
  return value < 0 && Number(text) !== 0 ? `\u2212${digits}` : digits;
}

/** Two decimals, more when that would show a small amount as 0.00 (a forex variant's 0.0004 in fees). */
export function money(value: number): string {
  const size = Math.abs(value);
  const decimals = size > 0 && size < 0.01 ? Math.min(8, 1 - Math.floor(Math.log10(size))) : 2;
  return fixed(value, decimals);
}

export function percent(fraction: number): string {
  return `${fixed(fraction * 100, 1)} %`;
}

export function optional(value: number | null, decimals: number): string {
  return value === null ? '—' : fixed(value, decimals);
}

export function ratio(value: number | null): string {
  return value === null ? '—' : `${fixed(value, 1)}×`;
}

/** Prices and quantities as given, rounded to 12 significant digits to drop float noise (0.1 + 0.2). */
export function plain(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(12))) : String(value);
}

/** "2026-01-05 10:00:00Z" from the report's ISO strings; anything else is shown as it came. */
export function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.000Z$/, 'Z');
}

// ---- Sorting, in the page ----

// Sortable tables: a click on a header sorts the rows by that column, ascending, a second click
// descending. Numbers and times sort by their data-v value (the text "1,000.00" would sort before
// "9.00"), the rest by text; a cell without a value sorts last either way. Equal keys keep their order, so a sort by variant keeps each variant's trades in time order.
export const SORT_SCRIPT = `
(function () {
  'use strict';
  function keyOf(cell) {
    var value = cell.getAttribute('data-v');
    if (value === null) return cell.textContent;
    return value === '' ? null : Number(value);
  }
  function compare(a, b) {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  }
  function sortTable(table, column, descending) {
    var body = table.tBodies[0];
    var keyed = Array.prototype.map.call(body.rows, function (row, index) {
      return { row: row, key: keyOf(row.cells[column]), index: index };
    });
    keyed.sort(function (a, b) {
      if (a.key === null || b.key === null) {
        return (a.key === null) - (b.key === null) || a.index - b.index;
      }
      var order = compare(a.key, b.key);
      return (descending ? -order : order) || a.index - b.index;
    });
    keyed.forEach(function (k) {
      body.appendChild(k.row);
    });
  }
  var tables = document.querySelectorAll('table.sortable');
  Array.prototype.forEach.call(tables, function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, column) {
      th.setAttribute('title', 'Sort by ' + th.textContent);
      th.addEventListener('click', function () {
        var descending = th.getAttribute('aria-sort') === 'ascending';
        Array.prototype.forEach.call(heads, function (h) {
          h.removeAttribute('aria-sort');
        });
        th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
        sortTable(table, column, descending);
      });
    });
  });
  window.SigilReport = { sortTable: sortTable };
})();
`;

/** The reports' shared page style (the backtest report, the sweep report); each adds its own rules. */
export const REPORT_STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #212529; margin: 0 auto; padding: 1.5rem; max-width: 1280px; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; border-bottom: 1px solid #dee2e6; padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dt { color: #868e96; }
dd { margin: 0; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; word-break: break-all; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: .3rem 0; }
th, td { padding: .25rem .6rem; text-align: right; border-bottom: 1px solid #e9ecef; white-space: nowrap; }
th { background: #f8f9fa; font-weight: 600; position: sticky; top: 0; }
.text { text-align: left; }
.pos { color: #2b8a3e; }
.neg { color: #c92a2a; }
.muted, .note { color: #868e96; }
.table-scroll { overflow-x: auto; max-width: 100%; }
.sortable th { cursor: pointer; user-select: none; }
.sortable th[aria-sort=ascending]::after { content: ' \\25B2'; }
.sortable th[aria-sort=descending]::after { content: ' \\25BC'; }
.chart { height: 360px; position: relative; }
.legend { list-style: none; padding: 0; margin: .2rem 0 .4rem; display: flex; flex-wrap: wrap; gap: 1rem; }
.swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin-right: .35rem; vertical-align: -1px; }
`;

/** A report page's opening, down to `<body>`: the title and the page's style. */
export function pageHead(title: string, style: string): string[] {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${style}</style>`,
    '</head>',
    '<body>',
  ];
}
