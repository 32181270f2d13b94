import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTable } from './table.ts';

describe('renderTable', () => {
  it('right-aligns numbers and numbers written as text (money, percentages), text stays left', () => {
    const text = renderTable(
      ['variant', 'trades', 'P&L', 'win rate', 'note'],
      [
        ['trend', 12, '1,234.50', '50.0%', 'ok'],
        ['mean_reversion', 3, '\u22127.25', '—', 'a longer note'],
        ['x', null, '-0.5', '100.0%', ''],
      ],
    );
    assert.equal(
      text,
      [
        'variant         trades       P&L  win rate  note',
        'trend               12  1,234.50     50.0%  ok',
        'mean_reversion       3     \u22127.25         —  a longer note',
        'x                           -0.5    100.0%',
      ].join('\n'),
    );
  });

  it('keeps a column left when one cell is not a number, and follows an explicit alignment', () => {
    const rows = [
      ['a', '2026-01-05', '12 of 40'],
      ['b', '2026-01-06', '3'],
    ];
    assert.equal(
      renderTable(['k', 'date', 'picks'], rows),
      'k  date        picks\na  2026-01-05  12 of 40\nb  2026-01-06  3',
    );
    assert.equal(
      renderTable(['k', 'date', 'picks'], rows, { align: [undefined, undefined, 'right'] }),
      'k  date           picks\na  2026-01-05  12 of 40\nb  2026-01-06         3',
    );
    // Only placeholders: nothing to line up, left as before.
    assert.equal(renderTable(['v', 'owns'], [['a', '—']]), 'v  owns\na  —');
  });
});
