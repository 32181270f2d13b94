// Documented firm programs as parameter sets (sources: the firms' published program rules — E8 Markets,
// FTMO, The5ers, FundingPips — as the team collected them in 2026, and the prop-firm pilot's E8 table). Firms change their numbers often: a preset is a starting point, config may override any
// number, and the numbers marked uncertain should be checked against the firm's dashboard before trading.
import type { FirmRules } from './firm-rules.ts';

export const PRESET_NAMES = ['e8', 'ftmo_2step', 'the5ers_high_stakes', 'fundingpips_2step'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const UNLIMITED_REQUESTS = { allPerDay: 0, modificationsPerDay: 0, positionsPerDay: 0, reserve: 0 };
const NO_JITTER = { maxDelayMs: 0, maxSizeOffsetPct: 0 };
const NO_NEWS = { beforeMinutes: 0, afterMinutes: 0, events: [] };

type PresetNumbers = Omit<FirmRules, 'name' | 'initialBalance' | 'jitter'> & {
  jitter: Omit<FirmRules['jitter'], 'seed'>;
};

/** Everything off; each preset states only what its firm sets. */
const NOTHING: PresetNumbers = {
  dayZone: 'UTC',
  daily: { limitPct: 0, base: 'balance', amountOf: 'base' },
  maxLoss: { limitPct: 0, mode: 'static', lockAtInitial: false },
  profitTargetPct: 0,
  minTradingDays: 0,
  bestDayPct: 0,
  bestDayAction: 'inform',
  requests: UNLIMITED_REQUESTS,
  minHoldSeconds: 0,
  shortTrade: { seconds: 0, maxShare: 0 },
  maxOpenPositions: 0,
  maxOpenOrders: 0,
  maxLotsPerOrder: 0,
  news: NO_NEWS,
  safetyMarginPct: 85,
  jitter: NO_JITTER,
};

const PRESETS: Record<PresetName, PresetNumbers> = {
  // E8 Classic as in the blueprint's 50k account (§2.1, blueprint §14). Uncertain: newer Classic accounts
  // have a 4 % daily limit; the day boundary is UTC+2 on one E8 page and UTC+3 on the legacy one; the
  // request limits (2000/day, ≤ 100 open orders, 50 lots) come from third-party summaries. The 40 % best-day
  // rule is documented for E8 One and Classic payouts. minHold 60 s is Sigil's own, stronger than the
  // firm's "≤ 50 % of trades under 1 minute".
  e8: {
    ...NOTHING,
    dayZone: 'UTC+2',
    daily: { limitPct: 5, base: 'balance', amountOf: 'base' },
    maxLoss: { limitPct: 8, mode: 'static', lockAtInitial: false },
    profitTargetPct: 8,
    bestDayPct: 40,
    // The blueprint's §14 table: "no single day profit above" 40 % of the target, acted on at 85 %.
    bestDayAction: 'stop_entries',
    requests: { allPerDay: 2000, modificationsPerDay: 2000, positionsPerDay: 2000, reserve: 50 },
    minHoldSeconds: 60,
    shortTrade: { seconds: 60, maxShare: 0.5 },
    maxOpenOrders: 100,
    maxLotsPerOrder: 50,
    // E8 forbids several users executing the same trades; the blueprint answers with a random delay
    // and a random size offset per entry. Sigil's choice of bounds: up to 30 s (well inside an hourly
    // bar, and never under the 60 s hold) and up to 5 % smaller (never more risk than sized).
    jitter: { maxDelayMs: 30_000, maxSizeOffsetPct: 5 },
  },
  // FTMO 2-Step Challenge (§2.2, academy.ftmo.com "Maximum Daily Loss" / "Maximum Loss", trading-objectives):
  // daily level = balance at the previous Prague midnight − 5 % of the initial balance; static 10 % max loss.
  // No request quota or hold time found in FTMO's pages (uncertain); news is unrestricted in the evaluation.
  ftmo_2step: {
    ...NOTHING,
    dayZone: 'Europe/Prague',
    daily: { limitPct: 5, base: 'balance', amountOf: 'initial' },
    maxLoss: { limitPct: 10, mode: 'static', lockAtInitial: false },
    profitTargetPct: 10,
    minTradingDays: 4,
  },
  // The5ers High Stakes, phase 1 (§2.3, help.the5ers.com): 5 % of the higher of start-of-day balance and
  // equity at 00:00 UTC+3, 10 % max loss, 8 % target, no execution 2 min around high-impact news.
  // Uncertain: the 3 minimum days are "profitable days" (≥ 0.5 % of initial) per a third-party summary;
  // Sigil counts trading days. No request or hold-time limits found.
  the5ers_high_stakes: {
    ...NOTHING,
    dayZone: 'UTC+3',
    daily: { limitPct: 5, base: 'higher_of_balance_equity', amountOf: 'base' },
    maxLoss: { limitPct: 10, mode: 'static', lockAtInitial: false },
    profitTargetPct: 8,
    minTradingDays: 3,
    news: { beforeMinutes: 2, afterMinutes: 2, events: [] },
  },
  // FundingPips 2-Step, Student phase (§2.4, help.fundingpips.com "2 Step Model"): 5 % of the higher of
  // start-of-day balance and equity, static 10 % of initial, 8 % target, 3 trading days. Uncertain: the
  // reset is "00:00 CE(S)T/server" per the help centre but 00:00 UTC+3 per a third-party summary.
  fundingpips_2step: {
    ...NOTHING,
    dayZone: 'Europe/Prague',
    daily: { limitPct: 5, base: 'higher_of_balance_equity', amountOf: 'base' },
    maxLoss: { limitPct: 10, mode: 'static', lockAtInitial: false },
    profitTargetPct: 8,
    minTradingDays: 3,
  },
};

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

/** A fresh copy each call, so a caller adding news events or changing numbers never changes the preset. */
export function presetRules(name: PresetName, initialBalance: number): FirmRules {
  const preset = structuredClone(PRESETS[name]);
  return { name, initialBalance, ...preset, jitter: { ...preset.jitter, seed: '' } };
}

/** Every rule off (UTC days, the 85 % margin): the start of a custom rule set. */
export function customRules(initialBalance: number): FirmRules {
  return { name: 'custom', initialBalance, ...structuredClone(NOTHING), jitter: { ...NO_JITTER, seed: '' } };
}
