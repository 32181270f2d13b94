import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { positionId, variantId } from '../domain/ids.ts';
import type { ExitReason, Position } from '../domain/position.ts';
import { ALL_SYMBOLS } from '../domain/protection.ts';
import { locksAfterClose, type CloseContext, type Lock, type ProtectionRules } from './protections.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 0, 5);
const TREND = variantId('trend');
const OTHER = variantId('other');

const OFF: ProtectionRules = {
  cooldownAfterExitHours: 0,
  stoplossGuard: { tradeLimit: 0, lookbackHours: 24, lockHours: 12, scope: 'symbol' },
  maxDrawdown: { maxDrawdownPct: 0, tradeLimit: 1, lookbackHours: 24, lockHours: 6 },
  lowProfit: { tradeLimit: 0, lookbackHours: 48, lockHours: 8, requiredProfitUsd: 0 },
};

function rules(overrides: {
  cooldownAfterExitHours?: number;
  stoplossGuard?: Partial<ProtectionRules['stoplossGuard']>;
  maxDrawdown?: Partial<ProtectionRules['maxDrawdown']>;
  lowProfit?: Partial<ProtectionRules['lowProfit']>;
}): ProtectionRules {
  return {
    cooldownAfterExitHours: overrides.cooldownAfterExitHours ?? OFF.cooldownAfterExitHours,
    stoplossGuard: { ...OFF.stoplossGuard, ...overrides.stoplossGuard },
    maxDrawdown: { ...OFF.maxDrawdown, ...overrides.maxDrawdown },
    lowProfit: { ...OFF.lowProfit, ...overrides.lowProfit },
  };
}

const LONG = { intentId: null, side: 'long', qty: 1, entryPrice: 100, atrAtEntry: 2, fees: 0 } as const;
const STOPS = {
  initialStop: 95,
  currentStop: 95,
  peakPrice: 100,
  troughPrice: 100,
  barsHeld: 5,
  signalAt: null,
  takeProfit: null,
};

/** A closed long, closed at `closedAt` with `pnl` for `exitReason`. */
function trade(id: string, symbol: string, at: number, pnl: number, why: ExitReason, v = TREND): Position {
  const closing = { closedAt: at, exitPrice: 100 + pnl, exitReason: why, pnl };
  return { ...LONG, ...STOPS, ...closing, id: positionId(id), variantId: v, symbol, openedAt: at - 5 * HOUR };
}

function lock(symbol: string, kind: Lock['kind'], until: number, reason: string): Lock {
  return { variantId: TREND, symbol, kind, until, reason };
}

function reasons(ctx: CloseContext, r: ProtectionRules): string[] {
  return locksAfterClose(ctx, r).map((l) => l.reason);
}

/** The last trade is the one that just closed. */
function context(trades: Position[], equity = 1000): CloseContext {
  const closed = trades.at(-1);
  assert.ok(closed);
  return { closed, recent: trades, equity, now: NOW };
}

describe('locksAfterClose: cooldown after exit', () => {
  it('locks the symbol from the close time, and is off at 0', () => {
    const ctx = context([trade('p1', 'BTC/USDT', NOW - HOUR / 2, 10, 'take_profit')]);
    assert.deepEqual(locksAfterClose(ctx, rules({ cooldownAfterExitHours: 4 })), [
      lock('BTC/USDT', 'cooldown', NOW - HOUR / 2 + 4 * HOUR, 'cooldown 4h after exit'),
    ]);
    assert.deepEqual(locksAfterClose(ctx, OFF), []);
  });
});

describe('locksAfterClose: stoploss guard', () => {
  const guard = rules({ stoplossGuard: { tradeLimit: 3 } });

  it('locks the symbol at exactly the limit, until the latest stop-out + lockHours', () => {
    const trades = [
      trade('p1', 'BTC/USDT', NOW - 5 * HOUR, -10, 'hard_stop'),
      trade('p2', 'BTC/USDT', NOW - 3 * HOUR, -5, 'liquidation'),
      trade('p3', 'BTC/USDT', NOW - 2 * HOUR, -1, 'atr_trail'),
      // The just-closed win causes nothing, so the lock runs from p3's close, not from now.
      trade('p4', 'BTC/USDT', NOW, 20, 'take_profit'),
    ];
    assert.deepEqual(locksAfterClose(context(trades), guard), [
      // p3's close + 12h
      lock('BTC/USDT', 'stoploss_guard', NOW + 10 * HOUR, '3 losing stop-outs within 24h (limit 3)'),
    ]);
    assert.deepEqual(locksAfterClose(context(trades.slice(1)), guard), []);
  });

  it('counts only losing stop-outs: winning or flat trails and losing non-stop exits do not count', () => {
    const trades = [
      trade('p1', 'BTC/USDT', NOW - 6 * HOUR, -10, 'hard_stop'),
      trade('p2', 'BTC/USDT', NOW - 5 * HOUR, 15, 'atr_trail'),
      trade('p3', 'BTC/USDT', NOW - 4 * HOUR, 0, 'atr_trail'),
      trade('p4', 'BTC/USDT', NOW - 3 * HOUR, -8, 'time_stop'),
      trade('p5', 'BTC/USDT', NOW - 2 * HOUR, -8, 'manual'),
      trade('p6', 'BTC/USDT', NOW, -7, 'hard_stop'),
    ];
    assert.deepEqual(locksAfterClose(context(trades), guard), []);
  });

  it('ignores a stop-out exactly one lookback ago, counts one a millisecond later', () => {
    const recent = [
      trade('p2', 'BTC/USDT', NOW - HOUR, -1, 'hard_stop'),
      trade('p3', 'BTC/USDT', NOW, -1, 'hard_stop'),
    ];
    const edge = [trade('p1', 'BTC/USDT', NOW - 24 * HOUR, -1, 'hard_stop'), ...recent];
    assert.deepEqual(locksAfterClose(context(edge), guard), []);
    const inside = [trade('p1', 'BTC/USDT', NOW - 24 * HOUR + 1, -1, 'hard_stop'), ...recent];
    assert.deepEqual(
      locksAfterClose(context(inside), guard).map((l) => l.until),
      [NOW + 12 * HOUR],
    );
  });

  it('scope symbol counts only the closed symbol; scope variant counts all and locks every symbol', () => {
    const trades = [
      trade('p1', 'ETH/USDT', NOW - 3 * HOUR, -4, 'hard_stop'),
      trade('p2', 'BTC/USDT', NOW - 2 * HOUR, -4, 'hard_stop'),
      trade('p3', 'BTC/USDT', NOW, -4, 'atr_trail'),
    ];
    assert.deepEqual(locksAfterClose(context(trades), guard), []);
    const variantScope = rules({ stoplossGuard: { tradeLimit: 3, scope: 'variant' } });
    assert.deepEqual(locksAfterClose(context(trades), variantScope), [
      lock(ALL_SYMBOLS, 'stoploss_guard', NOW + 12 * HOUR, '3 losing stop-outs within 24h (limit 3)'),
    ]);
  });

  it("ignores other variants' trades and open positions", () => {
    const open: Position = { ...trade('p0', 'BTC/USDT', NOW, 0, 'hard_stop'), closedAt: null, pnl: null };
    const trades = [
      open,
      trade('q1', 'BTC/USDT', NOW - 2 * HOUR, -9, 'hard_stop', OTHER),
      trade('p1', 'BTC/USDT', NOW - HOUR, -9, 'hard_stop'),
      trade('p2', 'BTC/USDT', NOW, -9, 'hard_stop'),
    ];
    assert.deepEqual(locksAfterClose(context(trades), guard), []);
  });

  it('counts the just-closed position even when the caller left it out of recent', () => {
    const earlier = [
      trade('p1', 'BTC/USDT', NOW - 2 * HOUR, -1, 'hard_stop'),
      trade('p2', 'BTC/USDT', NOW - HOUR, -1, 'hard_stop'),
    ];
    const closed = trade('p3', 'BTC/USDT', NOW, -1, 'hard_stop');
    const ctx = { closed, recent: earlier, equity: 1000, now: NOW };
    assert.deepEqual(reasons(ctx, guard), ['3 losing stop-outs within 24h (limit 3)']);
  });
});

describe('locksAfterClose: max drawdown', () => {
  // Equity 1000 after +50, −100, −20: start 1070, peak 1120, trough 1000 → 120 / 1120 = 10.714 %.
  const curve = [
    trade('p1', 'BTC/USDT', NOW - 3 * HOUR, 50, 'take_profit'),
    trade('p2', 'ETH/USDT', NOW - 2 * HOUR, -100, 'hard_stop'),
    trade('p3', 'SOL/USDT', NOW, -20, 'time_stop'),
  ];

  it('locks every symbol when the rebuilt equity curve falls further than allowed', () => {
    const dd = rules({ maxDrawdown: { maxDrawdownPct: 10, tradeLimit: 3 } });
    assert.deepEqual(locksAfterClose(context(curve), dd), [
      lock(ALL_SYMBOLS, 'max_drawdown', NOW + 6 * HOUR, 'drawdown 10.71% over 3 trades within 24h (max 10%)'),
    ]);
    assert.deepEqual(locksAfterClose(context(curve), rules({ maxDrawdown: { maxDrawdownPct: 10.72 } })), []);
  });

  it('needs tradeLimit trades in the window; one outside the window is not on the curve', () => {
    const old = trade('p0', 'BTC/USDT', NOW - 24 * HOUR, -500, 'hard_stop');
    const atLimit = rules({ maxDrawdown: { maxDrawdownPct: 10, tradeLimit: 3 } });
    assert.deepEqual(reasons(context([old, ...curve]), atLimit), [
      'drawdown 10.71% over 3 trades within 24h (max 10%)',
    ]);
    assert.deepEqual(
      locksAfterClose(context(curve), rules({ maxDrawdown: { maxDrawdownPct: 10, tradeLimit: 4 } })),
      [],
    );
  });

  it('never locks without a losing trade, even on a non-positive curve', () => {
    const winners = [
      trade('p1', 'BTC/USDT', NOW - HOUR, 10, 'take_profit'),
      trade('p2', 'BTC/USDT', NOW, 5, 'atr_trail'),
    ];
    assert.deepEqual(
      locksAfterClose(context(winners, -50), rules({ maxDrawdown: { maxDrawdownPct: 1 } })),
      [],
    );
  });

  it('treats a non-positive peak as a 100 % drawdown', () => {
    // Equity −50 after +10, −20: start −40, then −30 (the peak), then −50.
    const blown = [
      trade('p1', 'BTC/USDT', NOW - HOUR, 10, 'take_profit'),
      trade('p2', 'BTC/USDT', NOW, -20, 'hard_stop'),
    ];
    assert.deepEqual(reasons(context(blown, -50), rules({ maxDrawdown: { maxDrawdownPct: 99 } })), [
      'drawdown 100.00% over 2 trades within 24h (max 99%)',
    ]);
  });

  it('orders trades closed at the same time by id', () => {
    const dd = rules({ maxDrawdown: { maxDrawdownPct: 9.5 } });
    // p-a (−100) before p-b (+100): 1000 → 900 → 1000, a 10 % drawdown, whatever the input order.
    const lossFirst = [
      trade('p-b', 'BTC/USDT', NOW, 100, 'atr_trail'),
      trade('p-a', 'BTC/USDT', NOW, -100, 'hard_stop'),
    ];
    assert.deepEqual(reasons(context(lossFirst), dd), [
      'drawdown 10.00% over 2 trades within 24h (max 9.5%)',
    ]);
    // p-a (+100) before p-b (−100): 1000 → 1100 → 1000, only 9.09 %.
    const winFirst = [
      trade('p-b', 'BTC/USDT', NOW, -100, 'hard_stop'),
      trade('p-a', 'BTC/USDT', NOW, 100, 'atr_trail'),
    ];
    assert.deepEqual(locksAfterClose(context(winFirst), dd), []);
  });

  it('refuses a non-finite equity or pnl instead of passing silently', () => {
    const dd = rules({ maxDrawdown: { maxDrawdownPct: 10, tradeLimit: 5 } });
    assert.throws(() => locksAfterClose(context(curve, Number.NaN), dd), RangeError);
    assert.throws(() => locksAfterClose(context(curve, Number.POSITIVE_INFINITY), dd), RangeError);
    const nanPnl = [...curve.slice(0, 2), trade('p3', 'SOL/USDT', NOW, Number.NaN, 'hard_stop')];
    assert.throws(
      () => locksAfterClose(context(nanPnl), rules({ maxDrawdown: { maxDrawdownPct: 10 } })),
      RangeError,
    );
    // With the rule off, equity is not read.
    assert.deepEqual(locksAfterClose(context(curve, Number.NaN), OFF), []);
  });
});

describe('locksAfterClose: low profit', () => {
  const low = rules({ lowProfit: { tradeLimit: 3 } });
  const trades = [
    trade('q1', 'BTC/USDT', NOW - 10 * HOUR, 500, 'take_profit', OTHER),
    trade('e1', 'ETH/USDT', NOW - 9 * HOUR, 500, 'take_profit'),
    trade('p1', 'BTC/USDT', NOW - 8 * HOUR, 20, 'take_profit'),
    trade('p2', 'BTC/USDT', NOW - 4 * HOUR, -40, 'hard_stop'),
    trade('p3', 'BTC/USDT', NOW, -15, 'time_stop'),
  ];

  it("locks the symbol at exactly tradeLimit of its trades, ignoring other symbols' and variants'", () => {
    assert.deepEqual(locksAfterClose(context(trades), low), [
      lock('BTC/USDT', 'low_profit', NOW + 8 * HOUR, 'profit -35.00 over 3 trades within 48h (required 0)'),
    ]);
    assert.deepEqual(locksAfterClose(context(trades.slice(3)), low), []);
  });

  it('does not lock when the profit reaches the requirement exactly', () => {
    const required = rules({ lowProfit: { tradeLimit: 3, requiredProfitUsd: -35 } });
    assert.deepEqual(locksAfterClose(context(trades), required), []);
  });

  it('ignores a trade exactly one lookback ago', () => {
    const aged = [trade('p0', 'BTC/USDT', NOW - 48 * HOUR, -1000, 'hard_stop'), ...trades.slice(3)];
    assert.deepEqual(locksAfterClose(context(aged), low), []);
  });
});

describe('locksAfterClose: all rules together', () => {
  const trades = [
    trade('p1', 'BTC/USDT', NOW - 3 * HOUR, -100, 'hard_stop'),
    trade('p2', 'BTC/USDT', NOW - 2 * HOUR, -100, 'hard_stop'),
    trade('p3', 'BTC/USDT', NOW, -100, 'hard_stop'),
  ];

  it('returns cooldown, stoploss_guard, max_drawdown, low_profit in that order', () => {
    const all = rules({
      cooldownAfterExitHours: 1,
      stoplossGuard: { tradeLimit: 3 },
      maxDrawdown: { maxDrawdownPct: 5 },
      lowProfit: { tradeLimit: 3 },
    });
    assert.deepEqual(
      locksAfterClose(context(trades), all).map((l) => [l.kind, l.symbol, l.until]),
      [
        ['cooldown', 'BTC/USDT', NOW + HOUR],
        ['stoploss_guard', 'BTC/USDT', NOW + 12 * HOUR],
        ['max_drawdown', ALL_SYMBOLS, NOW + 6 * HOUR],
        ['low_profit', 'BTC/USDT', NOW + 8 * HOUR],
      ],
    );
  });

  it('produces nothing when every rule is switched off', () => {
    assert.deepEqual(locksAfterClose(context(trades), OFF), []);
  });

  it('refuses negative hours or limits, and a close without closedAt', () => {
    const ctx = context(trades);
    assert.throws(() => locksAfterClose(ctx, rules({ cooldownAfterExitHours: -1 })), RangeError);
    assert.throws(() => locksAfterClose(ctx, rules({ stoplossGuard: { lookbackHours: -24 } })), RangeError);
    assert.throws(() => locksAfterClose(ctx, rules({ maxDrawdown: { lockHours: -1 } })), RangeError);
    assert.throws(() => locksAfterClose(ctx, rules({ maxDrawdown: { maxDrawdownPct: -5 } })), RangeError);
    assert.throws(() => locksAfterClose(ctx, rules({ lowProfit: { tradeLimit: -1 } })), RangeError);
    assert.throws(
      () => locksAfterClose(ctx, rules({ stoplossGuard: { tradeLimit: Number.NaN } })),
      RangeError,
    );
    const open = { ...ctx, closed: { ...ctx.closed, closedAt: null } };
    assert.throws(() => locksAfterClose(open, OFF), RangeError);
  });
});
