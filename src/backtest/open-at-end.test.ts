import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EURUSD, longAt100, SPOT, storedPosition } from '../../test/support/position-fixture.ts';
import { openAtEndRows } from './open-at-end.ts';

const T0 = Date.UTC(2026, 0, 5);

describe('openAtEndRows', () => {
  it("marks each open position at its symbol's last close, after the entry fees", () => {
    const rows = openAtEndRows(
      [
        // A long of 1 at 100 with 0.1 paid to enter, the last close 104: 4 − 0.1.
        storedPosition(
          longAt100('p1', { variant: 'trend', symbol: 'SOL/USDT', openedAt: T0 }, { fees: 0.1 }),
        ),
        // A short of 0.5 at 100, last close 104: −2.
        storedPosition(
          longAt100('p2', { variant: 'base', symbol: 'SOL/USDT', openedAt: T0 }, { side: 'short', qty: 0.5 }),
        ),
        // 0.1 lot of EURUSD from 1.1000 to 1.1050: 0.005 × 0.1 × 100 000 = 50.
        storedPosition(
          longAt100(
            'p3',
            { variant: 'base', symbol: 'EURUSD', openedAt: T0 + 1 },
            { entryPrice: 1.1, qty: 0.1, initialStop: 1.09, currentStop: 1.09, peakPrice: 1.1 },
          ),
        ),
        // No close for the symbol: marked at its entry, so only the fees show.
        storedPosition(
          longAt100('p4', { variant: 'trend', symbol: 'XYZ/USDT', openedAt: T0 }, { fees: 0.2 }),
        ),
      ],
      new Map([
        ['SOL/USDT', 104],
        ['EURUSD', 1.105],
      ]),
      (_variant, symbol) => (symbol === 'EURUSD' ? EURUSD : SPOT),
    );
    assert.deepEqual(
      rows.map((r) => [r.variant, r.symbol, r.side, r.lastClose, Math.round(r.unrealisedPnl * 1e9) / 1e9]),
      [
        ['base', 'EURUSD', 'long', 1.105, 50],
        ['base', 'SOL/USDT', 'short', 104, -2],
        ['trend', 'SOL/USDT', 'long', 104, 3.9],
        ['trend', 'XYZ/USDT', 'long', 100, -0.2],
      ],
    );
    assert.equal(rows[0]?.entryTime, '2026-01-05T00:00:00.001Z');
  });
});
