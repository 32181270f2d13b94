import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDayZone } from './firm-day.ts';
import { PRESET_NAMES, isPresetName, presetRules } from './presets.ts';

describe('presetRules', () => {
  it('every preset has a computable day zone, the balance given, jitter only where asked, and no news events', () => {
    for (const name of PRESET_NAMES) {
      const rules = presetRules(name, 25_000);
      assert.equal(rules.name, name);
      assert.equal(rules.initialBalance, 25_000);
      assert.notEqual(parseDayZone(rules.dayZone), null, name);
      const jitter =
        name === 'e8' ? { maxDelayMs: 30_000, maxSizeOffsetPct: 5 } : { maxDelayMs: 0, maxSizeOffsetPct: 0 };
      assert.deepEqual(rules.jitter, { ...jitter, seed: '' }, name);
      assert.equal(rules.bestDayAction, name === 'e8' ? 'stop_entries' : 'inform', name);
      assert.deepEqual(rules.news.events, []);
      assert.equal(rules.safetyMarginPct, 85);
    }
  });

  it('E8 carries the blueprint numbers', () => {
    const e8 = presetRules('e8', 50_000);
    assert.deepEqual(e8.daily, { limitPct: 5, base: 'balance', amountOf: 'base' });
    assert.deepEqual(e8.maxLoss, { limitPct: 8, mode: 'static', lockAtInitial: false });
    assert.deepEqual(e8.requests, {
      allPerDay: 2000,
      modificationsPerDay: 2000,
      positionsPerDay: 2000,
      reserve: 50,
    });
    assert.deepEqual(e8.shortTrade, { seconds: 60, maxShare: 0.5 });
    assert.equal(e8.dayZone, 'UTC+2');
  });

  it('returns a fresh copy: changing one never changes the preset', () => {
    presetRules('the5ers_high_stakes', 100_000).news.events.push({ at: 0, currencies: ['*'], title: 'x' });
    assert.deepEqual(presetRules('the5ers_high_stakes', 100_000).news, {
      beforeMinutes: 2,
      afterMinutes: 2,
      events: [],
    });
  });

  it('isPresetName', () => {
    assert.equal(isPresetName('ftmo_2step'), true);
    assert.equal(isPresetName('ftmo'), false);
  });
});
