// Every compliance key reaches the rules: each one, set in a variant overlay over the E8 preset, changes
// what complianceFor builds (a key added to the schema without being read fails here); no preset and no
// key is no guard; a bad news calendar names the config file, the key, the calendar's line.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig, loadConfigFile } from '../config/load-config.ts';
import { ComplianceSchema } from '../config/compliance-schema.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { complianceFor } from './compliance-for.ts';

/** A value for each key that differs from every preset's. */
const PROBES: Record<string, unknown> = {
  day_zone: 'America/New_York',
  daily_loss_pct: 3.5,
  daily_base: 'higher_of_balance_equity',
  daily_amount_of: 'initial',
  max_loss_pct: 6,
  max_loss_mode: 'trailing_intraday',
  max_loss_locks_at_initial: true,
  profit_target_pct: 12,
  min_trading_days: 7,
  best_day_pct: 30,
  best_day_action: 'inform',
  requests_per_day: 900,
  modifications_per_day: 800,
  positions_per_day: 700,
  request_reserve: 25,
  min_hold_seconds: 120,
  short_trade_seconds: 90,
  max_short_trade_share: 0.25,
  max_open_positions: 3,
  max_open_orders: 7,
  max_lots_per_order: 5,
  news_calendar: 'news.csv',
  news_before_minutes: 5,
  news_after_minutes: 6,
  safety_margin_pct: 80,
  max_delay_seconds: 45,
  max_size_offset_pct: 10,
  jitter_seed: 'account-2',
};

describe('compliance keys', () => {
  const dir = tempDir();
  writeFileSync(join(dir.path, 'news.csv'), 'time,currencies,title\n2026-11-06T13:30:00Z,USD,NFP\n');

  const rulesWith = (key: string, value: unknown) => {
    const file = join(dir.path, `${key}.yaml`);
    writeFileSync(
      file,
      `compliance:\n  preset: e8\nvariants:\n  probe:\n    compliance:\n      ${key}: ${JSON.stringify(value)}\n`,
    );
    const config = loadConfigFile(file);
    const variant = config.variants[0];
    assert.ok(variant);
    return complianceFor(variant.settings, config.file, variant.id);
  };

  it('has a probe for every key', () => {
    const keys = Object.keys(ComplianceSchema.shape).filter((k) => k !== 'preset');
    assert.deepEqual(keys.sort(), Object.keys(PROBES).sort());
  });

  for (const [key, value] of Object.entries(PROBES)) {
    it(`${key}: an overlay changing it changes the rules`, () => {
      const base = rulesWith('preset', 'e8');
      const probed = rulesWith(key, value);
      assert.notDeepEqual(probed, base, `${key}: ${JSON.stringify(value)} changed nothing`);
    });
  }

  it('builds no guard without a preset or a key, and custom rules from keys alone', () => {
    const none = parseConfig('', 'empty.yaml').variants[0];
    assert.ok(none);
    assert.equal(complianceFor(none.settings, null, none.id), null);
    const custom = parseConfig('compliance:\n  daily_loss_pct: 4\n', 'custom.yaml').variants[0];
    assert.ok(custom);
    const rules = complianceFor(custom.settings, null, custom.id);
    assert.equal(rules?.name, 'custom');
    assert.equal(rules?.daily.limitPct, 4);
    assert.equal(rules?.maxLoss.limitPct, 0);
  });

  it('refuses a bad news calendar with the config file, the key and the calendar line', () => {
    writeFileSync(
      join(dir.path, 'bad.csv'),
      'time,currencies,title\n2026-11-06T13:30:00Z,USD,NFP\nsoon,EUR,ECB\n',
    );
    assert.throws(
      () => rulesWith('news_calendar', 'bad.csv'),
      (error: Error) =>
        /news_calendar\.yaml: variants\.probe\.compliance\.news_calendar: .*bad\.csv line 3/.test(
          error.message,
        ),
    );
  });

  it('refuses an unknown time zone with the key and what is expected', () => {
    assert.throws(
      () => parseConfig('compliance:\n  day_zone: Mars/Olympus\n', 'zone.yaml'),
      /zone\.yaml: compliance\.day_zone: expected an IANA time zone .*got "Mars\/Olympus"/,
    );
  });

  it('refuses a minimum hold longer than a bar: exits come at bar closes', () => {
    const config = parseConfig(
      'market:\n  timeframe: 1m\ncompliance:\n  min_hold_seconds: 120\n',
      'hold.yaml',
    );
    const variant = config.variants[0];
    assert.ok(variant);
    assert.throws(
      () => complianceFor(variant.settings, config.file, variant.id, 60_000),
      /hold\.yaml: variants\.baseline\.compliance\.min_hold_seconds: 120 s is longer than one market\.timeframe bar \(60 s\)/,
    );
    assert.ok(complianceFor(variant.settings, config.file, variant.id, 300_000));
  });
});
