// What a backup or a copy prints of what it copied: rows per table and the total, for the operator to
// hold against the source.
import type { TableCount } from '../app/store-copy.ts';
import { renderTable } from './table.ts';

export function tableCountsText(tables: readonly TableCount[]): string {
  const total = tables.reduce((sum, t) => sum + t.rows, 0);
  return [
    renderTable(
      ['table', 'rows'],
      tables.map((t) => [t.table, t.rows]),
    ),
    `${total} rows in ${tables.length} tables`,
  ].join('\n');
}
