// Every time option of the real `sigil` binary: strict ISO 8601, UTC without a zone, and a bad or empty
// time range is a usage error (exit 2) that says what is wrong — never "unexpected error".
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sigil, sigilAsync } from '../../test/support/sigil-cli.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const config = (name: string) => fileURLToPath(new URL(`../../config/${name}`, import.meta.url));

describe('sigil time options', () => {
  const dir = tempDir('sigil-time-options-');
  const db = `sqlite:${join(dir.path, 'times.db')}`;
  before(() => {
    const migrated = sigil(['--db', db, 'migrate'], dir.path);
    assert.equal(migrated.code, 0, migrated.err);
  });
  after(() => dir.remove());

  it("reads a time without a zone as UTC on any machine, and --date finds that UTC day's hourly intents", async () => {
    const url = `sqlite:${join(dir.path, 'scan.db')}`;
    const base = ['--config', config('micro-scanner.yaml'), '--db', url];
    // Date.parse read 13:00 in the machine's zone: 17:00Z in New York.
    const scan = await sigilAsync([...base, 'scan', '--at', '2023-06-01T13:00', '--json'], dir.path, {
      TZ: 'America/New_York',
    });
    assert.equal(scan.code, 0, scan.err);
    const scanned = JSON.parse(scan.out) as { at: string; signals: { inserted: boolean }[] };
    assert.equal(scanned.at, '2023-06-01T13:00:00Z');
    assert.ok(scanned.signals.length > 0 && scanned.signals.every((s) => s.inserted));

    // The micro scanner's trade date is its bar's close time; --date used to compare it with the day.
    const listed = sigil([...base, 'intents', 'list', '--date', '2023-06-01', '--json'], dir.path);
    assert.equal(listed.code, 0, listed.err);
    const intents = JSON.parse(listed.out) as { tradeDate: string }[];
    assert.equal(intents.length, scanned.signals.length);
    assert.ok(intents.every((i) => i.tradeDate === '2023-06-01T13:00:00.000Z'));
    const otherDay = sigil([...base, 'intents', 'list', '--date', '2023-05-31'], dir.path);
    assert.equal(otherDay.code, 0, otherDay.err);
    assert.match(otherDay.out, /^No intents match\.$/m);
  });

  const reference = ['--config', config('reference-strategy.yaml')];
  const usageErrors: [string, string[], RegExp][] = [
    [
      'a US date',
      [...reference, 'backtest', '--from', '01/02/2022'],
      /--from "01\/02\/2022" is not an ISO time: use YYYY-MM-DD/,
    ],
    [
      'a day that does not exist',
      [...reference, 'backtest', '--to', '2021-02-30'],
      /--to "2021-02-30" is not an ISO time/,
    ],
    [
      'a reversed range',
      [...reference, 'backtest', '--from', '2021-04-25', '--to', '2021-04-05'],
      /--from 2021-04-25T00:00:00\.000Z is not before --to 2021-04-05T00:00:00\.000Z: the range is empty/,
    ],
    [
      'an empty range on ab',
      [...reference, 'ab', '--from', '2021-04-25T00:00', '--to', '2021-04-25T00:00Z'],
      /is not before --to/,
    ],
    [
      'a range after the data',
      [...reference, 'backtest', '--from', '2030-01-01'],
      /no candles in .*crypto\/1h from 2030-01-01T00:00:00\.000Z → the end: its bars open from 2021-04-05T00:00:00\.000Z to 2023-12-29T23:00:00\.000Z/,
    ],
    [
      '--until before the data',
      [
        ...reference,
        '--db',
        `sqlite:${join(dir.path, 'until.db')}`,
        'run',
        '--no-dashboard',
        '--until',
        '2019-01-01',
      ],
      /no candles in .*crypto\/1h from the start → 2019-01-01T00:00:00\.000Z/,
    ],
    [
      '--until with a space',
      [...reference, 'run', '--no-dashboard', '--until', '2021-05-01 00:00'],
      /--until "2021-05-01 00:00" is not an ISO time/,
    ],
    [
      '--at off the clock',
      [...reference, '--db', db, 'scan', '--at', '2023-06-01T24:00'],
      /--at "2023-06-01T24:00" is not an ISO time/,
    ],
    [
      '--at of a leap day that is not',
      ['--db', db, 'locks', '--at', '2021-02-29'],
      /--at "2021-02-29" is not an ISO time/,
    ],
    [
      '--at with a space',
      ['--db', db, 'probe', '--at', '2023-06-01 13:00'],
      /--at "2023-06-01 13:00" is not an ISO time/,
    ],
    [
      '--at in words',
      ['--db', db, 'compliance', '--at', 'June 1 2023'],
      /--at "June 1 2023" is not an ISO time/,
    ],
    [
      '--date of month 13',
      ['--db', db, 'intents', 'list', '--date', '2021-13-45'],
      /--date "2021-13-45" is not a day YYYY-MM-DD/,
    ],
    [
      '--date with a time',
      ['--db', db, 'intents', 'list', '--date', '2023-06-01T00:00'],
      /--date "2023-06-01T00:00" is not a day/,
    ],
  ];
  for (const [name, args, message] of usageErrors) {
    it(`refuses ${name} as a usage error (exit 2)`, () => {
      const run = sigil(args, dir.path);
      assert.equal(run.code, 2, `${run.out}${run.err}`);
      assert.match(run.err, message);
      assert.doesNotMatch(run.err, /unexpected error/);
    });
  }
});
