import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { executionJitter } from './jitter.ts';

const JITTER = { maxDelayMs: 5_000, maxSizeOffsetPct: 3, seed: 'account-a' };
const KEYS = Array.from({ length: 1000 }, (_, i) => `intent-${i}`);

describe('executionJitter', () => {
  it('stays within bounds: integer delay in [0, max], size factor in [0.97, 1]', () => {
    const all = KEYS.map((key) => executionJitter(JITTER, key));
    for (const { delayMs, sizeFactor } of all) {
      assert.ok(Number.isInteger(delayMs) && delayMs >= 0 && delayMs <= 5_000, String(delayMs));
      assert.ok(sizeFactor >= 0.97 && sizeFactor <= 1, String(sizeFactor));
    }
    // Spread over the range, not stuck at one end (a loose check: 1000 uniform draws).
    const delays = all.map((j) => j.delayMs);
    assert.ok(Math.min(...delays) < 500 && Math.max(...delays) > 4_500);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    assert.ok(mean > 2_200 && mean < 2_800, String(mean));
  });

  it('is deterministic for one seed and key, so a retry sends the same order', () => {
    assert.deepEqual(executionJitter(JITTER, 'intent-42'), executionJitter({ ...JITTER }, 'intent-42'));
  });

  it('differs between seeds (accounts) and keys', () => {
    const a = KEYS.map((key) => executionJitter(JITTER, key).delayMs);
    const b = KEYS.map((key) => executionJitter({ ...JITTER, seed: 'account-b' }, key).delayMs);
    assert.ok(a.filter((delay, i) => delay === b[i]).length < 10);
    assert.notEqual(
      executionJitter(JITTER, 'intent-1').sizeFactor,
      executionJitter(JITTER, 'intent-2').sizeFactor,
    );
  });

  it('is off at zero: no delay, full size', () => {
    assert.deepEqual(executionJitter({ maxDelayMs: 0, maxSizeOffsetPct: 0, seed: '' }, 'intent-1'), {
      delayMs: 0,
      sizeFactor: 1,
    });
  });
});
