import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firmDay, parseDayZone, zonedDateTime } from './firm-day.ts';

const HOUR = 3_600_000;
const utc = (iso: string): number => Date.parse(iso);

describe('firmDay: fixed offsets', () => {
  it('UTC+2: the day starts at 22:00 UTC the evening before', () => {
    assert.deepEqual(firmDay(utc('2026-11-23T21:59:59.999Z'), 'UTC+2'), {
      day: '2026-11-23',
      start: utc('2026-11-22T22:00:00Z'),
      next: utc('2026-11-23T22:00:00Z'),
    });
  });

  it('a time exactly at 00:00 belongs to the new day', () => {
    const midnight = utc('2026-11-23T22:00:00Z');
    assert.deepEqual(firmDay(midnight, 'UTC+2'), {
      day: '2026-11-24',
      start: midnight,
      next: midnight + 24 * HOUR,
    });
    assert.equal(firmDay(utc('2026-11-24T00:00:00Z'), 'UTC').day, '2026-11-24');
  });

  it('UTC-05:00 and half-hour offsets', () => {
    assert.deepEqual(firmDay(utc('2026-01-10T03:00:00Z'), 'UTC-05:00'), {
      day: '2026-01-09',
      start: utc('2026-01-09T05:00:00Z'),
      next: utc('2026-01-10T05:00:00Z'),
    });
    assert.equal(firmDay(utc('2026-01-09T18:30:00Z'), 'UTC+05:30').start, utc('2026-01-09T18:30:00Z'));
  });
});

describe('firmDay: Europe/Prague across DST switches', () => {
  it('2026-03-29 is 23 h long (clocks go 02:00 → 03:00)', () => {
    const day = firmDay(utc('2026-03-29T12:00:00Z'), 'Europe/Prague');
    assert.deepEqual(day, {
      day: '2026-03-29',
      start: utc('2026-03-28T23:00:00Z'),
      next: utc('2026-03-29T22:00:00Z'),
    });
    assert.equal(day.next - day.start, 23 * HOUR);
    // Just after the switch at 01:00 UTC it is still the same day.
    assert.equal(firmDay(utc('2026-03-29T01:00:00Z'), 'Europe/Prague').day, '2026-03-29');
  });

  it('2026-10-25 is 25 h long (clocks go 03:00 → 02:00)', () => {
    const day = firmDay(utc('2026-10-25T00:30:00Z'), 'Europe/Prague');
    assert.deepEqual(day, {
      day: '2026-10-25',
      start: utc('2026-10-24T22:00:00Z'),
      next: utc('2026-10-25T23:00:00Z'),
    });
    assert.equal(day.next - day.start, 25 * HOUR);
    assert.equal(firmDay(utc('2026-10-25T22:59:59Z'), 'Europe/Prague').day, '2026-10-25');
    assert.equal(firmDay(utc('2026-10-25T23:00:00Z'), 'Europe/Prague').day, '2026-10-26');
  });

  it('a zone whose DST switch skips midnight starts the day at the switch', () => {
    // America/Santiago: 2026-09-06 00:00 -04 became 01:00 -03 (04:00 UTC).
    const day = firmDay(utc('2026-09-06T12:00:00Z'), 'America/Santiago');
    assert.equal(day.day, '2026-09-06');
    assert.equal(day.start, utc('2026-09-06T04:00:00Z'));
    assert.equal(firmDay(day.start - 1, 'America/Santiago').day, '2026-09-05');
  });
});

describe('parseDayZone and zonedDateTime', () => {
  it('accepts IANA names and UTC offsets, rejects the rest', () => {
    for (const zone of ['Europe/Prague', 'UTC', 'UTC+2', 'UTC-05:00', 'UTC+05:30', 'UTC+0300']) {
      assert.equal(parseDayZone(zone), zone);
    }
    for (const zone of ['Mars/Olympus', 'UTC+15', 'UTC+2:75', 'GMT+2x', '']) {
      assert.equal(parseDayZone(zone), null, zone);
    }
    assert.throws(() => firmDay(0, 'Mars/Olympus'), /unknown day zone "Mars\/Olympus"/);
  });

  it('formats local wall time', () => {
    assert.equal(zonedDateTime(utc('2026-11-23T22:00:00Z'), 'UTC+2'), '2026-11-24 00:00');
    assert.equal(zonedDateTime(utc('2026-07-01T10:15:00Z'), 'Europe/Prague'), '2026-07-01 12:15');
  });
});
