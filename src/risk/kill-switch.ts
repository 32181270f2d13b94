// The per-variant circuit breaker (hummingbot's kill switch, per variant): it trips on a drawdown, on a
// stale heartbeat (the probe calls it) or by hand, halts the variant, and stays tripped across restarts
// because it is a row in the store, until an operator runs `sigil reset VARIANT`.
import type { EpochMs, VariantId } from '../domain/ids.ts';
import type { RealizedPnl, Store } from '../domain/ports/store.ts';
import type { TradingStateRecord } from '../domain/trading-state.ts';

export const KILL_SWITCH_REASON = 'kill switch';

/** Equity's fall below its peak, in percent of the peak. */
export function drawdownPct(peakEquity: number, equity: number): number {
  if (!(peakEquity > 0)) return 100;
  return Math.max(0, ((peakEquity - equity) / peakEquity) * 100);
}

/** Realised equity and its peak, from the starting balance and the variant's closed trades. */
export function realizedEquity(startingBalance: number, pnl: RealizedPnl): { equity: number; peak: number } {
  return { equity: startingBalance + pnl.total, peak: startingBalance + pnl.peak };
}

/** Whether a drawdown of this size trips a switch set at `limitPct` (0 = off). */
export function drawdownTrips(drawdown: number, limitPct: number): boolean {
  return limitPct > 0 && drawdown >= limitPct;
}

export function tripKillSwitch(
  store: Store,
  trip: { variantId: VariantId; why: string; actor: string },
  now: EpochMs,
): Promise<TradingStateRecord> {
  return store.setTradingState(
    {
      variantId: trip.variantId,
      state: 'halted',
      reason: `${KILL_SWITCH_REASON}: ${trip.why}`,
      actor: trip.actor,
    },
    now,
  );
}

/** Back to active, whatever halted or reduced the variant. */
export function resetTradingState(
  store: Store,
  reset: { variantId: VariantId; actor: string; why?: string },
  now: EpochMs,
): Promise<TradingStateRecord> {
  return store.setTradingState(
    { variantId: reset.variantId, state: 'active', reason: reset.why ?? 'reset', actor: reset.actor },
    now,
  );
}
