import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FirmRules } from './firm-rules.ts';
import { checkCompliance, type CompliancePlan, type ComplianceReport, type RuleResult } from './guard.ts';
import { presetRules } from './presets.ts';
import { scriptedState, trade, type Script } from './scripted-ledger.ts';

const MINUTE = 60_000;
const utc = (iso: string): number => Date.parse(iso);
const NOW = utc('2026-11-23T12:00:00Z');
const E8 = presetRules('e8', 50_000);

const ENTRY: CompliancePlan = { symbol: 'EURUSD.', side: 'buy', lots: 1, riskAmount: 500, purpose: 'entry' };
const EXIT: CompliancePlan = { ...ENTRY, side: 'sell', riskAmount: 0, purpose: 'exit' };

const RULE_NAMES = [
  'daily_loss',
  'max_loss',
  'profit_target',
  'best_day',
  'min_trading_days',
  'request_budget',
  'short_trades',
  'min_hold',
  'max_open_positions',
  'max_open_orders',
  'max_lots_per_order',
  'news_blackout',
];

function check(plan: Partial<CompliancePlan>, script: Script = {}, rules: FirmRules = E8, now = NOW) {
  return checkCompliance({ ...ENTRY, ...plan }, scriptedState(rules, now, script), rules, now);
}

function ruleOf(report: ComplianceReport, rule: string): RuleResult {
  const found = report.results.find((r) => r.rule === rule);
  assert.ok(found, `no result for ${rule}`);
  return found;
}

function rejected(report: ComplianceReport): string[] {
  return report.results.filter((r) => r.outcome === 'reject').map((r) => r.rule);
}

describe('checkCompliance: the report', () => {
  it('lists every rule once, in order, and passes a plain entry', () => {
    const report = check({});
    assert.deepEqual(
      report.results.map((r) => r.rule),
      RULE_NAMES,
    );
    assert.equal(report.passed, true);
    assert.equal(report.preset, 'e8');
    assert.equal(report.at, NOW);
    assert.equal(ruleOf(report, 'min_hold').outcome, 'info');
    assert.equal(ruleOf(report, 'max_open_positions').reason, 'unlimited');
  });

  it('is JSON-serialisable with finite numbers', () => {
    const report = check({}, { trades: [trade(NOW - 60 * MINUTE, 120)] });
    assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
    for (const r of report.results)
      for (const n of Object.values(r.numbers)) assert.ok(Number.isFinite(n), r.rule);
  });
});

describe('checkCompliance: loss rules reject a stop that would reach the act level', () => {
  it('daily_loss: equity − risk at the act level rejects, a cent less risk passes', () => {
    assert.deepEqual(rejected(check({ riskAmount: 500 }, { equity: 48_375 })), ['daily_loss']);
    assert.deepEqual(rejected(check({ riskAmount: 499.99 }, { equity: 48_375 })), []);
    assert.match(
      ruleOf(check({}, { equity: 48_375 }), 'daily_loss').reason,
      /would reach the act level 47 875\.00/,
    );
  });

  it('max_loss: checked against 46 600 after losing days', () => {
    const trades = [trade(utc('2026-11-20T10:00:00Z'), -1000), trade(utc('2026-11-21T10:00:00Z'), -1000)];
    const report = check({ riskAmount: 400 }, { trades, equity: 47_000 });
    assert.deepEqual(rejected(report), ['max_loss']);
    assert.deepEqual(ruleOf(report, 'max_loss').numbers, {
      equity: 47_000,
      riskAmount: 400,
      equityAtStop: 46_600,
      actLevel: 46_600,
      lossLevel: 46_000,
    });
  });

  it('rejects a plan without a finite risk amount; passes with "off" when the limit is off', () => {
    assert.deepEqual(rejected(check({ riskAmount: Number.NaN })), ['daily_loss', 'max_loss']);
    const off = { ...E8, daily: { ...E8.daily, limitPct: 0 } };
    assert.deepEqual(ruleOf(check({}, {}, off), 'daily_loss'), {
      rule: 'daily_loss',
      outcome: 'pass',
      reason: 'off',
      numbers: {},
    });
  });
});

describe('checkCompliance: objectives', () => {
  const days = [
    trade(utc('2026-11-16T09:00:00Z'), 2000),
    trade(utc('2026-11-17T09:00:00Z'), 1500),
    trade(utc('2026-11-18T09:00:00Z'), 1500),
  ];

  it('profit_target rejects new entries once the effective target is reached', () => {
    const report = check({}, { trades: days });
    assert.deepEqual(rejected(report), ['profit_target']);
    assert.match(ruleOf(report, 'profit_target').reason, /^phase target reached: .* close open positions$/);
    assert.equal(ruleOf(report, 'best_day').outcome, 'info');
    assert.equal(ruleOf(report, 'best_day').numbers.effectiveTargetBalance, 55_000);
  });

  it('best_day only informs, even when the best day is too large', () => {
    const report = check({}, { trades: days.slice(0, 2) });
    assert.equal(report.passed, true);
    assert.equal(ruleOf(report, 'profit_target').outcome, 'info');
    assert.match(
      ruleOf(report, 'best_day').reason,
      /best day 2 000\.00 is 57\.14 % of total profit 3 500\.00, above/,
    );
  });

  it("best_day stops the day's entries once its profit reaches 85 % of the cap (stop_entries, E8)", () => {
    // 40 % of the 8 % target of 50k: a day may make $1,600; Sigil stops at $1,360.
    const today = (pnl: number) => ({ trades: [trade(NOW - 60 * MINUTE, pnl)] });
    assert.equal(ruleOf(check({}, today(1_300)), 'best_day').outcome, 'info');
    const stopped = check({}, today(1_360));
    assert.deepEqual(rejected(stopped), ['best_day']);
    assert.equal(
      ruleOf(stopped, 'best_day').reason,
      "today's profit 1 360.00 reached 1 360.00 (85 % of the best-day cap 1 600.00, 40 % of the target): no new entries until the firm's next day",
    );
    assert.equal(check(EXIT, today(1_500)).passed, true, 'exits are never stopped');
    // The firm's next day (E8: 22:00 UTC) starts from nothing made.
    const nextDay = utc('2026-11-23T22:30:00Z');
    assert.equal(check({}, { trades: [trade(NOW - 60 * MINUTE, 1_500)] }, E8, nextDay).passed, true);
    // inform: the rule only raises the target.
    const inform = { ...E8, bestDayAction: 'inform' as const };
    assert.equal(check({}, today(1_500), inform).passed, true);
  });

  it('min_trading_days informs', () => {
    const ftmo = presetRules('ftmo_2step', 100_000);
    const result = ruleOf(check({}, { trades: days }, ftmo), 'min_trading_days');
    assert.equal(result.outcome, 'info');
    assert.equal(result.reason, '3 of 4 trading days (not met yet)');
  });
});

describe('checkCompliance: request_budget', () => {
  it('entries stop at 85 % of the E8 limit (1 700), the margin being below limit − reserve', () => {
    assert.equal(check({}, { requests: { all: 1698 } }).passed, true);
    const over = check({}, { requests: { all: 1699 } });
    assert.deepEqual(rejected(over), ['request_budget']);
    assert.match(
      ruleOf(over, 'request_budget').reason,
      /over budget \(entry budget: lower of 85 % of the limit and the limit − reserve 50\): all 1 699 \+ 2 > 1 700$/,
    );
    assert.equal(check({}, { requests: { positions: 1699 } }).passed, true);
    assert.deepEqual(rejected(check({}, { requests: { positions: 1700 } })), ['request_budget']);
    assert.deepEqual(rejected(check({}, { requests: { modifications: 1701 } })), ['request_budget']);
  });

  it('the reserve binds when it leaves less than the margin', () => {
    const small = { ...E8, requests: { ...E8.requests, allPerDay: 200 } }; // min(170, 200 − 50) = 150
    assert.equal(check({}, { requests: { all: 148 } }, small).passed, true);
    assert.equal(check({}, { requests: { all: 149 } }, small).passed, false);
    assert.equal(ruleOf(check({}, {}, small), 'request_budget').numbers.allBudget, 150);
  });

  it('exits may use the full limit, and only an exhausted one stops them', () => {
    assert.equal(check(EXIT, { requests: { all: 1999, modifications: 2500, positions: 2000 } }).passed, true);
    const exhausted = check(EXIT, { requests: { all: 2000 } });
    assert.equal(exhausted.passed, false);
    assert.deepEqual(rejected(exhausted), ['request_budget']);
  });

  it('unlimited when the firm sets no quota', () => {
    const ftmo = presetRules('ftmo_2step', 100_000);
    assert.equal(
      ruleOf(check({}, { requests: { all: 99_999 } }, ftmo), 'request_budget').reason,
      'unlimited',
    );
  });
});

describe('checkCompliance: short trades, exposure, lots', () => {
  const longTrade = (i: number) => trade(NOW - (i + 1) * 60 * MINUTE, 10, 600);
  const shortTrade = (i: number) => trade(NOW - (i + 1) * 60 * MINUTE + 30 * MINUTE, 10, 30);

  it('short_trades rejects at 85 % of the 50 % share, once there are 4 closed trades', () => {
    const half = [longTrade(0), longTrade(1), shortTrade(0), shortTrade(1)];
    assert.deepEqual(rejected(check({}, { trades: half })), ['short_trades']);
    const twoOfFive = [...half, longTrade(2)]; // 40 % < 42.5 %
    assert.equal(ruleOf(check({}, { trades: twoOfFive }), 'short_trades').outcome, 'info');
    const fewTrades = [shortTrade(0), shortTrade(1), shortTrade(2)];
    assert.equal(ruleOf(check({}, { trades: fewTrades }), 'short_trades').outcome, 'info');
  });

  it('max_open_positions, max_open_orders, max_lots_per_order', () => {
    const limited = { ...E8, maxOpenPositions: 3 };
    const open = [NOW - 3 * MINUTE, NOW - 2 * MINUTE];
    assert.equal(check({}, { open }, limited).passed, true);
    assert.deepEqual(rejected(check({}, { open: [...open, NOW - MINUTE] }, limited)), ['max_open_positions']);
    assert.equal(check({}, { openOrders: 99 }).passed, true);
    assert.deepEqual(rejected(check({}, { openOrders: 100 })), ['max_open_orders']);
    assert.equal(check({ lots: 50 }).passed, true);
    assert.deepEqual(rejected(check({ lots: 50.01 })), ['max_lots_per_order']);
  });
});

describe('checkCompliance: news_blackout', () => {
  const nfp = utc('2026-11-06T13:30:00Z');
  const the5ers = presetRules('the5ers_high_stakes', 100_000);
  the5ers.news.events = [
    { at: utc('2026-11-05T09:00:00Z'), currencies: ['*'], title: 'Everything' },
    { at: nfp, currencies: ['USD'], title: 'Non-Farm Payrolls' },
  ];
  const at = (now: number, symbol = 'EURUSD.') => check({ symbol }, {}, the5ers, now);

  it('rejects from 2 min before to 2 min after for a symbol trading the currency', () => {
    assert.equal(at(nfp - 2 * MINUTE - 1).passed, true);
    const before = at(nfp - 2 * MINUTE);
    assert.deepEqual(rejected(before), ['news_blackout']);
    assert.equal(
      ruleOf(before, 'news_blackout').reason,
      '"Non-Farm Payrolls" (USD) at 2026-11-06T13:30:00.000Z: no entries from 2 min before to 2 min after',
    );
    assert.equal(at(nfp + 2 * MINUTE).passed, false);
    assert.equal(at(nfp + 2 * MINUTE + 1).passed, true);
  });

  it('matches currencies, not substrings; * matches every symbol', () => {
    assert.equal(at(nfp, 'XAUUSD').passed, false);
    assert.equal(at(nfp, 'EURGBP').passed, true);
    assert.equal(at(nfp, 'BTC/USDT').passed, true); // USDT is not USD
    assert.equal(at(utc('2026-11-05T09:00:00Z'), 'BTC/USDT').passed, false);
  });
});

describe('checkCompliance: exits', () => {
  it('pass every rule but the request budget, whatever the state', () => {
    const the5ers = presetRules('the5ers_high_stakes', 100_000);
    the5ers.news.events = [{ at: NOW, currencies: ['*'], title: 'Everything' }];
    const report = check({ ...EXIT, lots: 1000 }, { equity: 80_000, openOrders: 500 }, the5ers);
    assert.equal(report.passed, true);
    for (const r of report.results.filter((r) => r.rule !== 'request_budget')) {
      assert.deepEqual(r, { rule: r.rule, outcome: 'pass', reason: 'exits are always allowed', numbers: {} });
    }
    assert.equal(report.results.length, RULE_NAMES.length);
  });
});
