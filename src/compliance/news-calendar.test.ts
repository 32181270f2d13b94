import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { readNewsCalendar } from './news-calendar.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sigil-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function calendar(text: string): string {
  const file = path.join(dir, 'news.csv');
  writeFileSync(file, text);
  return file;
}

describe('readNewsCalendar', () => {
  it('reads events sorted by time, with quoted titles, offsets, comments and blank lines', () => {
    const file = calendar(
      [
        'time,currencies,title',
        '# high-impact releases, November',
        '2026-11-06T13:30:00Z,USD,"Non-Farm Payrolls, October"',
        '',
        '2026-11-05T14:00:00+02:00,EUR|USD,ECB "Lagarde" speech',
        '2026-11-04T09:00Z,* ,"He said ""hold"""',
        '2026-11-07T08:00:00.5-05:00,gbp jpy,BoE minutes\r',
      ].join('\n'),
    );
    assert.deepEqual(readNewsCalendar(file), [
      { at: Date.parse('2026-11-04T09:00:00Z'), currencies: ['*'], title: 'He said "hold"' },
      { at: Date.parse('2026-11-05T12:00:00Z'), currencies: ['EUR', 'USD'], title: 'ECB "Lagarde" speech' },
      { at: Date.parse('2026-11-06T13:30:00Z'), currencies: ['USD'], title: 'Non-Farm Payrolls, October' },
      { at: Date.parse('2026-11-07T13:00:00.500Z'), currencies: ['GBP', 'JPY'], title: 'BoE minutes' },
    ]);
  });

  it('a file with only the header has no events', () => {
    assert.deepEqual(readNewsCalendar(calendar('time,currencies,title\n')), []);
  });

  const bad: [string, string][] = [
    ['2026-13-01,USD,CPI', 'line 4: time "2026-13-01" is not an ISO-8601 time'],
    ['2026-02-30T10:00:00Z,USD,CPI', 'line 4: time "2026-02-30T10:00:00Z" is not an ISO-8601 time'],
    ['2026-02-03T10:00:00,USD,CPI', 'line 4: time "2026-02-03T10:00:00" is not an ISO-8601 time'],
    ['2026-02-03T10:00:00Z,,CPI', 'line 4: no currencies'],
    ['2026-02-03T10:00:00Z,US-D,CPI', 'line 4: currency "US-D" is not a currency code'],
    ['2026-02-03T10:00:00Z,USD,CPI, core', 'line 4: expected 3 fields (time,currencies,title), got 4'],
    ['2026-02-03T10:00:00Z,USD,"CPI', 'line 4: a quoted field has no closing quote'],
    ['2026-02-03T10:00:00Z,USD,', 'line 4: the title is empty'],
  ];
  for (const [line, message] of bad) {
    it(`names the file and line: ${message}`, () => {
      const file = calendar(`time,currencies,title\n# comment\n2026-02-01T10:00:00Z,USD,GDP\n${line}\n`);
      assert.throws(
        () => readNewsCalendar(file),
        (error: unknown) => error instanceof Error && error.message.startsWith(`${file} ${message}`),
      );
    });
  }

  it('requires the header', () => {
    const file = calendar('2026-02-01T10:00:00Z,USD,GDP\n');
    assert.throws(
      () => readNewsCalendar(file),
      /news\.csv line 1: expected the header "time,currencies,title"/,
    );
  });
});
