import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScannerHeartbeat } from '../domain/heartbeat.ts';
import { variantId, type VariantId } from '../domain/ids.ts';
import {
  checkLiveness,
  deadManReason,
  describeLiveness,
  type DeadManInput,
  type VariantLiveness,
} from './dead-man.ts';

const NOW = Date.UTC(2024, 4, 1, 12, 0);
const MIN = 60_000;
const A = variantId('alpha');

function heartbeat(start: number | null, end: number | null, error: string | null = null): ScannerHeartbeat {
  return { variantId: A, lastScanStart: start, lastScanEnd: end, lastError: error, updatedAt: NOW };
}

function one(
  heartbeats: ScannerHeartbeat[],
  options: Partial<Omit<DeadManInput, 'variants' | 'heartbeats'>> & { staleAfterMinutes?: number } = {},
): VariantLiveness {
  const [result] = checkLiveness({
    variants: [{ variantId: A, staleAfterMinutes: options.staleAfterMinutes ?? 25 }],
    heartbeats,
    variantsWithIntents: options.variantsWithIntents ?? new Set<VariantId>(),
    requireAll: options.requireAll ?? false,
    now: options.now ?? NOW,
  });
  assert.ok(result);
  return result;
}

describe('the dead-man rule', () => {
  it('is stale only when the last scan ended longer ago than the threshold', () => {
    const fresh = one([heartbeat(NOW - 26 * MIN, NOW - 25 * MIN)]);
    assert.equal(fresh.stale, false, 'exactly the threshold is not "longer ago"');
    assert.equal(fresh.activity, 'finished');
    assert.equal(fresh.ageMs, 25 * MIN);

    const stale = one([heartbeat(NOW - 26 * MIN, NOW - 25 * MIN - 1)]);
    assert.equal(stale.stale, true);
    assert.equal(deadManReason(stale), 'dead-man: no scan for 25 min');
    assert.equal(describeLiveness(stale), 'stale, no scan for 25 min (stale after 25 min)');
  });

  it("uses each variant's own threshold", () => {
    const ended = NOW - 40 * MIN;
    const results = checkLiveness({
      variants: [
        { variantId: A, staleAfterMinutes: 25 },
        { variantId: variantId('slow'), staleAfterMinutes: 60 },
      ],
      heartbeats: [
        heartbeat(ended - MIN, ended),
        { ...heartbeat(ended - MIN, ended), variantId: variantId('slow') },
      ],
      variantsWithIntents: new Set(),
      requireAll: false,
      now: NOW,
    });
    assert.deepEqual(
      results.map((r) => [r.variantId, r.stale]),
      [
        ['alpha', true],
        ['slow', false],
      ],
    );
  });

  it('counts a cycle that started and never ended from its start', () => {
    const hung = one([heartbeat(NOW - 30 * MIN, NOW - 35 * MIN)]);
    assert.equal(hung.activity, 'running');
    assert.equal(hung.stale, true);
    assert.equal(deadManReason(hung), 'dead-man: scan running for 30 min');

    const running = one([heartbeat(NOW - 2 * MIN, NOW - 7 * MIN)]);
    assert.equal(
      running.stale,
      false,
      'a cycle in progress is alive even if the previous one ended long ago',
    );
    assert.match(describeLiveness(running), /^ok, scan running for 2 min/);

    const first = one([heartbeat(NOW - 40 * MIN, null)]);
    assert.equal(first.activity, 'running');
    assert.equal(first.stale, true, 'a first cycle that never ended');
  });

  it('treats a variant that never scanned as stale only if it holds intents or all are required', () => {
    const idle = one([]);
    assert.equal(idle.activity, 'never');
    assert.equal(idle.stale, false);
    assert.equal(idle.ageMs, null);

    const lost = one([], { variantsWithIntents: new Set([A]) });
    assert.equal(lost.stale, true);
    assert.equal(deadManReason(lost), 'dead-man: no scan recorded');
    assert.equal(describeLiveness(lost), 'stale, never scanned, but holds intents (stale after 25 min)');

    assert.equal(one([], { requireAll: true }).stale, true);
    assert.equal(one([heartbeat(null, null)], { requireAll: true }).activity, 'never');
  });

  it('shows a failing cycle without tripping on it, and ignores a scanner clock ahead of the probe', () => {
    const failing = one([heartbeat(NOW - 4 * MIN, NOW - 3 * MIN, 'feed timeout')]);
    assert.equal(failing.stale, false);
    assert.equal(
      describeLiveness(failing),
      'ok, last scan ended 3 min ago (stale after 25 min); last cycle failed: feed timeout',
    );

    const ahead = one([heartbeat(NOW, NOW + 5_000)]);
    assert.equal(ahead.ageMs, 0);
    assert.equal(ahead.stale, false);
  });
});
