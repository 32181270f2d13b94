// Every risk key of a variant's YAML reaches the code that uses it. The seed lost a configured 5 % stop to
// a constructor default of 3 %; here each key is changed in a variant overlay, the base and the overlaid
// variant run the same scenario through riskRulesFor and the consuming risk code, and the outcome must
// move to a known value. PROBES must name every key of the risk sections: a new key without a probe fails.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig, type SigilConfig, type Variant } from '../config/load-config.ts';
import { AccountSchema, ProtectionsSchema, RiskSchema } from '../config/risk-schema.ts';
import type { Candle } from '../domain/candle.ts';
import { positionId, type EpochMs, type VariantId } from '../domain/ids.ts';
import type { Instrument } from '../domain/instrument.ts';
import type { ExitReason, Position } from '../domain/position.ts';
import type { ProtectionKind } from '../domain/protection.ts';
import { enterAtomically } from '../risk/atomic-entry.ts';
import { planEntry, type EntryRequest } from '../risk/entry-plan.ts';
import { evaluateBar, type BarInput, type BarOutcome, type OpenTrade } from '../risk/exit-precedence.ts';
import { signalExitDetector } from '../risk/exit-signals.ts';
import { drawdownPct, drawdownTrips, realizedEquity } from '../risk/kill-switch.ts';
import { locksAfterClose } from '../risk/protections.ts';
import { openStore } from '../store/open-store.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { instrumentFor } from './instrument-for.ts';
import { exitRulesFor, freeSlots, planningPrice, riskRulesFor, type RiskRules } from './risk-rules.ts';
import { longAt100, storedPosition } from '../../test/support/position-fixture.ts';

const HOUR = 3_600_000;
const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
const SYMBOL = 'BTCUSDT';

type Section = 'risk' | 'protections' | 'account';
type Scalar = number | string;
type Sections = { [S in Section]?: Record<string, Scalar> };

/**
 * The base every probe starts from: each key set explicitly, most away from its default, so that an
 * overlay that quietly put a default back over a base value would show up in the settings check below.
 */
const BASE = {
  risk: {
    hard_stop_floor_pct: 2,
    hard_stop_multiplier: 2,
    hard_stop_cap_pct: 8,
    trail_atr_multiplier: 2.5,
    trail_activation_pct: 1,
    take_profit_pct: 12,
    time_stop_hours: 48,
    signal_exit: 'channel_exit',
    momentum_period: 4,
    momentum_decel_bars: 3,
    channel_exit_lookback: 8,
    risk_per_trade_usd: 7,
    max_position_usd: 500,
    position_pct: 20,
    stop_anchor: 'fill',
    max_open_trades: 3,
  },
  protections: {
    cooldown_hours: 4,
    cooldown_after_exit_hours: 1,
    stoploss_guard_trades: 2,
    stoploss_guard_lookback_hours: 20,
    stoploss_guard_lock_hours: 10,
    stoploss_guard_scope: 'symbol',
    max_drawdown_pct: 8,
    max_drawdown_trades: 2,
    max_drawdown_lookback_hours: 30,
    max_drawdown_lock_hours: 10,
    low_profit_trades: 2,
    low_profit_lookback_hours: 60,
    low_profit_lock_hours: 20,
    low_profit_required_usd: 1,
    kill_switch_drawdown_pct: 25,
  },
  account: { starting_balance_usd: 1500 },
} satisfies Required<Sections>;

/** The YAML of a base (BASE, then the scenario's own keys) with `control` and a `probe` overlaying one key. */
function configYaml(extra: Sections, section: Section, key: string, value: Scalar): string {
  const lines = ['market:', '  instruments:', "    '*': { price_tick: 0.01, qty_step: 0.0001 }"];
  for (const name of ['risk', 'protections', 'account'] as const) {
    lines.push(`${name}:`);
    for (const [k, v] of Object.entries({ ...BASE[name], ...extra[name] })) {
      lines.push(`  ${k}: ${JSON.stringify(v)}`);
    }
  }
  lines.push(
    'variants:',
    '  control:',
    '  probe:',
    `    ${section}:`,
    `      ${key}: ${JSON.stringify(value)}`,
  );
  return `${lines.join('\n')}\n`;
}

function variantNamed(config: SigilConfig, name: string): Variant {
  const variant = config.variants.find((v) => v.id === name);
  assert.ok(variant, `variant ${name} is missing`);
  return variant;
}

function sectionOf(settings: Variant['settings'], section: Section): Record<string, unknown> {
  return settings[section] as Record<string, unknown>;
}

// ── Scenarios ────────────────────────────────────────────────────────────────────────────────────

interface Scenario {
  rules: RiskRules;
  variant: VariantId;
  instrument: Instrument;
}

/** A long entered at 100; the equity of a fresh variant is its starting balance. */
function plan({ rules, instrument }: Scenario, atr: number | null) {
  const request: EntryRequest = {
    side: 'long',
    entryPrice: 100,
    atr,
    equity: rules.close.startingBalanceUsd,
  };
  const planned = planEntry(request, rules.entry, instrument);
  assert.ok(planned.ok, `planEntry refused: ${JSON.stringify(planned)}`);
  return planned;
}

function openTrade(initialStop: number, takeProfit: number | null): OpenTrade {
  return {
    side: 'long',
    entryPrice: 100,
    initialStop,
    currentStop: initialStop,
    takeProfit,
    openedAt: T0,
    peakPrice: 100,
    barsHeld: 0,
  };
}

function bar(
  hoursAfterEntry: number,
  open: number,
  high: number,
  low: number,
  close: number,
  atr = 2,
): BarInput {
  const time = T0 + hoursAfterEntry * HOUR;
  const candle: Candle = { symbol: SYMBOL, time, open, high, low, close, volume: 1 };
  return { candle, closeTime: time + HOUR, atr, exitSignal: false };
}

/** The first hour after entry: a 10 % run-up to a high of 110 (ATR 2), closing at 108. */
const RALLY = bar(0, 100, 110, 99, 108);
/** Hour 5: a quiet bar that neither hits the stop nor lifts the trail above it. */
const QUIET = bar(4, 100, 101, 99.5, 100.5);

function describeOutcome(outcome: BarOutcome): string {
  return outcome.kind === 'exit'
    ? `${outcome.reason} at ${outcome.price}`
    : `hold, stop ${outcome.currentStop}`;
}

function afterBar(scenario: Scenario, trade: OpenTrade, input: BarInput): string {
  return describeOutcome(evaluateBar(trade, input, exitRulesFor(scenario.rules, scenario.instrument)));
}

/**
 * Closes rising 3 a bar, then slowing, then falling (each bar spans close ± 1). With the base's keys a
 * channel_exit (8 bars) fires at bar 16, a momentum_decel (4 / 3) at bar 8.
 */
const SIGNAL_FEED: Candle[] = [
  100, 103, 106, 109, 112, 115, 117, 119, 120.5, 121.5, 122, 122.2, 122.3, 122.35, 121, 118, 114, 110, 105,
].map((close, i) => ({
  symbol: SYMBOL,
  time: T0 + i * HOUR,
  open: close,
  high: close + 1,
  low: close - 1,
  close,
  volume: 1,
}));

/** The bar at whose close the variant's signal exit first fires for a long. */
function firstSignalExit({ rules }: Scenario): number | 'never' | 'no detector' {
  const detector = signalExitDetector(rules.signalExit);
  if (!detector) return 'no detector';
  const at = SIGNAL_FEED.findIndex((candle) => {
    detector.update(candle);
    return detector.fires('long');
  });
  return at === -1 ? 'never' : at;
}

/** A long of `symbol` closed `hoursAgo` before T0 with `pnl`; the last of a list is the one just closed. */
function closed(id: string, symbol: string, hoursAgo: number, pnl: number, exitReason: ExitReason): Position {
  const closedAt = T0 - hoursAgo * HOUR;
  return storedPosition(longAt100(id, { variant: 'control', symbol, openedAt: closedAt - 5 * HOUR }), {
    closedAt,
    exitPrice: 100 + pnl,
    exitReason,
    pnl,
  });
}

/** The locks of one kind the last trade's close triggers, as "symbol +hours after T0". */
function locksOf({ rules }: Scenario, trades: Position[], kind: ProtectionKind): string[] {
  const last = trades.at(-1);
  assert.ok(last);
  // Realised equity, as the close path computes it: the starting balance plus every trade's result.
  const equity = rules.close.startingBalanceUsd + trades.reduce((sum, t) => sum + (t.pnl ?? 0), 0);
  return locksAfterClose({ closed: last, recent: trades, equity, now: T0 }, rules.close.protections)
    .filter((lock) => lock.kind === kind)
    .map((lock) => `${lock.symbol} +${(lock.until - T0) / HOUR}h`);
}

/** Three losing stop-outs: BTC 12 h ago, ETH 2 h ago, BTC just now. */
const STOP_OUTS = [
  closed('g1', 'BTCUSDT', 12, -10, 'hard_stop'),
  closed('g2', 'ETHUSDT', 2, -10, 'atr_trail'),
  closed('g3', 'BTCUSDT', 0, -10, 'hard_stop'),
];

/**
 * +50 40 h ago, −150 20 h ago, +10 now. On 1500 the equity is 1410, and the 30 h window falls from 1550
 * to 1400: a 9.68 % drawdown over two trades.
 */
const DRAWDOWN = [
  closed('d1', 'BTCUSDT', 40, 50, 'take_profit'),
  closed('d2', 'ETHUSDT', 20, -150, 'hard_stop'),
  closed('d3', 'BTCUSDT', 0, 10, 'signal_exit'),
];

/** BTC −5 30 h ago and +3 now (−2 over two trades); an ETH winner in between does not count for BTC. */
const LOW_PROFIT = [
  closed('l1', 'BTCUSDT', 30, -5, 'time_stop'),
  closed('l2', 'ETHUSDT', 5, 100, 'take_profit'),
  closed('l3', 'BTCUSDT', 0, 3, 'signal_exit'),
];

/** Realised P&L of −300 after a peak of +100: 400 below the peak. */
function killSwitch({ rules }: Scenario): { drawdownPct: number; trips: boolean } {
  const { equity, peak } = realizedEquity(rules.close.startingBalanceUsd, {
    total: -300,
    peak: 100,
    trades: 4,
  });
  const drawdown = drawdownPct(peak, equity);
  return {
    drawdownPct: Number(drawdown.toFixed(2)),
    trips: drawdownTrips(drawdown, rules.close.killSwitchDrawdownPct),
  };
}

/** Opens a position through the atomic entry path on a real SQLite store; the locks in force after it. */
async function cooldownAtOpen(scenario: Scenario): Promise<string[]> {
  const dir = tempDir();
  const { store } = await openStore(`sqlite:${join(dir.path, 'sigil.db')}`, { now: '2026-01-05T00:00:00Z' });
  try {
    const planned = plan(scenario, 1.5);
    const outcome = await enterAtomically(
      store,
      {
        position: {
          id: positionId(`pos-${scenario.variant}`),
          intentId: null,
          variantId: scenario.variant,
          symbol: SYMBOL,
          side: 'long',
          qty: planned.qty,
          entryPrice: 100,
          atrAtEntry: 1.5,
          initialStop: planned.initialStop,
          currentStop: planned.initialStop,
          peakPrice: 100,
          takeProfit: planned.takeProfit,
          openedAt: T0,
          fees: 0,
        },
        cooldownHours: scenario.rules.cooldownHours,
      },
      T0,
    );
    assert.equal(outcome.kind, 'opened', JSON.stringify(outcome));
    const locks = await store.protectionsInForce(T0, scenario.variant);
    return locks.map((lock) => `${lock.kind} ${lock.symbol} +${(lock.until - T0) / HOUR}h`);
  } finally {
    await store.close();
    dir.remove();
  }
}

// ── The probes ───────────────────────────────────────────────────────────────────────────────────

interface Probe {
  /** Keys this scenario needs in the base on top of BASE (never the probed key itself). */
  base?: Sections;
  /** What the risk code does for one variant's rules. */
  observe(scenario: Scenario): unknown;
  /** The outcome under the base's value of the key. */
  control: unknown;
  /** Overlay values of the key, each with the outcome it must produce instead. */
  changes: [value: Scalar, outcome: unknown][];
}

const PROBES: Record<string, Probe> = {
  // Entry: the stop band (entry 100; the base stop is 2 × ATR within [2 %, 8 %]).
  'risk.hard_stop_floor_pct': {
    observe: (s) => plan(s, 0.5).initialStop, // 2 × 0.5 = 1 %: the floor decides
    control: 98,
    changes: [[5, 95]],
  },
  'risk.hard_stop_multiplier': {
    observe: (s) => plan(s, 1.5).initialStop,
    control: 97, // 2 × 1.5 = 3 %
    changes: [
      [3, 95.5], // 4.5 %
      [0, 98], // the rollback sentinel: the floor
    ],
  },
  'risk.hard_stop_cap_pct': {
    observe: (s) => plan(s, 3).initialStop, // 2 × 3 = 6 %
    control: 94,
    changes: [[4, 96]],
  },

  // Exits: the ATR trail, its activation, the target and the time stop (evaluateBar).
  'risk.trail_atr_multiplier': {
    observe: (s) => afterBar(s, openTrade(97, null), RALLY), // high 110, ATR 2
    control: 'hold, stop 105',
    changes: [
      [1.5, 'hold, stop 107'],
      [0, 'hold, stop 97'], // no trailing
    ],
  },
  'risk.trail_activation_pct': {
    observe: (s) => afterBar(s, openTrade(97, null), RALLY), // best price 10 % above entry
    control: 'hold, stop 105',
    changes: [[15, 'hold, stop 97']],
  },
  'risk.max_open_trades': {
    // Two positions held (open or under way).
    observe: (s) => freeSlots(s.rules, 2),
    control: 1,
    changes: [
      [2, 0],
      [5, 3],
    ],
  },
  'risk.stop_anchor': {
    // The fill expected at 101 after a signal closing at 100.
    observe: (s) => planningPrice(s.rules.stopAnchor, { expectedFill: 101, signalClose: 100 }),
    control: 101,
    changes: [['signal', 100]],
  },
  'risk.take_profit_pct': {
    observe: (s) => {
      const planned = plan(s, 1.5);
      return {
        takeProfit: planned.takeProfit,
        bar: afterBar(s, openTrade(planned.initialStop, planned.takeProfit), RALLY),
      };
    },
    control: { takeProfit: 112, bar: 'hold, stop 105' },
    changes: [
      [8, { takeProfit: 108, bar: 'take_profit at 108' }],
      [0, { takeProfit: null, bar: 'hold, stop 105' }],
    ],
  },
  'risk.time_stop_hours': {
    observe: (s) => afterBar(s, { ...openTrade(97, null), barsHeld: 4 }, QUIET), // the trade's 5th bar (1h)
    control: 'hold, stop 97',
    changes: [
      [4, 'time_stop at 100.5'],
      [5, 'time_stop at 100.5'], // the bar that completes the limit exits
    ],
  },

  // Signal exits (signalExitDetector on one candle sequence).
  'risk.signal_exit': {
    observe: firstSignalExit,
    control: 16, // channel_exit over 8 bars
    changes: [
      ['momentum_decel', 8],
      ['none', 'no detector'],
    ],
  },
  'risk.momentum_period': {
    base: { risk: { signal_exit: 'momentum_decel' } },
    observe: firstSignalExit,
    control: 8,
    changes: [[1, 10]],
  },
  'risk.momentum_decel_bars': {
    base: { risk: { signal_exit: 'momentum_decel' } },
    observe: firstSignalExit,
    control: 8,
    changes: [
      [1, 6],
      [4, 9],
    ],
  },
  'risk.channel_exit_lookback': {
    observe: firstSignalExit,
    control: 16,
    changes: [
      [3, 14],
      [12, 17],
    ],
  },

  // Sizing: no ATR, so the stop is the 2 % floor at 98 and each unit risks 2.
  'risk.risk_per_trade_usd': {
    observe: (s) => plan(s, null).qty,
    control: 3.5, // 7 / 2
    changes: [
      [3, 1.5],
      [0, 3], // rollback: 20 % of 1500 at 100
    ],
  },
  'risk.max_position_usd': {
    observe: (s) => plan(s, null).qty,
    control: 3.5, // 350 < 500
    changes: [[250, 2.5]],
  },
  'risk.position_pct': {
    base: { risk: { risk_per_trade_usd: 0 } },
    observe: (s) => plan(s, null).qty,
    control: 3, // 20 % of 1500 at 100
    changes: [[5, 0.75]],
  },
  'account.starting_balance_usd': {
    base: { risk: { risk_per_trade_usd: 0 } },
    observe: (s) => ({ qty: plan(s, null).qty, ...killSwitch(s) }),
    control: { qty: 3, drawdownPct: 25, trips: true }, // 400 below a peak of 1600
    changes: [[3000, { qty: 6, drawdownPct: 12.9, trips: false }]], // 400 below 3100
  },

  // Protections: the lock at open (a real store), then the locks after a close (locksAfterClose).
  'protections.cooldown_hours': {
    observe: cooldownAtOpen,
    control: ['cooldown BTCUSDT +4h'],
    changes: [
      [2, ['cooldown BTCUSDT +2h']],
      [0, []],
    ],
  },
  'protections.cooldown_after_exit_hours': {
    observe: (s) => locksOf(s, LOW_PROFIT, 'cooldown'),
    control: ['BTCUSDT +1h'],
    changes: [
      [3, ['BTCUSDT +3h']],
      [0, []],
    ],
  },
  'protections.stoploss_guard_trades': {
    observe: (s) => locksOf(s, STOP_OUTS, 'stoploss_guard'),
    control: ['BTCUSDT +10h'], // two BTC stop-outs within 20 h
    changes: [
      [3, []],
      [0, []],
    ],
  },
  'protections.stoploss_guard_lookback_hours': {
    observe: (s) => locksOf(s, STOP_OUTS, 'stoploss_guard'),
    control: ['BTCUSDT +10h'],
    changes: [[8, []]], // only the last BTC stop-out is within 8 h
  },
  'protections.stoploss_guard_lock_hours': {
    observe: (s) => locksOf(s, STOP_OUTS, 'stoploss_guard'),
    control: ['BTCUSDT +10h'],
    changes: [[30, ['BTCUSDT +30h']]],
  },
  'protections.stoploss_guard_scope': {
    base: { protections: { stoploss_guard_trades: 3 } },
    observe: (s) => locksOf(s, STOP_OUTS, 'stoploss_guard'),
    control: [], // two BTC stop-outs of three needed
    changes: [['variant', ['* +10h']]], // all three count, and the whole variant is locked
  },
  'protections.max_drawdown_pct': {
    observe: (s) => locksOf(s, DRAWDOWN, 'max_drawdown'),
    control: ['* +10h'], // 9.68 % > 8 %
    changes: [
      [12, []],
      [0, []],
    ],
  },
  'protections.max_drawdown_trades': {
    observe: (s) => locksOf(s, DRAWDOWN, 'max_drawdown'),
    control: ['* +10h'],
    changes: [[3, []]],
  },
  'protections.max_drawdown_lookback_hours': {
    observe: (s) => locksOf(s, DRAWDOWN, 'max_drawdown'),
    control: ['* +10h'],
    changes: [[10, []]], // the window holds only the winner
  },
  'protections.max_drawdown_lock_hours': {
    observe: (s) => locksOf(s, DRAWDOWN, 'max_drawdown'),
    control: ['* +10h'],
    changes: [[2, ['* +2h']]],
  },
  'protections.low_profit_trades': {
    observe: (s) => locksOf(s, LOW_PROFIT, 'low_profit'),
    control: ['BTCUSDT +20h'], // −2 over two BTC trades, 1 required
    changes: [
      [3, []],
      [0, []],
    ],
  },
  'protections.low_profit_lookback_hours': {
    observe: (s) => locksOf(s, LOW_PROFIT, 'low_profit'),
    control: ['BTCUSDT +20h'],
    changes: [[24, []]],
  },
  'protections.low_profit_lock_hours': {
    observe: (s) => locksOf(s, LOW_PROFIT, 'low_profit'),
    control: ['BTCUSDT +20h'],
    changes: [[5, ['BTCUSDT +5h']]],
  },
  'protections.low_profit_required_usd': {
    observe: (s) => locksOf(s, LOW_PROFIT, 'low_profit'),
    control: ['BTCUSDT +20h'],
    changes: [[-3, []]],
  },
  'protections.kill_switch_drawdown_pct': {
    observe: killSwitch,
    control: { drawdownPct: 25, trips: true }, // at the limit trips
    changes: [
      [30, { drawdownPct: 25, trips: false }],
      [0, { drawdownPct: 25, trips: false }], // off
    ],
  },
};

function parseKey(name: string): [Section, string] {
  const [section, key] = name.split('.');
  assert.ok(section === 'risk' || section === 'protections' || section === 'account', name);
  assert.ok(key, name);
  return [section, key];
}

describe('risk keys reach the code that uses them', () => {
  it('has a probe for every key of the risk, protections and account sections', () => {
    const keys = [
      ...Object.keys(RiskSchema.shape).map((key) => `risk.${key}`),
      ...Object.keys(ProtectionsSchema.shape).map((key) => `protections.${key}`),
      ...Object.keys(AccountSchema.shape).map((key) => `account.${key}`),
    ];
    assert.deepEqual(Object.keys(PROBES).sort(), keys.sort());
    for (const key of keys) {
      const [section, name] = parseKey(key);
      assert.ok(name in BASE[section], `BASE sets ${key}`);
    }
  });

  for (const [name, probe] of Object.entries(PROBES)) {
    it(`${name}: an overlay changing it changes the outcome`, async () => {
      const [section, key] = parseKey(name);
      assert.ok(!(key in (probe.base?.[section] ?? {})), `the scenario base of ${name} must not set ${name}`);
      assert.ok(probe.changes.length > 0);
      for (const [value, expected] of probe.changes) {
        assert.notDeepEqual(expected, probe.control, `${name}: ${value} must expect another outcome`);
        const config = parseConfig(configYaml(probe.base ?? {}, section, key, value), 'sigil.yaml');
        const control = variantNamed(config, 'control');
        const changed = variantNamed(config, 'probe');

        // The overlay changes this key and nothing else: the base's other values survive it.
        assert.notEqual(sectionOf(control.settings, section)[key], value);
        const wanted = structuredClone(control.settings);
        sectionOf(wanted, section)[key] = value;
        assert.deepEqual(changed.settings, wanted, `${name}: the overlay changed more than the key`);

        const instrument = instrumentFor(config.market, SYMBOL);
        const run = (variant: Variant) =>
          probe.observe({ rules: riskRulesFor(variant.settings, HOUR), variant: variant.id, instrument });
        assert.deepEqual(await run(control), probe.control, `${name}: the base's value`);
        assert.deepEqual(await run(changed), expected, `${name}: ${JSON.stringify(value)} in the overlay`);
      }
    });
  }
});

describe('market instruments reach the entry plan', () => {
  const rulesOf = (config: SigilConfig) => riskRulesFor(variantNamed(config, 'baseline').settings, HOUR);
  const base = Object.entries(BASE.risk).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`);
  const yaml = (market: string) => [market, 'risk:', ...base].join('\n') + '\n';
  const gridded = parseConfig(
    yaml(
      ['market:', '  instruments:', "    '*': { qty_step: 0.1 }", '    ETHUSDT: { price_tick: 0.5 }'].join(
        '\n',
      ),
    ),
    'sigil.yaml',
  );
  const plain = parseConfig(yaml('market: {}'), 'sigil.yaml');

  it("rounds quantities to '*'.qty_step and stops to the symbol's price_tick", () => {
    const btc = instrumentFor(gridded.market, 'BTCUSDT');
    const eth = instrumentFor(gridded.market, 'ETHUSDT');
    const fine = instrumentFor(plain.market, 'BTCUSDT');
    assert.deepEqual(
      [btc.qtyStep, btc.priceTick],
      [0.1, 0],
      "'*' sets the step, the tick stays the default (none)",
    );
    assert.deepEqual(
      [eth.qtyStep, eth.priceTick],
      [0.1, 0.5],
      "ETHUSDT keeps '*'.qty_step and adds its tick",
    );

    // Entry 100, ATR 1.1: a 2.2 % stop at 97.8 risking 7.
    const entryOf = (config: SigilConfig, instrument: Instrument) => {
      const planned = planEntry(
        { side: 'long', entryPrice: 100, atr: 1.1, equity: 1500 },
        rulesOf(config).entry,
        instrument,
      );
      assert.ok(planned.ok, JSON.stringify(planned));
      return { qty: planned.qty, initialStop: planned.initialStop };
    };
    const unrounded = entryOf(plain, fine);
    assert.equal(unrounded.initialStop, 97.8);
    assert.ok(
      Math.abs(unrounded.qty - 7 / 2.2) < 1e-12,
      `no grid: the quantity as computed, ${unrounded.qty}`,
    );
    assert.deepEqual(entryOf(gridded, btc), { qty: 3.1, initialStop: 97.8 }, 'qty floored to 0.1');
    assert.deepEqual(
      entryOf(gridded, eth),
      { qty: 3.5, initialStop: 98 },
      'stop rounded up to 0.5, qty 7 / 2',
    );
  });

  it("rounds the trailed stop to the symbol's price_tick", () => {
    // High 110, ATR 1.9, k 2.5: the trail sits at 105.25.
    const trailed = (instrument: Instrument) =>
      describeOutcome(
        evaluateBar(openTrade(97, null), { ...RALLY, atr: 1.9 }, exitRulesFor(rulesOf(gridded), instrument)),
      );
    assert.equal(trailed(instrumentFor(gridded.market, 'BTCUSDT')), 'hold, stop 105.25');
    assert.equal(trailed(instrumentFor(gridded.market, 'ETHUSDT')), 'hold, stop 105.5');
  });
});
