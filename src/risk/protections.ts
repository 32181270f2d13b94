// Which locks a closed trade triggers, after freqtrade's protections (domain reference 4.1): evaluated
// at each close over the variant's recent closed trades, each rule with its own lookback window. The
// store persists the locks; here is only the arithmetic, so backtests and live runs lock identically.
import type { EpochMs, VariantId } from '../domain/ids.ts';
import type { ExitReason, Position } from '../domain/position.ts';
import { ALL_SYMBOLS, type ProtectionKind } from '../domain/protection.ts';

const HOUR = 3_600_000;

/** The exits that mean "the stop was hit": freqtrade counts its stop_loss, trailing and liquidation kinds. */
const STOP_OUT_REASONS: ReadonlySet<ExitReason> = new Set(['hard_stop', 'atr_trail', 'liquidation']);

export interface ProtectionRules {
  /** Lock the symbol this long after each exit; 0 = off. (The cooldown at OPEN is written by the entry path, not here.) */
  cooldownAfterExitHours: number;
  stoplossGuard: {
    /** 0 = off. */
    tradeLimit: number;
    lookbackHours: number;
    lockHours: number;
    scope: 'symbol' | 'variant';
  };
  maxDrawdown: {
    /** 0 = off. */
    maxDrawdownPct: number;
    tradeLimit: number;
    lookbackHours: number;
    lockHours: number;
  };
  lowProfit: {
    /** 0 = off. */
    tradeLimit: number;
    lookbackHours: number;
    lockHours: number;
    requiredProfitUsd: number;
  };
}

export interface Lock {
  variantId: VariantId;
  symbol: string;
  kind: ProtectionKind;
  until: EpochMs;
  reason: string;
}

export interface CloseContext {
  /** The position that just closed (status closed: closedAt, pnl, exitReason set). */
  closed: Position;
  /** Closed positions of the same variant (any symbol, the just-closed one included), at least those closed within the longest lookback. */
  recent: readonly Position[];
  /** The variant's equity now, after this close (in account currency). */
  equity: number;
  now: EpochMs;
}

/** A position known to be closed with a result: the only kind a rule can reason about. */
type ClosedTrade = Position & { closedAt: EpochMs; pnl: number };

/** The locks this close triggers, in the order cooldown, stoploss_guard, max_drawdown, low_profit. */
export function locksAfterClose(context: CloseContext, rules: ProtectionRules): Lock[] {
  validateRules(rules);
  const { closed, now } = context;
  if (closed.closedAt === null) {
    throw new RangeError(`position ${closed.id} has no closedAt: locks are computed only after a close`);
  }
  const trades = closedTradesOf(context);
  const locks: Lock[] = [];
  const lock = (symbol: string, kind: ProtectionKind, until: EpochMs, reason: string): void => {
    locks.push({ variantId: closed.variantId, symbol, kind, until, reason });
  };

  const cooldownHours = rules.cooldownAfterExitHours;
  if (cooldownHours > 0) {
    lock(
      closed.symbol,
      'cooldown',
      closed.closedAt + cooldownHours * HOUR,
      `cooldown ${cooldownHours}h after exit`,
    );
  }

  const guard = rules.stoplossGuard;
  if (guard.tradeLimit > 0) {
    const stopOuts = within(trades, now, guard.lookbackHours).filter(
      (t) =>
        t.exitReason !== null &&
        STOP_OUT_REASONS.has(t.exitReason) &&
        t.pnl < 0 &&
        (guard.scope === 'variant' || t.symbol === closed.symbol),
    );
    if (stopOuts.length >= guard.tradeLimit) {
      lock(
        guard.scope === 'symbol' ? closed.symbol : ALL_SYMBOLS,
        'stoploss_guard',
        latestClose(stopOuts) + guard.lockHours * HOUR,
        `${stopOuts.length} losing stop-outs within ${guard.lookbackHours}h (limit ${guard.tradeLimit})`,
      );
    }
  }

  const dd = rules.maxDrawdown;
  if (dd.maxDrawdownPct > 0) {
    // Checked before the trade-count gate: bad equity is a bug upstream, whether or not it would lock today.
    if (!Number.isFinite(context.equity)) {
      throw new RangeError(`equity ${context.equity} is not finite: the drawdown rule cannot be evaluated`);
    }
    const window = within(trades, now, dd.lookbackHours);
    // freqtrade: too few trades say nothing, and a drawdown with no loss in it is only noise.
    if (window.length >= dd.tradeLimit && window.some((t) => t.pnl < 0)) {
      const drawdownPct = maxDrawdown(window, context.equity) * 100;
      if (drawdownPct > dd.maxDrawdownPct) {
        lock(
          ALL_SYMBOLS,
          'max_drawdown',
          latestClose(window) + dd.lockHours * HOUR,
          `drawdown ${drawdownPct.toFixed(2)}% over ${window.length} trades within ${dd.lookbackHours}h (max ${dd.maxDrawdownPct}%)`,
        );
      }
    }
  }

  const low = rules.lowProfit;
  if (low.tradeLimit > 0) {
    const window = within(trades, now, low.lookbackHours).filter((t) => t.symbol === closed.symbol);
    const profit = window.reduce((sum, t) => sum + t.pnl, 0);
    if (window.length >= low.tradeLimit && profit < low.requiredProfitUsd) {
      lock(
        closed.symbol,
        'low_profit',
        latestClose(window) + low.lockHours * HOUR,
        `profit ${profit.toFixed(2)} over ${window.length} trades within ${low.lookbackHours}h (required ${low.requiredProfitUsd})`,
      );
    }
  }
  return locks;
}

/**
 * The largest peak-to-trough fall, as a fraction of the peak, of the equity curve rebuilt backwards
 * from today's equity. Unlike freqtrade (which sums profit ratios) this uses account money, so a loss
 * weighs by what it cost the variant. A non-positive peak means the account is gone: 100 %.
 */
function maxDrawdown(trades: readonly ClosedTrade[], equity: number): number {
  const ordered = [...trades].sort(
    (a, b) => a.closedAt - b.closedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  let value = equity - ordered.reduce((sum, t) => sum + t.pnl, 0);
  // A NaN pnl would make every comparison false and the rule pass silently.
  if (!Number.isFinite(value))
    throw new RangeError('a trade pnl is not finite: the drawdown rule cannot be evaluated');
  let peak = value;
  let worst = peak > 0 ? 0 : 1;
  for (const trade of ordered) {
    value += trade.pnl;
    peak = Math.max(peak, value);
    worst = Math.max(worst, peak > 0 ? (peak - value) / peak : 1);
  }
  return worst;
}

/** The variant's closed trades with a result; the just-closed one is added if the caller's list missed it. */
function closedTradesOf({ closed, recent }: CloseContext): ClosedTrade[] {
  const all = recent.some((p) => p.id === closed.id) ? recent : [...recent, closed];
  return all.filter(
    (p): p is ClosedTrade => p.variantId === closed.variantId && p.closedAt !== null && p.pnl !== null,
  );
}

/** Trades closed in (now − lookback, now]: a close exactly a lookback ago has aged out. */
function within(trades: readonly ClosedTrade[], now: EpochMs, lookbackHours: number): ClosedTrade[] {
  const start = now - lookbackHours * HOUR;
  return trades.filter((t) => t.closedAt > start && t.closedAt <= now);
}

function latestClose(trades: readonly ClosedTrade[]): EpochMs {
  return trades.reduce((latest, t) => Math.max(latest, t.closedAt), -Infinity);
}

function validateRules(rules: ProtectionRules): void {
  const hours: [string, number][] = [
    ['cooldownAfterExitHours', rules.cooldownAfterExitHours],
    ['stoplossGuard.lookbackHours', rules.stoplossGuard.lookbackHours],
    ['stoplossGuard.lockHours', rules.stoplossGuard.lockHours],
    ['maxDrawdown.lookbackHours', rules.maxDrawdown.lookbackHours],
    ['maxDrawdown.lockHours', rules.maxDrawdown.lockHours],
    ['maxDrawdown.maxDrawdownPct', rules.maxDrawdown.maxDrawdownPct],
    ['lowProfit.lookbackHours', rules.lowProfit.lookbackHours],
    ['lowProfit.lockHours', rules.lowProfit.lockHours],
  ];
  for (const [name, value] of hours) {
    if (!(value >= 0 && Number.isFinite(value)))
      throw new RangeError(`${name} must be a finite number ≥ 0, got ${value}`);
  }
  const limits: [string, number][] = [
    ['stoplossGuard.tradeLimit', rules.stoplossGuard.tradeLimit],
    ['maxDrawdown.tradeLimit', rules.maxDrawdown.tradeLimit],
    ['lowProfit.tradeLimit', rules.lowProfit.tradeLimit],
  ];
  for (const [name, value] of limits) {
    if (!(Number.isInteger(value) && value >= 0))
      throw new RangeError(`${name} must be an integer ≥ 0, got ${value}`);
  }
  if (!Number.isFinite(rules.lowProfit.requiredProfitUsd)) {
    throw new RangeError(
      `lowProfit.requiredProfitUsd must be finite, got ${rules.lowProfit.requiredProfitUsd}`,
    );
  }
}
