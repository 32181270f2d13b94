// The Match-Trader candle feed against the fake Platform API server on 127.0.0.1 through the real client
// (login, query string, parsing of numbers-as-strings and ISO times, the client's error table), so the
// tests cover the feed's paging and contract together with the wire, not a mock of it.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  DEFAULT_FAKE_MT_INSTRUMENTS,
  FakeMatchTrader,
  type FakeMatchTraderOptions,
  type FakeMtBar,
} from '../../test/support/fake-match-trader.ts';
import type { Timeframe } from '../domain/candle.ts';
import { FatalError, RetryableError, type SigilError } from '../domain/errors.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { Clock, TimerHandle } from '../domain/ports/clock.ts';
import type { CandleBatch } from '../domain/ports/market-data.ts';
import { CandleDataError } from './candle-data-error.ts';
import { MatchTraderCandleFeed, type MatchTraderCandleFeedOptions } from './match-trader-feed.ts';

const HOUR = 3_600_000;
const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2); // a Tuesday: no weekend inside the first days of bars
const FRIDAY = Date.UTC(2024, 0, 5);
const SUNDAY = Date.UTC(2024, 0, 7);

/** A clock on which every wait is already over, recording what the feed asked to wait. */
class FastClock implements Clock {
  readonly slept: number[] = [];
  constructor(readonly at: { t: EpochMs }) {}
  now(): EpochMs {
    return this.at.t;
  }
  setTimer(_name: string, _at: EpochMs, fn: () => void): TimerHandle {
    const timer = setImmediate(fn);
    return { cancel: () => clearImmediate(timer) };
  }
  sleep(ms: number): Promise<void> {
    this.slept.push(ms);
    return Promise.resolve();
  }
}

/** `count` valid bars of `stepMs` from `start`, prices drifting so each bar is distinguishable. */
function bars(count: number, start: EpochMs = T0, stepMs = HOUR, base = 1.1): FakeMtBar[] {
  return Array.from({ length: count }, (_, i) => {
    const open = Math.round((base + i * 0.001) * 1e5) / 1e5;
    return {
      time: start + i * stepMs,
      open,
      high: Math.round((open + 0.002) * 1e5) / 1e5,
      low: Math.round((open - 0.001) * 1e5) / 1e5,
      close: Math.round((open + 0.001) * 1e5) / 1e5,
      volume: 100 + i,
    };
  });
}

function times(batches: readonly CandleBatch[]): EpochMs[] {
  return batches.map((batch) => batch.time);
}

interface Rig {
  fake: FakeMatchTrader;
  clock: FastClock;
  feed: (options?: Partial<MatchTraderCandleFeedOptions>) => MatchTraderCandleFeed;
  candleRequests: () => Record<string, string>[];
}

const started: FakeMatchTrader[] = [];

async function rig(fakeOptions: FakeMatchTraderOptions = {}): Promise<Rig> {
  const at = { t: T0 };
  const now = () => at.t;
  const fake = await FakeMatchTrader.start({ now, ...fakeOptions });
  started.push(fake);
  const client = fake.client({
    timeoutMs: 2_000,
    now,
  });
  const clock = new FastClock(at);
  return {
    fake,
    clock,
    feed: (options = {}) =>
      new MatchTraderCandleFeed({
        client,
        symbols: ['EURUSD'],
        timeframe: '1h',
        clock,
        since: T0,
        retry: { attempts: 4, baseDelayMs: 1_000 },
        ...options,
      }),
    candleRequests: () => fake.requests.filter((r) => r.route === 'candles').map((r) => r.query),
  };
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((fake) => fake.close()));
});

async function failure(promise: Promise<unknown>): Promise<SigilError> {
  try {
    await promise;
  } catch (error) {
    return error as SigilError;
  }
  assert.fail('expected the call to fail');
}

describe('MatchTraderCandleFeed (real client → fake Match-Trader)', () => {
  it('delivers the warm-up history from since, then only new bars, each once', async () => {
    const { fake, feed, candleRequests } = await rig();
    fake.loadCandles('EURUSD.', bars(5));
    const live = feed();

    const warmUp = await live.closedSince(T0 + 5 * HOUR + 30 * MIN);
    assert.deepEqual(
      times(warmUp),
      [0, 1, 2, 3, 4].map((i) => T0 + i * HOUR),
    );
    // The fake sends every other bar as strings with an ISO time: both arrive as numbers.
    assert.deepEqual(
      warmUp.slice(0, 2).flatMap((batch) => batch.candles),
      bars(2).map((bar) => ({ symbol: 'EURUSD', ...bar })),
    );
    const [first] = candleRequests();
    assert.equal(first?.symbol, 'EURUSD.');
    assert.equal(first?.interval, 'H1');
    assert.equal(first?.from, new Date(T0).toISOString());

    const asked = candleRequests().length;
    assert.deepEqual(await live.closedSince(T0 + 5 * HOUR + 50 * MIN), []);
    assert.equal(candleRequests().length, asked, 'no request while no new bar can have closed');

    fake.loadCandles('EURUSD.', bars(2, T0 + 5 * HOUR));
    assert.deepEqual(times(await live.closedSince(T0 + 7 * HOUR)), [T0 + 5 * HOUR, T0 + 6 * HOUR]);
    assert.equal(candleRequests().at(-1)?.from, new Date(T0 + 5 * HOUR).toISOString());
    assert.deepEqual(await live.closedSince(T0 + 7 * HOUR), []);
    assert.deepEqual(live.gaps(), []);
  });

  it('does not deliver the forming bar, even when the server sends it', async () => {
    const { fake, feed } = await rig();
    fake.loadCandles('EURUSD.', bars(4)); // the bar opening at T0+3h forms until T0+4h
    const live = feed();

    // At exactly T0+3h the server's inclusive `to` returns the bar that has just opened.
    assert.deepEqual(times(await live.closedSince(T0 + 3 * HOUR)), [T0, T0 + HOUR, T0 + 2 * HOUR]);
    assert.deepEqual(await live.closedSince(T0 + 3 * HOUR + 59 * MIN), []);
    assert.deepEqual(times(await live.closedSince(T0 + 4 * HOUR)), [T0 + 3 * HOUR]);
  });

  it('maps Sigil symbols to the broker’s (trailing dot, slash) and batches them by open time', async () => {
    const instruments = [
      ...DEFAULT_FAKE_MT_INSTRUMENTS,
      { ...DEFAULT_FAKE_MT_INSTRUMENTS[0]!, symbol: 'GBP/USD' },
    ];
    const { fake, feed, candleRequests } = await rig({ instruments });
    fake.loadCandles('EURUSD.', bars(2));
    fake.loadCandles('XAUUSD.', bars(2, T0 + HOUR, HOUR, 2000));
    fake.loadCandles('GBP/USD', bars(1, T0, HOUR, 1.27));
    const live = feed({ symbols: ['XAUUSD', 'EURUSD', 'GBPUSD'] });

    const batches = await live.closedSince(T0 + 3 * HOUR);

    assert.deepEqual(
      batches.map((batch) => [batch.time, batch.candles.map((c) => c.symbol)]),
      [
        [T0, ['EURUSD', 'GBPUSD']],
        [T0 + HOUR, ['EURUSD', 'XAUUSD']],
        [T0 + 2 * HOUR, ['XAUUSD']],
      ],
    );
    assert.deepEqual([...new Set(candleRequests().map((q) => q.symbol))].sort(), [
      'EURUSD.',
      'GBP/USD',
      'XAUUSD.',
    ]);
  });

  it('retries a 503 on candles with backoff on the clock, then gives up with a RetryableError', async () => {
    const { fake, feed, clock, candleRequests } = await rig();
    fake.loadCandles('EURUSD.', bars(2));
    fake.fault('candles', { kind: 'status', status: 503 }, 2);
    const live = feed();

    assert.deepEqual(times(await live.closedSince(T0 + 2 * HOUR)), [T0, T0 + HOUR]);
    assert.deepEqual(clock.slept, [1_000, 2_000]);
    assert.equal(candleRequests().length, 3);

    fake.loadCandles('EURUSD.', bars(1, T0 + 2 * HOUR));
    fake.fault('candles', { kind: 'status', status: 503 }, 4);
    const error = await failure(live.closedSince(T0 + 3 * HOUR));
    assert.ok(error instanceof RetryableError, String(error));
    assert.match(error.message, /EURUSD.*4 attempts.*503/);
    // Nothing was lost: the bar comes on the next poll.
    assert.deepEqual(times(await live.closedSince(T0 + 3 * HOUR)), [T0 + 2 * HOUR]);
  });

  it('does not report the FX weekend as a gap under the fx calendar, but does a weekday hole', async () => {
    const { fake, feed } = await rig();
    assert.equal(new Date(FRIDAY).getUTCDay(), 5);
    assert.equal(new Date(SUNDAY).getUTCDay(), 0);
    const friday = bars(21, FRIDAY); // Friday 00:00 … 20:00, the market shuts at 21:00
    const sunday = bars(3, SUNDAY + 21 * HOUR); // Sunday 21:00 … 23:00
    const monday = bars(3, SUNDAY + 24 * HOUR).filter((_, i) => i !== 1); // Monday 01:00 missing
    fake.loadCandles('EURUSD.', [...friday, ...sunday, ...monday]);
    const now = SUNDAY + 27 * HOUR;

    // A small page size makes the feed step over the empty weekend ranges one by one.
    const fx = feed({ since: FRIDAY, calendar: 'fx', pageSize: 10 });
    assert.equal((await fx.closedSince(now)).length, 21 + 3 + 2);
    assert.deepEqual(fx.gaps(), [
      { symbol: 'EURUSD', from: SUNDAY + 25 * HOUR, to: SUNDAY + 25 * HOUR, bars: 1 },
    ]);

    const continuous = feed({ since: FRIDAY, calendar: 'continuous' });
    await continuous.closedSince(now);
    assert.deepEqual(
      continuous.gaps().map((gap) => gap.from),
      [FRIDAY + 21 * HOUR, SUNDAY + 25 * HOUR],
    );
  });

  it('refuses an unknown symbol, naming it and some listed instruments, before asking for candles', async () => {
    const { feed, candleRequests } = await rig();
    const live = feed({ symbols: ['EURUSD', 'GBPJPY'] });

    const error = await failure(live.closedSince(T0 + 2 * HOUR));
    assert.ok(error instanceof FatalError, String(error));
    assert.match(error.message, /GBPJPY/);
    assert.match(error.message, /EURUSD\., XAUUSD\./);
    assert.equal(candleRequests().length, 0);
  });

  it('refuses a timeframe Match-Trader has no interval for, at construction', async () => {
    const { feed } = await rig();
    assert.throws(() => feed({ timeframe: '2h' as Timeframe }), FatalError);
  });

  it('refuses an inconsistent bar with the symbol and its time', async () => {
    const { fake, feed } = await rig();
    const [a, b] = bars(2);
    fake.loadCandles('EURUSD.', [a!, { ...b!, high: b!.low - 0.001 }]);
    const error = await failure(feed().closedSince(T0 + 2 * HOUR));
    assert.ok(error instanceof CandleDataError, String(error));
    assert.match(error.message, /EURUSD\..*2024-01-02T01:00:00\.000Z.*high/);
  });
});
