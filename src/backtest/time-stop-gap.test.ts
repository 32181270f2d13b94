// The time stop counts bars — rows of data — not clock hours: a trade's 48th bar is its 48th row, so a
// position held across three missing hours exits 51 hours after its entry, not 48. Run through the
// whole backtester on a scripted candle file with the gap inside the trade.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfigFile } from '../config/load-config.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { runBacktest } from './run-backtest.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
/** Row 30 closes above the 20 rows before it: the signal; the entry fills at row 31's open. */
const SIGNAL_ROW = 30;
const ENTRY = T0 + (SIGNAL_ROW + 1) * HOUR;
/** The hours the data leaves out, from the trade's 11th hour on. */
const MISSING = new Set([10, 11, 12].map((h) => ENTRY + h * HOUR));

function candles(): string {
  const rows = ['timestamp,open,high,low,close,volume'];
  for (let i = 0; i < 120; i++) {
    const time = T0 + i * HOUR;
    if (MISSING.has(time)) continue;
    // Flat at 100 until the breakout bar; then flat at 101, far from the 3 % stop.
    const [open, close] = i < SIGNAL_ROW ? [100, 100] : i === SIGNAL_ROW ? [100, 101] : [101, 101];
    rows.push(
      `${new Date(time).toISOString()},${open},${Math.max(open, close)},${Math.min(open, close)},${close},1`,
    );
  }
  return rows.join('\n') + '\n';
}

const CONFIG = `market:
  data: candles
  timeframe: 1h
scanner:
  breakout_lookback: 20
  min_volume_ratio: 0
risk:
  time_stop_hours: 48
  trail_activation_pct: 100   # no trail: only the time stop can end the trade
protections:
  cooldown_hours: 0
variants:
  a:
`;

describe('the time stop across a gap in the data', () => {
  const dir = tempDir();
  after(() => dir.remove());

  it('exits at the close of the 48th bar held, three hours later than 48 clock hours', async () => {
    mkdirSync(join(dir.path, 'candles'));
    writeFileSync(join(dir.path, 'candles', 'TESTUSDT.csv'), candles());
    writeFileSync(join(dir.path, 'sigil.yaml'), CONFIG);
    const run = await runBacktest({ config: loadConfigFile(join(dir.path, 'sigil.yaml')) });
    const [trade] = run.closed;
    assert.ok(trade, 'the breakout was traded');
    assert.deepEqual(
      [new Date(trade.openedAt).toISOString(), trade.exitReason, trade.barsHeld],
      [new Date(ENTRY).toISOString(), 'time_stop', 48],
    );
    // Rows 1–10, then rows 11–48 after the three missing hours: the 48th row closes 51 hours in.
    assert.equal(new Date(trade.closedAt ?? 0).toISOString(), new Date(ENTRY + 51 * HOUR).toISOString());
    assert.equal(trade.exitPrice, 101);
  });
});
