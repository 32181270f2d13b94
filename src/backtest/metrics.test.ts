import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { variantId, type EpochMs } from '../domain/ids.ts';
import type { ExitReason, Position } from '../domain/position.ts';
import { exitStats } from '../risk/exit-stats.ts';
import { longAt100, storedPosition } from '../../test/support/position-fixture.ts';
import { fingerprint, tradeRows, variantReport, type ReportOptions } from './metrics.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0: EpochMs = Date.UTC(2026, 0, 5);
const TREND = variantId('trend');
const OTHER = variantId('other');

interface TradeSpec {
  variant?: string;
  symbol?: string;
  /** Hours after T0. */
  opened: number;
  closed: number;
  pnl: number;
  fees?: number;
  exitReason?: ExitReason;
}

/** A long of 1 at 100 (the risk fixture), closed `closed` hours after T0 with this pnl. */
function trade(id: string, spec: TradeSpec): Position {
  const position = longAt100(
    id,
    { variant: spec.variant ?? TREND, symbol: spec.symbol ?? 'BTC/USDT', openedAt: T0 + spec.opened * HOUR },
    { fees: spec.fees ?? 0 },
  );
  return storedPosition(position, {
    closedAt: T0 + spec.closed * HOUR,
    exitPrice: 100 + spec.pnl,
    exitReason: spec.exitReason ?? (spec.pnl > 0 ? 'atr_trail' : 'hard_stop'),
    pnl: spec.pnl,
  });
}

function open(id: string, openedHours: number, variant: string = TREND): Position {
  return storedPosition(longAt100(id, { variant, symbol: 'BTC/USDT', openedAt: T0 + openedHours * HOUR }));
}

function options(overrides: Partial<ReportOptions> = {}): ReportOptions {
  return { startingBalance: 1000, from: T0, to: T0 + 3 * DAY, ...overrides };
}

function near(actual: number | null, expected: number, message?: string): void {
  assert.ok(actual !== null, message ?? `expected ${expected}, got null`);
  assert.ok(Math.abs(actual - expected) < 1e-9, message ?? `expected ${expected}, got ${actual}`);
}

describe('variantReport', () => {
  it('counts, averages and fees of one variant (hand-computed), ignoring open and other positions', () => {
    const trades = [
      trade('t1', { opened: 0, closed: 1, pnl: 40, fees: 1 }),
      trade('t2', { opened: 1, closed: 2, pnl: -20, fees: 0.5 }),
      // Break-even: neither a win nor a loss, yet it counts as a trade.
      trade('t3', { opened: 2, closed: 3, pnl: 0, fees: 0.25, exitReason: 'time_stop' }),
      trade('t4', { opened: 3, closed: 4, pnl: 60, fees: 1 }),
      trade('t5', { opened: 4, closed: 5, pnl: -40, fees: 0.25 }),
    ];
    const noise = [trade('x1', { variant: OTHER, opened: 0, closed: 1, pnl: 999, fees: 9 }), open('o1', 5)];
    const report = variantReport(TREND, [...noise, ...trades], options());
    assert.equal(report.variantId, TREND);
    assert.equal(report.trades, 5);
    assert.equal(report.wins, 2);
    assert.equal(report.winRate, 0.4);
    assert.equal(report.totalPnl, 40);
    assert.equal(report.avgPnl, 8);
    assert.equal(report.avgWin, 50);
    // mean(20, 40), positive
    assert.equal(report.avgLoss, 30);
    // 0.4 × 50 − 0.4 × 30: with the loss rate, not 1 − winRate (which would give 2), it equals avgPnl.
    near(report.expectancy, 8);
    assert.equal(report.fees, 3);
    assert.equal(report.finalEquity, 1040);
    assert.deepEqual(report.exits, exitStats(trades)[0]);
    assert.equal(report.exits?.trades, 5);
  });

  it('takes the drawdown on the realised curve in (closedAt, id) order', () => {
    // Given out of order; by close time the curve is 1000, 1100, 800, 850, 1250, 1150.
    const trades = [
      trade('d4', { opened: 0, closed: 4, pnl: 400 }),
      trade('d2', { opened: 0, closed: 2, pnl: -300 }),
      trade('d5', { opened: 0, closed: 5, pnl: -100 }),
      trade('d1', { opened: 0, closed: 1, pnl: 100 }),
      trade('d3', { opened: 0, closed: 3, pnl: 50 }),
    ];
    const report = variantReport(TREND, trades, options());
    assert.equal(report.maxDrawdown, 300);
    near(report.maxDrawdownPct, (300 / 1100) * 100);
    assert.equal(report.finalEquity, 1150);
  });

  it('breaks close-time ties by id: the order decides which peak a fall is measured from', () => {
    // By id: 1000, 700 (−300), 900: 30 % of 1000. By input order it would be 1000, 1200, 900: 25 %.
    const trades = [
      trade('b', { opened: 0, closed: 1, pnl: 200 }),
      trade('a', { opened: 0, closed: 1, pnl: -300 }),
    ];
    const report = variantReport(TREND, trades, options());
    assert.equal(report.maxDrawdown, 300);
    near(report.maxDrawdownPct, 30);
  });

  it('takes the money and the percent drawdown each at their worst, which may be different falls', () => {
    // 100 → 50 (−50, 50 %) → 1000 → 900 (−100, 10 %)
    const trades = [
      trade('m1', { opened: 0, closed: 1, pnl: -50 }),
      trade('m2', { opened: 0, closed: 2, pnl: 950 }),
      trade('m3', { opened: 0, closed: 3, pnl: -100 }),
    ];
    const report = variantReport(TREND, trades, options({ startingBalance: 100 }));
    assert.equal(report.maxDrawdown, 100);
    assert.equal(report.maxDrawdownPct, 50);
  });

  it('measures exposure as the union of open intervals clipped to the range', () => {
    const range = options({ from: T0, to: T0 + 10 * HOUR });
    const trades = [
      // [1, 4) and [3, 6) overlap: 5 hours, not 6; [2, 3) lies inside them and adds nothing.
      trade('e1', { opened: 1, closed: 4, pnl: 1 }),
      trade('e2', { opened: 3, closed: 6, pnl: 1 }),
      trade('e3', { opened: 2, closed: 3, pnl: 1 }),
      // Clipped to [8, 10) and [0, 0.5).
      trade('e4', { opened: 8, closed: 12, pnl: 1 }),
      trade('e5', { opened: -2, closed: 0.5, pnl: 1 }),
      // Entirely outside the range.
      trade('e6', { opened: -5, closed: -3, pnl: 1 }),
    ];
    // Neither another variant's trade nor an open position fills the gap at [6, 8).
    const noise = [trade('x1', { variant: OTHER, opened: 6, closed: 8, pnl: 1 }), open('o1', 6)];
    const report = variantReport(TREND, [...trades, ...noise], range);
    // (5 + 2 + 0.5) / 10
    near(report.exposure, 0.75);
  });

  it('computes Sharpe and Sortino from daily returns of realised equity (3 days, hand-computed)', () => {
    // Day 1: +60 +40 on 1000 → +10 %; day 2: −110 on 1100 → −10 %; day 3: +99 on 990 → +10 %.
    const trades = [
      trade('s1', { opened: 0, closed: 2, pnl: 60 }),
      trade('s2', { opened: 0, closed: 20, pnl: 40 }),
      trade('s3', { opened: 24, closed: 30, pnl: -110 }),
      trade('s4', { opened: 48, closed: 71, pnl: 99 }),
    ];
    const report = variantReport(TREND, trades, options());
    // mean 1/30; sample variance ((1/15)² + (2/15)² + (1/15)²) / 2 = 1/75
    near(report.sharpe, (1 / 30) * Math.sqrt(75) * Math.sqrt(365));
    // downside deviation sqrt(0.1² / 3)
    near(report.sortino, (1 / 30 / Math.sqrt(0.01 / 3)) * Math.sqrt(365));
  });

  it('gives a day without closes a zero return, puts earlier closes in the opening equity and a close at `to` on the last day', () => {
    // Opening equity 900 + 100 = 1000; returns 0 (no close) and +10 % (the close at `to`).
    const trades = [
      trade('p0', { opened: -30, closed: -20, pnl: 100 }),
      trade('p1', { opened: 30, closed: 48, pnl: 100 }),
      // After the range: in the totals, not in the daily returns.
      trade('p2', { opened: 50, closed: 60, pnl: -500 }),
    ];
    const report = variantReport(TREND, trades, { startingBalance: 900, from: T0, to: T0 + 2 * DAY });
    // mean 0.05, sample deviation sqrt(0.05² + 0.05²)
    near(report.sharpe, (0.05 / Math.sqrt(0.005)) * Math.sqrt(365));
    // No losing day: no downside deviation.
    assert.equal(report.sortino, null);
    assert.equal(report.finalEquity, 600);
  });

  it('has no Sharpe or Sortino below 2 days, without deviation, or once the account is wiped out', () => {
    const one = trade('n1', { opened: 0, closed: 1, pnl: -10 });
    const oneDay = variantReport(TREND, [one], options({ to: T0 + 12 * HOUR }));
    assert.equal(oneDay.sharpe, null);
    assert.equal(oneDay.sortino, null);

    const flat = variantReport(TREND, [], options());
    assert.equal(flat.sharpe, null);
    assert.equal(flat.sortino, null);

    const wiped = [
      trade('w1', { opened: 0, closed: 1, pnl: -100 }),
      trade('w2', { opened: 0, closed: 30, pnl: 5 }),
    ];
    const gone = variantReport(TREND, wiped, options({ startingBalance: 100 }));
    assert.equal(gone.sharpe, null);
    assert.equal(gone.sortino, null);
    assert.equal(gone.maxDrawdownPct, 100);
  });

  it('reports a variant without trades in plain zeros and nulls, never NaN', () => {
    const report = variantReport(
      TREND,
      [open('o1', 0), trade('x1', { variant: OTHER, opened: 0, closed: 1, pnl: 5 })],
      options(),
    );
    assert.deepEqual(report, {
      variantId: TREND,
      trades: 0,
      wins: 0,
      winRate: 0,
      totalPnl: 0,
      avgPnl: 0,
      expectancy: 0,
      avgWin: null,
      avgLoss: null,
      fees: 0,
      maxDrawdown: 0,
      maxDrawdownPct: 0,
      sharpe: null,
      sortino: null,
      exposure: 0,
      finalEquity: 1000,
      exits: null,
      startingBalance: 1000,
      totalReturnPct: 0,
      profitFactor: null,
      avgDurationMs: null,
      bestTrade: null,
      worstTrade: null,
      bestPair: null,
      worstPair: null,
      maxConsecutiveLosses: 0,
      maxConsecutiveWins: 0,
      pairs: [],
      openAtEnd: null,
    });
    assert.equal(variantReport(TREND, [], options({ to: T0 })).exposure, 0);
  });

  it("adds the trader's figures from the variant's trades in close order, and its positions open at the end", () => {
    // Given out of order: the losing run −5, −15 is a run only in close order.
    const trades = [
      trade('f3', { symbol: 'ETH/USDT', opened: 3, closed: 5, pnl: -15 }),
      trade('f1', { opened: 0, closed: 2, pnl: 40 }),
      trade('f2', { symbol: 'ETH/USDT', opened: 1, closed: 3, pnl: -5 }),
      trade('x1', { variant: OTHER, opened: 0, closed: 1, pnl: -100 }),
    ];
    const open = [
      { variant: TREND as string, unrealisedPnl: 2.5 },
      { variant: TREND as string, unrealisedPnl: -1 },
      { variant: OTHER as string, unrealisedPnl: 7 },
    ].map((o) => ({
      ...o,
      symbol: 'BTC/USDT',
      side: 'long',
      entryTime: '',
      entryPrice: 1,
      qty: 1,
      lastClose: 1,
    }));
    const report = variantReport(TREND, trades, options({ open }));
    // +20 on 1 000.
    near(report.totalReturnPct, 2);
    near(report.profitFactor, 40 / 20);
    near(report.avgDurationMs, 2 * HOUR);
    assert.equal(report.maxConsecutiveLosses, 2);
    assert.deepEqual(
      [report.bestTrade?.pnl, report.worstTrade?.pnl, report.bestPair?.symbol, report.worstPair?.symbol],
      [40, -15, 'BTC/USDT', 'ETH/USDT'],
    );
    assert.deepEqual(report.openAtEnd, { positions: 2, unrealisedPnl: 1.5 });
    // The open positions change no closed-trade figure.
    assert.equal(report.finalEquity, 1020);
  });

  it('rejects a balance that is not positive, a reversed range and a non-finite pnl', () => {
    assert.throws(() => variantReport(TREND, [], options({ startingBalance: 0 })), RangeError);
    assert.throws(() => variantReport(TREND, [], options({ from: T0 + 1, to: T0 })), RangeError);
    const bad = { ...trade('b1', { opened: 0, closed: 1, pnl: 1 }), pnl: Number.NaN };
    assert.throws(() => variantReport(TREND, [bad], options()), RangeError);
  });
});

describe('tradeRows and fingerprint', () => {
  const positions = [
    trade('z', { variant: 'beta', symbol: 'ETH/USDT', opened: 0, closed: 2, pnl: 1 }),
    trade('y', { variant: 'alpha', symbol: 'SOL/USDT', opened: 0, closed: 2, pnl: 2 }),
    trade('x', { variant: 'alpha', symbol: 'ETH/USDT', opened: 0, closed: 2, pnl: 3 }),
    trade('w', { variant: 'alpha', symbol: 'ETH/USDT', opened: 0, closed: 2, pnl: 4 }),
    open('o1', 0, 'alpha'),
    trade('v', { variant: 'zeta', symbol: 'BTC/USDT', opened: 0, closed: 1, pnl: 5 }),
  ];

  it('orders closed positions by (closedAt, variant, symbol, id) and leaves open ones out', () => {
    // v, the first to close, ran to 106 and dipped to 98.5 in its one bar, entered at its signal's close.
    const rows = tradeRows(
      positions.map((p) =>
        p.id === 'v' ? { ...p, signalAt: p.openedAt, barsHeld: 1, peakPrice: 106, troughPrice: 98.5 } : p,
      ),
    );
    assert.deepEqual(
      rows.map((r) => r.pnl),
      // v closes first; then alpha before beta, ETH before SOL, w before x.
      [5, 4, 3, 2, 1],
    );
    assert.deepEqual(rows[0], {
      variant: 'zeta',
      symbol: 'BTC/USDT',
      side: 'long',
      signalTime: '2026-01-05T00:00:00.000Z',
      entryTime: '2026-01-05T00:00:00.000Z',
      entryPrice: 100,
      exitTime: '2026-01-05T01:00:00.000Z',
      exitPrice: 105,
      qty: 1,
      initialStop: 97,
      stopFraction: 0.03,
      atrAtSignal: 2,
      barsHeld: 1,
      exitReason: 'atr_trail',
      fees: 0,
      pnl: 5,
      mae: 1.5,
      mfe: 6,
      maeR: 0.5,
      mfeR: 2,
    });
  });

  it('is stable: the same trades in any input order give the same hash', () => {
    const hash = fingerprint(tradeRows(positions));
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.equal(fingerprint(tradeRows([...positions].reverse())), hash);
    // sha256 of "[]": the hash is of the JSON text and nothing else.
    assert.equal(fingerprint([]), '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945');
  });

  it('changes when one trade differs by one cent', () => {
    const base = [trade('c1', { opened: 0, closed: 1, pnl: 12.34 })];
    const cent = base.map((p) => ({ ...p, pnl: 12.35 }));
    assert.equal(fingerprint(tradeRows(base)), fingerprint(tradeRows(base)));
    assert.notEqual(fingerprint(tradeRows(cent)), fingerprint(tradeRows(base)));
  });
});
