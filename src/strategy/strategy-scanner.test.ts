// The strategy scanner's rules: a strategy sees closed bars only (a 4h informative bar once it closed),
// Sigil's indicators as the indicator classes compute them, its own state per symbol; junk answers, a
// short and a throw are refused with the reason kept, and the other symbols go on; a blocked symbol
// never signals.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { variantId } from '../domain/ids.ts';
import { Ema } from '../indicators/ema.ts';
import { defineStrategy, type Bar, type StrategyAction } from './strategy-api.ts';
import { replayStrategy } from './strategy-replay.ts';
import { StrategyScanner } from './strategy-scanner.ts';

const HOUR = 3_600_000;
const bars: Bar[] = Array.from({ length: 60 }, (_, i) => {
  const close = 100 + Math.sin(i / 4) * 5 + i * 0.1;
  return { time: i * HOUR, open: close - 0.2, high: close + 1, low: close - 1, close, volume: 1 + (i % 5) };
});

describe('a strategy as a scanner', () => {
  it('sees closed bars only: a 4h bar appears once its fourth hour has closed', () => {
    const seen: { time: number; last4h: number | undefined; count: number }[] = [];
    const strategy = defineStrategy({
      name: 'watch-4h',
      informative: [{ timeframe: '4h' }],
      onBar({ time, bars: series, informative }) {
        assert.equal(series.at(-1)?.time, time - HOUR, 'the newest bar is the one that just closed');
        const h4 = informative('4h').bars;
        seen.push({ time, last4h: h4.at(-1)?.time, count: h4.length });
        return null;
      },
    });
    replayStrategy(strategy, { bars: { X: bars.slice(0, 9) }, timeframe: '1h' });
    // Bars 0–3 make the 4h bar at 0, visible from the close of bar 3 (time 4h); bars 4–7 the one at 4h.
    assert.deepEqual(
      seen.map((s) => [s.time / HOUR, s.count, s.last4h === undefined ? null : s.last4h / HOUR]),
      [
        [1, 0, null],
        [2, 0, null],
        [3, 0, null],
        [4, 1, 0],
        [5, 1, 0],
        [6, 1, 0],
        [7, 1, 0],
        [8, 2, 4],
        [9, 2, 4],
      ],
    );
  });

  it('gives Sigil’s indicators (as the classes compute them) and a state of its own per symbol', () => {
    const ema = new Ema(10);
    const expected = bars.map((b) => ema.update(b.close));
    const got: number[] = [];
    const strategy = defineStrategy<Record<string, never>, { count: number }>({
      name: 'state',
      state: () => ({ count: 0 }),
      onBar({ ind, state, symbol }) {
        state.count++;
        if (symbol === 'X') got.push(ind.ema(10));
        return state.count === 30 && symbol === 'Y' ? { enter: 'long' } : null;
      },
    });
    const { signals } = replayStrategy(strategy, {
      bars: { X: bars, Y: bars.slice(0, 40) },
      timeframe: '1h',
    });
    assert.deepEqual(got.map(String), expected.map(String));
    assert.deepEqual(
      signals.map((s) => [s.symbol, s.at / HOUR]),
      [['Y', 30]],
      'Y counted its own bars',
    );
  });

  it('refuses junk, shorts and throws with the reason, and the other symbols go on', () => {
    const answers: Record<string, StrategyAction | 'throw'> = {
      A: { enter: 'sideways' as 'long' },
      B: { enter: 'long', score: Number.NaN },
      C: { enter: 'short' },
      D: 'throw',
      E: { enter: 'long', score: 1, confidence: 'high' },
      F: { enter: 'long', stop: 1e9 },
    };
    const strategy = defineStrategy({
      name: 'junk',
      onBar({ symbol, time }) {
        if (time !== 5 * HOUR) return null;
        const answer = answers[symbol];
        if (answer === 'throw') throw new Error('boom');
        return answer;
      },
    });
    const { signals, errors } = replayStrategy(strategy, {
      bars: Object.fromEntries(Object.keys(answers).map((s) => [s, bars.slice(0, 6)])),
      timeframe: '1h',
    });
    assert.deepEqual(
      signals.map((s) => [s.symbol, s.confidence]),
      [['E', 'high']],
    );
    assert.equal(errors.length, 5);
    assert.match(errors.join('\n'), /F at .*stop must be a price below the close/);
    assert.match(errors.join('\n'), /A at 1970-01-01T05:00:00.000Z: enter must be "long"/);
    assert.match(errors.join('\n'), /B at .*score must be a finite number/);
    assert.match(
      errors.join('\n'),
      /C at .*a short entry from a strategy that does not declare `shorts: true`/,
    );
    assert.match(errors.join('\n'), /junk threw on D at .*boom/);
  });

  it('never signals a blocked symbol, nor on a catch-up bar that is not the newest', () => {
    const strategy = defineStrategy({ name: 'always', onBar: () => ({ enter: 'long' }) });
    const scanner = new StrategyScanner({
      variantId: variantId('v'),
      strategy,
      params: {},
      timeframe: '1h',
      atrPeriod: 14,
    });
    const batch = (i: number) => ({
      time: i * HOUR,
      candles: ['X', 'Y'].map((symbol) => ({ ...(bars[i] as Bar), symbol })),
    });
    const signals = scanner.scanCycle([batch(0), batch(1)], new Map([['Y', 'open position']]));
    assert.deepEqual(
      signals.map((s) => [s.symbol, s.at / HOUR, s.rule]),
      [['X', 2, 'strategy:always']],
    );
  });
});
