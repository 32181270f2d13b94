import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIsoDay, parseIsoTime } from './iso-time.ts';

describe('strict ISO 8601 times typed by a person', () => {
  it('reads a day, a time without a zone as UTC, and a time with Z or an offset', () => {
    const cases: [string, number][] = [
      ['2023-06-01', Date.UTC(2023, 5, 1)],
      ['2023-06-01T13:00', Date.UTC(2023, 5, 1, 13)],
      ['2023-06-01T13:00:59', Date.UTC(2023, 5, 1, 13, 0, 59)],
      ['2023-06-01T13:00:59.5', Date.UTC(2023, 5, 1, 13, 0, 59, 500)],
      ['2023-06-01T13:00:59.123Z', Date.UTC(2023, 5, 1, 13, 0, 59, 123)],
      ['2023-06-01T13:00Z', Date.UTC(2023, 5, 1, 13)],
      ['2023-06-01T13:00+02:00', Date.UTC(2023, 5, 1, 11)],
      ['2023-06-01T13:00:00-04:30', Date.UTC(2023, 5, 1, 17, 30)],
      ['2024-02-29T00:00Z', Date.UTC(2024, 1, 29)],
      ['2000-02-29', Date.UTC(2000, 1, 29)],
      ['0050-01-01', new Date(0).setUTCFullYear(50, 0, 1)],
    ];
    for (const [text, expected] of cases) assert.equal(parseIsoTime(text), expected, text);
  });

  it('is UTC whatever the zone of the machine: Date.parse read a zone-less time in local time', () => {
    // Under TZ=America/New_York Date.parse('2023-06-01T13:00') is 17:00Z; the CLI test runs that machine.
    assert.equal(parseIsoTime('2023-06-01T13:00'), Date.parse('2023-06-01T13:00:00Z'));
  });

  it('refuses what Date.parse took: other orders, impossible dates, spaces, missing or extra parts', () => {
    for (const text of [
      '01/02/2022',
      '2022/01/02',
      'June 1, 2023',
      '1 Jun 2023 13:00 GMT',
      '2021-13-45',
      '2021-02-29',
      '1900-02-29T00:00Z',
      '2021-04-31',
      '2023-06-01 13:00',
      '2023-06-01T13',
      '2023-06-01T24:00',
      '2023-06-01T13:60',
      '2023-06-01T13:00:60',
      '2023-06-01T13:00:00.1234Z',
      '2023-06-01T13:00:00.Z',
      '2023-06-01T13:00+24:00',
      '2023-06-01T13:00+0200',
      '2023-06-01T13:00+02',
      '2023-06-01t13:00z',
      '2023-6-1',
      '+002023-06-01',
      ' 2023-06-01',
      '2023-06-01 ',
      '1685624400000',
      '',
      'now',
    ]) {
      assert.equal(parseIsoTime(text), null, text);
    }
  });

  it('reads a day as itself when it is a real date, and nothing else as a day', () => {
    assert.equal(parseIsoDay('2024-02-29'), '2024-02-29');
    for (const text of [
      '2021-13-45',
      '2023-02-29',
      '2023-06-01T00:00',
      '20230601',
      '2023-6-01',
      '01/06/2023',
    ]) {
      assert.equal(parseIsoDay(text), null, text);
    }
  });
});
