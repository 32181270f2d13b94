// The position most risk tests start from: a long of 1 at 100, ATR 2 at signal time, stop 97 (3 %).
import { positionId, variantId, type EpochMs } from '../../src/domain/ids.ts';
import type { Instrument } from '../../src/domain/instrument.ts';
import type { NewPosition, Position } from '../../src/domain/position.ts';

export function longAt100(
  id: string,
  at: { variant: string; symbol: string; openedAt: EpochMs },
  overrides: Partial<NewPosition> = {},
): NewPosition {
  return {
    id: positionId(id),
    intentId: null,
    variantId: variantId(at.variant),
    symbol: at.symbol,
    side: 'long',
    qty: 1,
    entryPrice: 100,
    atrAtEntry: 2,
    initialStop: 97,
    currentStop: 97,
    peakPrice: 100,
    takeProfit: null,
    openedAt: at.openedAt,
    fees: 0,
    ...overrides,
  };
}

/** A spot pair priced around 100: cent ticks, 0.001 quantity grid, 5 USDT minimum order. */
export const SPOT: Instrument = {
  symbol: 'SOL/USDT',
  priceTick: 0.01,
  qtyStep: 0.001,
  minQty: 0.001,
  minNotional: 5,
  contractSize: 1,
  quote: 'dollars',
};

/** Standard FX lots: 100 000 units, 0.01-lot steps and minimum, 5-digit prices. */
export const EURUSD: Instrument = {
  symbol: 'EURUSD',
  priceTick: 0.00001,
  qtyStep: 0.01,
  minQty: 0.01,
  minNotional: 0,
  contractSize: 100_000,
  quote: 'dollars',
};

/** A position as the store reads it back: `longAt100`'s, with no bar applied yet, still open unless `closed`. */
export function storedPosition(position: NewPosition, closed: Partial<Position> = {}): Position {
  return {
    ...position,
    troughPrice: position.entryPrice,
    barsHeld: 0,
    signalAt: position.signalAt ?? null,
    closedAt: null,
    exitPrice: null,
    exitReason: null,
    pnl: null,
    ...closed,
  };
}
