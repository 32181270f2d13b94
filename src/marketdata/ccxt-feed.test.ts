// The live feed against a real ccxt `binance` instance pointed at a fake Binance server on 127.0.0.1:
// ccxt builds and parses real HTTP requests and maps real status codes, so the tests cover our paging,
// validation and error table together with ccxt's behaviour, not a mock of it.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Exchange } from 'ccxt';
import { FakeBinance, pointAt, type FakeBar } from '../../test/support/fake-exchange.ts';
import type { Candle } from '../domain/candle.ts';
import { FatalError, RejectedError, RetryableError } from '../domain/errors.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { Clock, TimerHandle } from '../domain/ports/clock.ts';
import type { CandleBatch } from '../domain/ports/market-data.ts';
import { CandleDataError } from './candle-data-error.ts';
import { CcxtCandleFeed, createCcxtExchange, type CcxtCandleFeedOptions } from './ccxt-feed.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;

/** A clock on which every wait is already over, recording what the feed asked to wait. */
class FastClock implements Clock {
  readonly slept: number[] = [];
  constructor(private current: EpochMs = T0) {}
  now(): EpochMs {
    return this.current;
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

/** `count` valid hourly bars from `start`, prices drifting so each bar is distinguishable. */
function hourly(count: number, start: EpochMs = T0): FakeBar[] {
  return Array.from({ length: count }, (_, i) => {
    const open = 100 + i;
    return { time: start + i * HOUR, open, high: open + 2, low: open - 1, close: open + 1, volume: 10 + i };
  });
}

function times(batches: readonly CandleBatch[]): EpochMs[] {
  return batches.map((batch) => batch.time);
}

function candles(batches: readonly CandleBatch[]): Candle[] {
  return batches.flatMap((batch) => batch.candles);
}

describe('CcxtCandleFeed (real ccxt binance → fake Binance server)', () => {
  let fake: FakeBinance;
  let clock: FastClock;

  before(async () => {
    fake = await FakeBinance.start();
  });
  after(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    clock = new FastClock();
  });

  /** A fresh exchange per test, so no test inherits another's loaded markets. */
  async function binance(): Promise<Exchange> {
    // ccxt's limiter stays on, at 1 ms per unit of request cost instead of binance's 50, so a test's
    // dozen requests take milliseconds.
    const exchange = await createCcxtExchange('binance', { rateLimit: 1, timeout: 5_000 });
    pointAt(exchange, fake.baseUrl);
    return exchange;
  }

  async function feed(options: Partial<CcxtCandleFeedOptions> = {}): Promise<CcxtCandleFeed> {
    return new CcxtCandleFeed({
      exchange: await binance(),
      symbols: ['BTC/USDT'],
      timeframe: '1h',
      clock,
      since: T0,
      retry: { attempts: 4, baseDelayMs: 1_000 },
      ...options,
    });
  }

  it('pages through more candles than one page holds, following since', async () => {
    fake.setBars('BTCUSDT', hourly(11)); // the 11th (T0+10h) is still open at `now`
    const live = await feed({ pageSize: 3 });

    const batches = await live.closedSince(T0 + 10 * HOUR + 30 * MIN);

    const expected = hourly(10).map((bar) => bar.time);
    assert.deepEqual(times(batches), expected);
    assert.deepEqual(candles(batches)[0], {
      symbol: 'BTC/USDT',
      time: T0,
      open: 100,
      high: 102,
      low: 99,
      close: 101,
      volume: 10,
    });
    const requests = fake.klinesRequests('BTCUSDT');
    assert.deepEqual(
      requests.map((r) => Number(r.query.startTime)),
      [T0, T0 + 3 * HOUR, T0 + 6 * HOUR, T0 + 9 * HOUR],
    );
    assert.ok(requests.every((r) => r.query.limit === '3' && r.query.interval === '1h'));
  });

  it('delivers only closed candles: a bar closes when its open time plus the timeframe has passed', async () => {
    fake.setBars('BTCUSDT', hourly(5));
    const live = await feed();

    const early = await live.closedSince(T0 + 4 * HOUR + 59 * MIN);
    assert.deepEqual(times(early), [T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR]);

    const atClose = await live.closedSince(T0 + 5 * HOUR);
    assert.deepEqual(times(atClose), [T0 + 4 * HOUR]);
  });

  it('never delivers a candle twice across calls, and asks only after the last one delivered', async () => {
    fake.setBars('BTCUSDT', hourly(3));
    const live = await feed();

    assert.equal((await live.closedSince(T0 + 3 * HOUR)).length, 3);
    const requestsBefore = fake.klinesRequests().length;
    assert.deepEqual(await live.closedSince(T0 + 3 * HOUR + 10 * MIN), []);
    assert.equal(fake.klinesRequests().length, requestsBefore, 'no request while no new bar can have closed');

    fake.addBars('BTCUSDT', hourly(2, T0 + 3 * HOUR));
    const next = await live.closedSince(T0 + 5 * HOUR);
    assert.deepEqual(times(next), [T0 + 3 * HOUR, T0 + 4 * HOUR]);
    assert.equal(fake.klinesRequests().at(-1)?.query.startTime, String(T0 + 3 * HOUR));
    assert.deepEqual(await live.closedSince(T0 + 5 * HOUR), []);
  });

  it('merges two symbols into batches by open time, oldest first, keeping the symbols as given', async () => {
    fake.setBars('BTCUSDT', hourly(3));
    fake.setBars('ETHUSDT', hourly(3, T0 + HOUR)); // listed an hour later
    const live = await feed({ symbols: ['ETH/USDT', 'BTC/USDT'] });

    const batches = await live.closedSince(T0 + 4 * HOUR);

    assert.deepEqual(
      batches.map((batch) => [batch.time, batch.candles.map((c) => c.symbol)]),
      [
        [T0, ['BTC/USDT']],
        [T0 + HOUR, ['BTC/USDT', 'ETH/USDT']],
        [T0 + 2 * HOUR, ['BTC/USDT', 'ETH/USDT']],
        [T0 + 3 * HOUR, ['ETH/USDT']],
      ],
    );
    assert.ok(batches.every((batch) => batch.candles.every((c) => c.time === batch.time)));
  });

  it('records a gap without filling it, within a page and across calls', async () => {
    const [a, b, c, d] = hourly(6).filter((_, i) => i !== 2 && i !== 3); // T0+2h and T0+3h missing
    fake.setBars('BTCUSDT', [a!, b!, c!, d!]);
    const live = await feed();

    const batches = await live.closedSince(T0 + 6 * HOUR);
    assert.deepEqual(times(batches), [T0, T0 + HOUR, T0 + 4 * HOUR, T0 + 5 * HOUR]);
    assert.deepEqual(live.gaps(), [{ symbol: 'BTC/USDT', from: T0 + 2 * HOUR, to: T0 + 3 * HOUR, bars: 2 }]);

    fake.addBars('BTCUSDT', hourly(1, T0 + 7 * HOUR)); // T0+6h never arrives
    assert.deepEqual(times(await live.closedSince(T0 + 8 * HOUR)), [T0 + 7 * HOUR]);
    assert.deepEqual(live.gaps()[1], { symbol: 'BTC/USDT', from: T0 + 6 * HOUR, to: T0 + 6 * HOUR, bars: 1 });
  });

  it('retries 429 and 5xx with exponential backoff on the clock, then succeeds', async () => {
    fake.setBars('BTCUSDT', hourly(2));
    fake.failNext('klines', { kind: 'status', status: 429 }, 2);
    fake.failNext('klines', { kind: 'status', status: 503 });
    const live = await feed();

    const batches = await live.closedSince(T0 + 2 * HOUR);

    assert.deepEqual(times(batches), [T0, T0 + HOUR]);
    assert.deepEqual(clock.slept, [1_000, 2_000, 4_000]);
    assert.equal(fake.klinesRequests().length, 4);
  });

  it('retries a failed market list instead of replaying ccxt’s cached failure', async () => {
    fake.setBars('BTCUSDT', hourly(1));
    fake.failNext('exchangeInfo', { kind: 'status', status: 500 });
    const live = await feed();

    assert.deepEqual(times(await live.closedSince(T0 + HOUR)), [T0]);
    assert.deepEqual(clock.slept, [1_000]);
  });

  it('gives up after the bounded attempts with a RetryableError naming the exchange and symbol', async () => {
    fake.setBars('BTCUSDT', hourly(2));
    fake.failNext('klines', { kind: 'status', status: 502 }, 3);
    const live = await feed({ retry: { attempts: 3, baseDelayMs: 100 } });

    const error = await live.closedSince(T0 + 2 * HOUR).then(
      () => assert.fail('expected a RetryableError'),
      (e: unknown) => e,
    );

    assert.ok(error instanceof RetryableError);
    assert.equal(error.code, 'market_data_unavailable');
    assert.match(error.message, /binance/);
    assert.match(error.message, /BTC\/USDT/);
    const ccxt = await import('ccxt');
    assert.ok(error.cause instanceof ccxt.ExchangeNotAvailable, 'the ccxt error is kept as the cause');
    assert.equal(fake.klinesRequests().length, 3);
    assert.deepEqual(clock.slept, [100, 200]);

    // Nothing was lost: once the exchange answers again, every bar arrives.
    assert.deepEqual(times(await live.closedSince(T0 + 2 * HOUR)), [T0, T0 + HOUR]);
  });

  it('loses no candles of one symbol when another fails in the same call', async () => {
    fake.setBars('BTCUSDT', hourly(2));
    fake.setBars('ETHUSDT', hourly(2));
    fake.failNext('klines', { kind: 'status', status: 503 }, 1, 'ETHUSDT');
    const live = await feed({ symbols: ['BTC/USDT', 'ETH/USDT'], retry: { attempts: 1, baseDelayMs: 1 } });

    await assert.rejects(live.closedSince(T0 + 2 * HOUR), RetryableError);
    assert.equal(fake.klinesRequests('BTCUSDT').length, 1, "BTC's bars were fetched before ETH failed");

    // Nothing was delivered, so the next call hands over BTC's bars too — once.
    const batches = await live.closedSince(T0 + 2 * HOUR);
    assert.deepEqual(
      batches.map((batch) => batch.candles.map((c) => c.symbol)),
      [
        ['BTC/USDT', 'ETH/USDT'],
        ['BTC/USDT', 'ETH/USDT'],
      ],
    );
    assert.deepEqual(await live.closedSince(T0 + 2 * HOUR), []);
  });

  it('rejects a body that is not JSON with a CandleDataError naming the symbol and time', async () => {
    fake.setBars('BTCUSDT', hourly(2));
    fake.failNext('klines', { kind: 'garbage' });
    const live = await feed();

    await assert.rejects(live.closedSince(T0 + 2 * HOUR), (error: unknown) => {
      assert.ok(error instanceof CandleDataError);
      assert.match(error.message, /ccxt:binance BTC\/USDT/);
      assert.match(error.message, /2024-01-01T00:00:00\.000Z/);
      assert.match(error.message, /not JSON/);
      return true;
    });
    assert.deepEqual(clock.slept, [], 'bad data is not retried');
  });

  it('rejects a non-numeric price with a CandleDataError naming the symbol and time', async () => {
    fake.setBars('BTCUSDT', hourly(3));
    fake.failNext('klines', { kind: 'nonNumeric' });
    const live = await feed();

    await assert.rejects(live.closedSince(T0 + 3 * HOUR), (error: unknown) => {
      assert.ok(error instanceof CandleDataError);
      assert.match(
        error.message,
        /^ccxt:binance BTC\/USDT:2024-01-01T00:00:00\.000Z: open .* is not a finite number/,
      );
      return true;
    });
  });

  it('rejects a bar whose high is below its low, naming the symbol and time, and delivers nothing', async () => {
    fake.setBars('BTCUSDT', hourly(3, T0 + HOUR));
    fake.failNext('klines', { kind: 'highBelowLow' });
    const live = await feed();

    await assert.rejects(live.closedSince(T0 + 4 * HOUR), (error: unknown) => {
      assert.ok(error instanceof CandleDataError);
      assert.equal(error.kind, 'fatal');
      assert.match(
        error.message,
        /^ccxt:binance BTC\/USDT:2024-01-01T01:00:00\.000Z: high 99 is below low 102$/,
      );
      return true;
    });
    // The bad answer moved no cursor: a good answer later delivers the bars from the start.
    assert.deepEqual(times(await live.closedSince(T0 + 4 * HOUR)), [T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR]);
  });

  it('rejects a repeated open time', async () => {
    const [a, b] = hourly(2);
    fake.setBars('BTCUSDT', [a!, b!, { ...b!, close: b!.open }]);
    const live = await feed();

    await assert.rejects(
      live.closedSince(T0 + 3 * HOUR),
      /BTC\/USDT:2024-01-01T01:00:00\.000Z: the bar repeats/,
    );
  });

  it('refuses an unlisted symbol as fatal, without retrying', async () => {
    const live = await feed({ symbols: ['XRP/USDT'] });

    await assert.rejects(live.closedSince(T0 + HOUR), (error: unknown) => {
      assert.ok(error instanceof FatalError);
      assert.equal(error.code, 'unknown_symbol');
      assert.match(error.message, /^ccxt:binance XRP\/USDT: symbol not listed on the exchange/);
      return true;
    });
    assert.deepEqual(clock.slept, []);
  });

  it('maps a request the exchange refuses to a RejectedError, without retrying', async () => {
    fake.failNext('klines', {
      kind: 'status',
      status: 400,
      body: { code: -1100, msg: 'Illegal characters found.' },
    });
    const live = await feed();

    await assert.rejects(live.closedSince(T0 + HOUR), (error: unknown) => {
      assert.ok(error instanceof RejectedError);
      assert.equal(error.code, 'market_data_rejected');
      assert.match(error.message, /BTC\/USDT/);
      return true;
    });
    assert.deepEqual(clock.slept, []);
  });

  it('createCcxtExchange refuses an exchange ccxt does not know', async () => {
    await assert.rejects(createCcxtExchange('no-such-exchange'), (error: unknown) => {
      assert.ok(error instanceof FatalError);
      assert.equal(error.code, 'unknown_exchange');
      return true;
    });
  });
});
