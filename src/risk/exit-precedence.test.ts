import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Candle } from '../domain/candle.ts';
import type { ExitReason } from '../domain/position.ts';
import {
  evaluateBar,
  type BarInput,
  type BarOutcome,
  type ExitRules,
  type OpenTrade,
} from './exit-precedence.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 5);

const NO_TRAIL: ExitRules = { trailAtrMultiplier: 0, trailActivationPct: 0, timeStopBars: 0, priceTick: 0 };
const TRAIL_2ATR: ExitRules = { ...NO_TRAIL, trailAtrMultiplier: 2 };

// Entry 100 at T0, stop 5 away, target 10 away: the same trade on either side.
const LONG: OpenTrade = {
  side: 'long',
  entryPrice: 100,
  initialStop: 95,
  currentStop: 95,
  takeProfit: 110,
  openedAt: T0,
  peakPrice: 100,
  barsHeld: 0,
};
const SHORT: OpenTrade = { ...LONG, side: 'short', initialStop: 105, currentStop: 105, takeProfit: 90 };

type Ohlc = [open: number, high: number, low: number, close: number];

/** Hourly bar `index` (opening at T0 + index hours); atr and exitSignal default to unknown and false. */
function bar(index: number, [open, high, low, close]: Ohlc, extra: Partial<BarInput> = {}): BarInput {
  const candle: Candle = { symbol: 'BTC/USDT', time: T0 + index * HOUR, open, high, low, close, volume: 1 };
  return { candle, closeTime: candle.time + HOUR, atr: null, exitSignal: false, ...extra };
}

/** Walks a scripted path, carrying each hold's stop and peak into the next bar, until the first exit. */
function walk(trade: OpenTrade, bars: BarInput[], rules: ExitRules): { stops: number[]; last: BarOutcome } {
  let state = trade;
  const stops: number[] = [];
  for (const input of bars) {
    const outcome = evaluateBar(state, input, rules);
    if (outcome.kind === 'exit') return { stops, last: outcome };
    stops.push(outcome.currentStop);
    state = {
      ...state,
      currentStop: outcome.currentStop,
      peakPrice: outcome.peakPrice,
      barsHeld: state.barsHeld + 1,
    };
  }
  throw new Error('the path ended without an exit');
}

/** The first bar after entry, with no trail, time stop or signal. */
const first = (trade: OpenTrade, ohlc: Ohlc) => evaluateBar(trade, bar(0, ohlc), NO_TRAIL);

const at = (index: number) => T0 + (index + 1) * HOUR;

const exitAt = (reason: ExitReason, price: number, time: number, gap: boolean): BarOutcome => ({
  kind: 'exit',
  reason,
  price,
  at: time,
  gap,
});

describe('stop and take profit', () => {
  it('a long hard stop hit intrabar fills at the stop', () => {
    assert.deepEqual(first(LONG, [99, 100, 94, 96]), exitAt('hard_stop', 95, at(0), false));
  });

  it('a short hard stop hit intrabar fills at the stop', () => {
    assert.deepEqual(first(SHORT, [101, 106, 100, 104]), exitAt('hard_stop', 105, at(0), false));
  });

  it('a gap through the stop fills at the open, for a long and a short', () => {
    assert.deepEqual(first(LONG, [93, 94, 90, 92]), exitAt('hard_stop', 93, at(0), true));
    assert.deepEqual(first(SHORT, [107, 108, 104, 106]), exitAt('hard_stop', 107, at(0), true));
  });

  it('an open exactly at the stop counts as a gap and fills at the open', () => {
    assert.deepEqual(first(LONG, [95, 97, 94, 96]), exitAt('hard_stop', 95, at(0), true));
  });

  it('when stop and target both lie inside one candle, the stop wins', () => {
    const long = first(LONG, [100, 111, 94, 105]);
    assert.deepEqual(long, exitAt('hard_stop', 95, at(0), false));
    const short = first(SHORT, [100, 106, 89, 95]);
    assert.deepEqual(short, exitAt('hard_stop', 105, at(0), false));
  });

  it('take profit hit intrabar fills at the target, for a long and a short', () => {
    assert.deepEqual(first(LONG, [105, 112, 104, 108]), exitAt('take_profit', 110, at(0), false));
    assert.deepEqual(first(SHORT, [95, 96, 89, 91]), exitAt('take_profit', 90, at(0), false));
  });

  it('a gap through the target fills at the (better) open', () => {
    assert.deepEqual(first(LONG, [113, 115, 112, 114]), exitAt('take_profit', 113, at(0), true));
    assert.deepEqual(first(SHORT, [88, 89, 86, 87]), exitAt('take_profit', 88, at(0), true));
  });

  it('no target means a high far above entry is only a new peak', () => {
    const outcome = evaluateBar({ ...LONG, takeProfit: null }, bar(0, [100, 150, 99, 140]), NO_TRAIL);
    assert.deepEqual(outcome, { kind: 'hold', currentStop: 95, peakPrice: 150, stopRaised: false });
  });
});

describe('ATR trail', () => {
  it('moves the stop over several candles, then exits at the raised stop as atr_trail', () => {
    const { stops, last } = walk(
      { ...LONG, takeProfit: null },
      [
        bar(0, [100, 102, 99, 101], { atr: 2 }), // peak 102 → 98
        bar(1, [101, 105, 100, 104], { atr: 2 }), // peak 105 → 101
        bar(2, [104, 106, 103, 105], { atr: 2 }), // peak 106 → 102
        bar(3, [105, 105.5, 101, 101.5], { atr: 2 }),
      ],
      TRAIL_2ATR,
    );
    assert.deepEqual(stops, [98, 101, 102]);
    assert.deepEqual(last, exitAt('atr_trail', 102, at(3), false));
  });

  it('ratchets a short stop downward and exits above it', () => {
    const { stops, last } = walk(
      { ...SHORT, takeProfit: null },
      [
        bar(0, [100, 101, 97, 98], { atr: 2 }), // peak 97 → 101
        bar(1, [98, 99, 95, 96], { atr: 2 }), // peak 95 → 99
        bar(2, [96, 99.5, 95.5, 99], { atr: 2 }),
      ],
      TRAIL_2ATR,
    );
    assert.deepEqual(stops, [101, 99]);
    assert.deepEqual(last, exitAt('atr_trail', 99, at(2), false));
  });

  it('a gap through a trailed stop is an atr_trail exit at the open', () => {
    const trailed = { ...LONG, currentStop: 101, peakPrice: 105 };
    assert.deepEqual(
      evaluateBar(trailed, bar(4, [99, 100, 97, 98]), TRAIL_2ATR),
      exitAt('atr_trail', 99, at(4), true),
    );
  });

  it('a stop raised at a close is not tested against that same candle', () => {
    const trade = { ...LONG, takeProfit: null };
    // High 110 lifts the trail to 106 at the close, above this candle's own low of 99.
    const raised = evaluateBar(trade, bar(0, [100, 110, 99, 108], { atr: 2 }), TRAIL_2ATR);
    assert.deepEqual(raised, { kind: 'hold', currentStop: 106, peakPrice: 110, stopRaised: true });
    const next = evaluateBar(
      { ...trade, currentStop: 106, peakPrice: 110 },
      bar(1, [108, 109, 105, 107]),
      TRAIL_2ATR,
    );
    assert.deepEqual(next, exitAt('atr_trail', 106, at(1), false));
  });

  it('never loosens the stop when the ATR grows', () => {
    const trailed = { ...LONG, takeProfit: null, currentStop: 101, peakPrice: 105 };
    // 105 − 2 × 3 = 99 would be looser than 101.
    const outcome = evaluateBar(trailed, bar(2, [104, 105, 103, 104], { atr: 3 }), TRAIL_2ATR);
    assert.deepEqual(outcome, { kind: 'hold', currentStop: 101, peakPrice: 105, stopRaised: false });
  });

  it('the activation threshold holds the stop until the best price is 5 % up', () => {
    const rules = { ...TRAIL_2ATR, trailActivationPct: 5 };
    const { stops, last } = walk(
      { ...LONG, takeProfit: null },
      [
        bar(0, [100, 104, 99, 103], { atr: 1 }), // 4 %: not active
        bar(1, [103, 105, 102, 104], { atr: 1 }), // exactly 5 %: 105 − 2 = 103
        bar(2, [104, 104.5, 102, 102.5], { atr: 1 }),
      ],
      rules,
    );
    assert.deepEqual(stops, [95, 103]);
    assert.deepEqual(last, exitAt('atr_trail', 103, at(2), false));
  });

  it('activation on a short is measured below entry', () => {
    const rules = { ...TRAIL_2ATR, trailActivationPct: 5 };
    const early = evaluateBar({ ...SHORT, takeProfit: null }, bar(0, [100, 101, 96, 97], { atr: 1 }), rules);
    assert.deepEqual(early, { kind: 'hold', currentStop: 105, peakPrice: 96, stopRaised: false });
    const active = evaluateBar({ ...SHORT, takeProfit: null }, bar(0, [100, 101, 95, 96], { atr: 1 }), rules);
    assert.deepEqual(active, { kind: 'hold', currentStop: 97, peakPrice: 95, stopRaised: true });
  });

  it('k = 0 keeps the initial stop, so a later stop-out is a hard_stop', () => {
    const { stops, last } = walk(
      { ...LONG, takeProfit: null },
      [bar(0, [100, 120, 99, 118], { atr: 2 }), bar(1, [118, 119, 94, 96], { atr: 2 })],
      NO_TRAIL,
    );
    assert.deepEqual(stops, [95]);
    assert.deepEqual(last, exitAt('hard_stop', 95, at(1), false));
  });

  it('rounds a trailed stop to the tick on the tight side: up for a long, down for a short', () => {
    const rules = { ...TRAIL_2ATR, priceTick: 0.5 };
    // 103.3 − 2 = 101.3 → 101.5
    const long = evaluateBar({ ...LONG, takeProfit: null }, bar(0, [100, 103.3, 99, 103], { atr: 1 }), rules);
    assert.deepEqual(long, { kind: 'hold', currentStop: 101.5, peakPrice: 103.3, stopRaised: true });
    // 96.7 + 2 = 98.7 → 98.5
    const short = evaluateBar(
      { ...SHORT, takeProfit: null },
      bar(0, [100, 101, 96.7, 97], { atr: 1 }),
      rules,
    );
    assert.deepEqual(short, { kind: 'hold', currentStop: 98.5, peakPrice: 96.7, stopRaised: true });
  });

  it('an unknown ATR (null, NaN, 0, negative) leaves the stop but still tracks the peak', () => {
    for (const atr of [null, Number.NaN, 0, -1]) {
      const outcome = evaluateBar(
        { ...LONG, takeProfit: null },
        bar(0, [100, 120, 99, 118], { atr }),
        TRAIL_2ATR,
      );
      assert.deepEqual(
        outcome,
        { kind: 'hold', currentStop: 95, peakPrice: 120, stopRaised: false },
        `atr ${atr}`,
      );
    }
  });
});

describe('time stop and signal exit', () => {
  const rules = { ...NO_TRAIL, timeStopBars: 3 };

  it("the time stop fires at the close of the trade's third bar, counted in bars not hours", () => {
    // Two bars held: this is the third, whatever the clock says (a gap before it is not a bar).
    const third = bar(5, [100, 101, 99, 100.5]);
    assert.deepEqual(evaluateBar({ ...LONG, barsHeld: 1 }, third, rules), {
      kind: 'hold',
      currentStop: 95,
      peakPrice: 101,
      stopRaised: false,
    });
    assert.deepEqual(
      evaluateBar({ ...LONG, barsHeld: 2 }, third, rules),
      exitAt('time_stop', 100.5, T0 + 6 * HOUR, false),
    );
  });

  it('a time stop of 0 never fires', () => {
    const late = bar(1000, [100, 101, 99, 100.5]);
    assert.equal(evaluateBar(LONG, late, NO_TRAIL).kind, 'hold');
  });

  it('a signal exit fills at the close', () => {
    assert.deepEqual(
      evaluateBar(LONG, bar(0, [100, 102, 99, 101.5], { exitSignal: true }), NO_TRAIL),
      exitAt('signal_exit', 101.5, at(0), false),
    );
  });

  it('the stop wins over the time stop and a signal exit in the same candle', () => {
    const all = bar(2, [100, 101, 94, 96], { exitSignal: true });
    assert.deepEqual(evaluateBar(LONG, all, rules), exitAt('hard_stop', 95, T0 + 3 * HOUR, false));
  });

  it('take profit wins over a signal exit, and the time stop over a signal exit', () => {
    assert.deepEqual(
      evaluateBar(LONG, bar(0, [105, 111, 104, 109], { exitSignal: true }), NO_TRAIL),
      exitAt('take_profit', 110, at(0), false),
    );
    assert.deepEqual(
      evaluateBar({ ...LONG, barsHeld: 2 }, bar(2, [100, 101, 99, 100.5], { exitSignal: true }), rules),
      exitAt('time_stop', 100.5, T0 + 3 * HOUR, false),
    );
  });
});

describe('input validation', () => {
  it('an invalid candle throws a RangeError naming the symbol and time', () => {
    const broken: Ohlc[] = [
      [Number.NaN, 101, 99, 100],
      [100, Number.POSITIVE_INFINITY, 99, 100],
      [100, 101, 0, 100],
      [100, 101, 99, -1],
      [100, 100.5, 99, 101], // high below the close
      [100, 101, 100.5, 101], // low above the open
    ];
    for (const ohlc of broken) {
      assert.throws(() => evaluateBar(LONG, bar(0, ohlc), NO_TRAIL), {
        name: 'RangeError',
        message: new RegExp(`^invalid candle for BTC/USDT at ${T0}:`),
      });
    }
  });
});
