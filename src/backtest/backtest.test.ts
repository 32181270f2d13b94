// The backtester's golden fingerprint (style guide 15): the reference strategy on committed real data
// gives this exact trade list — any change to a decision path shows up here. Regenerate only on purpose,
// with the command in the failure message, after checking why the trades changed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../config/load-config.ts';
import { buildReport } from './backtest-report.ts';
import { runBacktest } from './run-backtest.ts';
import { reportText } from '../cli/report-text.ts';

const CONFIG = fileURLToPath(new URL('../../config/reference-strategy.yaml', import.meta.url));
const FROM = Date.UTC(2021, 3, 5);
const TO = Date.UTC(2021, 6, 1);
/** `sigil --config config/reference-strategy.yaml backtest --from 2021-04-05T00:00:00Z --to 2021-07-01T00:00:00Z --json` → fingerprint */
const GOLDEN = {
  fingerprint: 'cd840aa393ebf56408c906094c4913d233edba1d81ba807f44335a4148ceb926',
  trades: 626,
  totalPnl: -163.81,
};

describe('backtest fingerprint', () => {
  it('replays the reference strategy on the bundled data to the same trades, byte for byte', async () => {
    const config = loadConfigFile(CONFIG);
    const first = buildReport(await runBacktest({ config, from: FROM, to: TO }));
    const second = buildReport(await runBacktest({ config: loadConfigFile(CONFIG), from: FROM, to: TO }));
    assert.equal(second.fingerprint, first.fingerprint, 'two runs of the same config and data agree');
    const [reference] = first.variants;
    assert.ok(reference);
    assert.deepEqual(
      {
        fingerprint: first.fingerprint,
        trades: reference.trades,
        totalPnl: Math.round(reference.totalPnl * 100) / 100,
      },
      GOLDEN,
    );
  });
});

describe('an interrupted backtest', () => {
  it('stops after the bar in progress and says how far it got', async () => {
    const stop = new AbortController();
    let stoppedAt = 0;
    const run = await runBacktest({
      config: loadConfigFile(CONFIG),
      from: FROM,
      to: TO,
      signal: stop.signal,
      onProgress: (done, _total, bar) => {
        if (done < 500) return;
        stoppedAt ||= bar.at;
        stop.abort();
      },
    });
    assert.equal(run.bars, 500);
    assert.equal(run.interruptedAt, stoppedAt, 'the close of the 500th bar');
    assert.equal(run.to, stoppedAt);
    assert.ok(run.closed.length > 0 && run.closed.every((p) => (p.closedAt ?? 0) <= stoppedAt));
    const report = buildReport(run);
    assert.equal(report.interrupted, new Date(stoppedAt).toISOString());
    assert.ok(
      reportText(report).startsWith(`Interrupted: the run stopped at ${report.interrupted}`),
      reportText(report).split('\n')[0],
    );
  });
});
