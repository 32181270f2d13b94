// Signals become pending intents: one per (symbol, trade date, source, variant), so a re-run of the same
// cycle inserts nothing new; each expires if nobody acts on it in time.
import type { EpochMs } from '../domain/ids.ts';
import type { NewIntent } from '../domain/intent.ts';
import type { Signal } from '../domain/signal.ts';

export function intentForSignal(signal: Signal, expiryHours: number, claimTtlMinutes: number): NewIntent {
  const expiresAt: EpochMs = signal.at + Math.round(expiryHours * 3_600_000);
  return {
    variantId: signal.variantId,
    symbol: signal.symbol,
    tradeDate: signal.tradeDate,
    source: 'scanner',
    scanner: { ...signal.scanner, side: signal.side },
    atrAtSignal: signal.atr,
    claimTtlMinutes,
    expiresAt,
  };
}
