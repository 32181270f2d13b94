import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocateSeries, type CandleSeries } from '../marketdata/candle-series.ts';
import { marketChange } from './market-change.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 5);

/** Hourly bars from `startHour`, each [open, close]. */
function series(symbol: string, startHour: number, bars: readonly [number, number][]): CandleSeries {
  const s = allocateSeries(symbol, bars.length);
  bars.forEach(([open, close], i) => {
    s.time[i] = T0 + (startHour + i) * HOUR;
    s.open[i] = open;
    s.high[i] = Math.max(open, close);
    s.low[i] = Math.min(open, close);
    s.close[i] = close;
  });
  return s;
}

function near(actual: number | undefined, expected: number): void {
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) < 1e-12,
    `expected ${expected}, got ${actual}`,
  );
}

// BTC: opens at 100, closes 105, 110, 120 → +20 %. ETH starts an hour later: opens 50, closes 45, 40 → −20 %.
const BTC = series('BTC/USDT', 0, [
  [100, 105],
  [105, 110],
  [110, 120],
]);
const ETH = series('ETH/USDT', 1, [
  [50, 45],
  [45, 40],
]);
const TIMES = [T0, T0 + HOUR, T0 + 2 * HOUR];
const END = T0 + 3 * HOUR;

describe('marketChange', () => {
  it('is the mean of each symbol from its first open to its last close', () => {
    const market = marketChange([BTC, ETH], TIMES, HOUR, END);
    assert.ok(market);
    assert.deepEqual(market.symbols, [
      { symbol: 'BTC/USDT', firstOpen: 100, lastClose: 120, change: 0.19999999999999996 },
      { symbol: 'ETH/USDT', firstOpen: 50, lastClose: 40, change: -0.19999999999999996 },
    ]);
    near(market.change, 0);
  });

  it('draws the equal-weight basket at each bar close; a symbol not yet started counts as unchanged', () => {
    const market = marketChange([BTC, ETH], TIMES, HOUR, END);
    assert.deepEqual(
      market?.curve.map((p) => p.time),
      [
        '2026-01-05T00:00:00.000Z',
        '2026-01-05T01:00:00.000Z',
        '2026-01-05T02:00:00.000Z',
        '2026-01-05T03:00:00.000Z',
      ],
    );
    const changes = market?.curve.map((p) => p.change) ?? [];
    near(changes[0], 0);
    // 01:00: BTC +5 %, ETH not started (0): +2.5 %.
    near(changes[1], 0.025);
    // 02:00: BTC +10 %, ETH −10 %.
    near(changes[2], 0);
    // The last point is the figure itself.
    assert.equal(changes[3], market?.change);
  });

  it('covers only the bars closed by `until` (an interrupted run)', () => {
    const market = marketChange([BTC, ETH], TIMES, HOUR, T0 + 2 * HOUR);
    // BTC up to 110 (+10 %), ETH up to 45 (−10 %).
    assert.deepEqual(
      market?.symbols.map((s) => s.lastClose),
      [110, 45],
    );
    assert.equal(market?.curve.at(-1)?.time, '2026-01-05T02:00:00.000Z');
    // Nothing closed yet: nothing to say.
    assert.equal(marketChange([BTC, ETH], TIMES, HOUR, T0 + HOUR / 2), null);
  });

  it('thins the curve to the points asked for, keeping the last close', () => {
    const long = series(
      'BTC/USDT',
      0,
      Array.from({ length: 10 }, (_, i): [number, number] => [100 + i, 101 + i]),
    );
    const times = Array.from({ length: 10 }, (_, i) => T0 + i * HOUR);
    const market = marketChange([long], times, HOUR, T0 + 10 * HOUR, 4);
    // Every third bar (10 / 4, rounded up), the last one, after the opening point.
    assert.deepEqual(
      market?.curve.map((p) => (Date.parse(p.time) - T0) / HOUR),
      [0, 3, 6, 9, 10],
    );
    near(market?.curve.at(-1)?.change, 110 / 100 - 1);
  });
});
