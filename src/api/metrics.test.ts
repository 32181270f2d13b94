// The exposition's details: zero-filled intent series, escaped label values, a heartbeat that never
// finished a scan measured from its start, and the bot process's counters and health beside the store's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { variantId } from '../domain/ids.ts';
import { INTENT_STATUSES } from '../domain/intent-lifecycle.ts';
import { renderMetrics } from './metrics.ts';
import { ProcessMetrics } from './process-metrics.ts';

describe('renderMetrics', () => {
  const a = variantId('a');
  it('fills every status with zero, escapes labels and ends with a newline', async () => {
    const text = await renderMetrics(
      {
        now: 10_000,
        variants: ['a'],
        counts: [{ variantId: 'we"ird\\\n' as typeof a, status: 'pending', count: 2 }],
        heartbeats: [
          { variantId: a, lastScanStart: 4_000, lastScanEnd: null, lastError: null, updatedAt: 4_000 },
          {
            variantId: variantId('b'),
            lastScanStart: null,
            lastScanEnd: null,
            lastError: null,
            updatedAt: 0,
          },
        ],
        latestEquity: [],
        tradingStates: [{ variantId: a, state: 'halted', reason: 'x', actor: 'api', changedAt: 1 }],
        drawdowns: [],
        requestBudgets: [],
      },
      null,
    );
    assert.ok(text.endsWith('\n'));
    const lines = text.trimEnd().split('\n');
    assert.equal(
      lines.filter((l) => l.startsWith('sigil_intents{variant="a"')).length,
      INTENT_STATUSES.length,
    );
    assert.ok(lines.includes('sigil_intents{variant="we\\"ird\\\\\\n",status="pending"} 2'));
    assert.ok(lines.includes('sigil_heartbeat_age_seconds{variant="a"} 6'));
    assert.ok(!text.includes('variant="b"'));
    assert.ok(lines.includes('sigil_trading_halted{variant="a"} 1'));
    assert.ok(lines.includes('# TYPE sigil_equity gauge'));
    // Without a bot in the process there are no process counters or process health to report.
    assert.ok(!text.includes('sigil_decisions_total'));
    assert.ok(!text.includes('process_cpu'));
  });

  it('reports drawdown, the request budget against its limits and the process counters', async () => {
    const processMetrics = new ProcessMetrics();
    processMetrics.recordDecisions(4);
    processMetrics.recordDecisions(3);
    processMetrics.recordWorkerError();
    processMetrics.recordWorkerError();
    const text = await renderMetrics(
      {
        now: 10_000,
        variants: ['a'],
        counts: [],
        heartbeats: [],
        latestEquity: [],
        tradingStates: [],
        drawdowns: [{ variant: 'a', ratio: 0.05 }],
        requestBudgets: [
          {
            variant: 'a',
            used: { all: 120, modifications: 30, positions: 4 },
            limits: { allPerDay: 2000, modificationsPerDay: 500, positionsPerDay: 0, reserve: 50 },
          },
        ],
      },
      processMetrics,
    );
    const lines = text.trimEnd().split('\n');
    assert.ok(lines.includes('sigil_drawdown_ratio{variant="a"} 0.05'));
    assert.ok(lines.includes('sigil_broker_requests_used{variant="a",kind="all"} 120'));
    assert.ok(lines.includes('sigil_broker_requests_limit{variant="a",kind="modifications"} 500'));
    assert.ok(lines.includes('sigil_broker_requests_limit{variant="a",kind="positions"} 0'));
    assert.ok(lines.includes('# TYPE sigil_decisions_total counter'));
    assert.ok(lines.includes('sigil_decisions_total 7'));
    assert.ok(lines.includes('sigil_worker_errors_total 2'));
    // The process's health comes with the bot: a blocked event loop shows beside a silent heartbeat.
    assert.ok(lines.includes('# TYPE nodejs_eventloop_lag_seconds gauge'));
    assert.ok(lines.some((l) => /^process_resident_memory_bytes \d+/.test(l)));
  });
});
