// Plain aligned text tables for the terminal: numbers right-aligned, so their digits line up, everything
// else left.

export type Align = 'left' | 'right';

export interface TableOptions {
  /**
   * Per column, overriding the guess: a column not given is right-aligned when each cell is a number,
   * reads as one (formatted money `-1,234.50`, `12.5%`, `1.5×`) or is empty or `—`, and one at least is.
   */
  align?: readonly (Align | undefined)[];
}

/** A formatted number: sign, digits with optional thousands commas and decimals, an exponent, a unit sign. */
const NUMBER_TEXT = /^[+\-\u2212]?\d[\d,]*(\.\d+)?(e[+-]?\d+)?\s?[%×]?$/i;
/** What a table shows for a missing number: it does not make a column text. */
const PLACEHOLDERS = new Set(['', '—', '-', 'n/a']);

export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
  options: TableOptions = {},
): string {
  const cells = rows.map((row) => row.map((cell) => (cell === null ? '' : String(cell))));
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...cells.map((row) => (row[i] ?? '').length)),
  );
  const right = headers.map((_, i) => (options.align?.[i] ?? guessAlign(rows, i)) === 'right');
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => (right[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}

function guessAlign(rows: readonly (readonly (string | number | null)[])[], column: number): Align {
  let numbers = 0;
  for (const row of rows) {
    const cell = row[column] ?? null;
    if (typeof cell === 'number') numbers++;
    else if (cell !== null && NUMBER_TEXT.test(cell.trim())) numbers++;
    else if (cell !== null && !PLACEHOLDERS.has(cell.trim())) return 'left';
  }
  return numbers > 0 ? 'right' : 'left';
}

export function isoTime(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toISOString().replace('.000Z', 'Z');
}
