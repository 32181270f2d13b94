// The exposition format's details: zero-filled intent series, escaped label values, and a heartbeat
// that never finished a scan measured from its start.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { variantId } from '../domain/ids.ts';
import { INTENT_STATUSES } from '../domain/intent-lifecycle.ts';
import { renderMetrics } from './metrics.ts';

describe('renderMetrics', () => {
  const a = variantId('a');
  it('fills every status with zero, escapes labels and ends with a newline', () => {
    const text = renderMetrics({
      now: 10_000,
      variants: ['a'],
      counts: [{ variantId: 'we"ird\\\n' as typeof a, status: 'pending', count: 2 }],
      heartbeats: [
        { variantId: a, lastScanStart: 4_000, lastScanEnd: null, lastError: null, updatedAt: 4_000 },
        { variantId: variantId('b'), lastScanStart: null, lastScanEnd: null, lastError: null, updatedAt: 0 },
      ],
      latestEquity: [],
      tradingStates: [{ variantId: a, state: 'halted', reason: 'x', actor: 'api', changedAt: 1 }],
    });
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
  });
});
