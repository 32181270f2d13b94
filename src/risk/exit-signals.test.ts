import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Candle } from '../domain/candle.ts';
import type { PositionSide } from '../domain/position.ts';
import {
  ChannelExit,
  MomentumDeceleration,
  SIGNAL_EXITS,
  signalExitDetector,
  type ExitSignalDetector,
  type SignalExitMode,
  type SignalExitParams,
} from './exit-signals.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 5);

type Hlc = [high: number, low: number, close: number];

function candles(bars: Hlc[]): Candle[] {
  return bars.map(([high, low, close], i) => ({
    symbol: 'ETH/USDT',
    time: T0 + i * HOUR,
    open: close,
    high,
    low,
    close,
    volume: 1,
  }));
}

const flat = (closes: number[]): Candle[] => candles(closes.map((c): Hlc => [c, c, c]));

/** What `fires(side)` says after each candle is fed. */
function firings(detector: ExitSignalDetector, feed: Candle[], side: PositionSide): boolean[] {
  return feed.map((candle) => {
    detector.update(candle);
    return detector.fires(side);
  });
}

describe('MomentumDeceleration', () => {
  it('fires for a long after period + bars + 1 closes of falling momentum, not before', () => {
    // Momentum over 2 bars: 5, 4, 1.5 (two falls) at the 5th close, then 2 (a rise) resets.
    const closes = [10, 12, 15, 16, 16.5, 18];
    assert.deepEqual(firings(new MomentumDeceleration(2, 2), flat(closes), 'long'), [
      false,
      false,
      false,
      false,
      true,
      false,
    ]);
    assert.deepEqual(firings(new MomentumDeceleration(2, 2), flat(closes), 'short'), [
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('needs all `bars` falls: three falls fire at the 5th close with period 1', () => {
    // Momentum over 1 bar: 5, 4, 3, 2.
    const closes = [10, 15, 19, 22, 24];
    assert.deepEqual(firings(new MomentumDeceleration(1, 3), flat(closes), 'long'), [
      false,
      false,
      false,
      false,
      true,
    ]);
  });

  it('fires for a short after momentum rose on each of the last bars closes', () => {
    // Momentum over 2 bars: −5, −4, −1.5.
    const closes = [20, 18, 15, 14, 13.5];
    assert.deepEqual(firings(new MomentumDeceleration(2, 2), flat(closes), 'short'), [
      false,
      false,
      false,
      false,
      true,
    ]);
    assert.deepEqual(firings(new MomentumDeceleration(2, 2), flat(closes), 'long'), [
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('an unchanged momentum breaks the run: only strict falls count', () => {
    // Momentum over 1 bar: 2, 2, 1, 1.
    const closes = [10, 12, 14, 15, 16];
    assert.deepEqual(firings(new MomentumDeceleration(1, 2), flat(closes), 'long'), [
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('rejects a period or bar count below 1 or not whole', () => {
    assert.throws(() => new MomentumDeceleration(0, 2), RangeError);
    assert.throws(() => new MomentumDeceleration(3, 0), RangeError);
    assert.throws(() => new MomentumDeceleration(1.5, 2), RangeError);
  });
});

describe('ChannelExit', () => {
  it('a long exits on a close below the lowest low of the previous bars', () => {
    const feed = candles([
      [11, 9, 10],
      [12, 10, 11],
      [10.5, 7, 8], // below 9, but only 2 earlier bars: no channel yet
      [9, 7.5, 8], // channel low 7
      [8, 6, 6.5], // channel low 7 (10, 7, 7.5): fires, though its own low 6 is below the close
      [8, 6.5, 7.5], // channel low 6
    ]);
    assert.deepEqual(firings(new ChannelExit(3), feed, 'long'), [false, false, false, false, true, false]);
    assert.deepEqual(firings(new ChannelExit(3), feed, 'short'), [false, false, false, false, false, false]);
  });

  it('a short exits on a close above the highest high of the previous bars, strictly', () => {
    const feed = candles([
      [10, 9, 9.5],
      [11, 9.5, 10.5], // above 10, but only 1 earlier bar
      [11.5, 10, 11], // equal to the channel high 11: no exit
      [12.5, 10.8, 12], // channel high 11.5: fires
      [12.2, 11.5, 11.8], // channel high 12.5
    ]);
    assert.deepEqual(firings(new ChannelExit(2), feed, 'short'), [false, false, false, true, false]);
    assert.deepEqual(firings(new ChannelExit(2), feed, 'long'), [false, false, false, false, false]);
  });

  it('does not fire before any candle and rejects a lookback below 1', () => {
    const detector = new ChannelExit(2);
    assert.equal(detector.fires('long'), false);
    assert.equal(detector.fires('short'), false);
    assert.throws(() => new ChannelExit(0), RangeError);
  });
});

describe('signalExitDetector', () => {
  const params: SignalExitParams = {
    mode: 'none',
    momentumPeriod: 10,
    momentumDecelBars: 3,
    channelExitLookback: 20,
  };

  it('lists the modes', () => {
    assert.deepEqual(SIGNAL_EXITS, ['none', 'momentum_decel', 'channel_exit']);
  });

  it("returns null for 'none', whatever the other parameters", () => {
    assert.equal(signalExitDetector(params), null);
    assert.equal(signalExitDetector({ ...params, momentumPeriod: 0, channelExitLookback: 0 }), null);
  });

  it('builds the detector the mode names, with its parameters', () => {
    const momentum = signalExitDetector({ ...params, mode: 'momentum_decel' });
    assert.ok(momentum instanceof MomentumDeceleration);
    assert.equal(momentum.period, 10);
    assert.equal(momentum.bars, 3);
    const channel = signalExitDetector({ ...params, mode: 'channel_exit' });
    assert.ok(channel instanceof ChannelExit);
    assert.equal(channel.lookback, 20);
  });

  it('rejects bad parameters and an unknown mode', () => {
    assert.throws(
      () => signalExitDetector({ ...params, mode: 'momentum_decel', momentumPeriod: 0 }),
      RangeError,
    );
    assert.throws(
      () => signalExitDetector({ ...params, mode: 'momentum_decel', momentumDecelBars: 0 }),
      RangeError,
    );
    assert.throws(
      () => signalExitDetector({ ...params, mode: 'channel_exit', channelExitLookback: 0 }),
      RangeError,
    );
    assert.throws(() => signalExitDetector({ ...params, mode: 'rsi' as SignalExitMode }), {
      name: 'RangeError',
      message: 'unknown signal exit mode "rsi"',
    });
  });
});
