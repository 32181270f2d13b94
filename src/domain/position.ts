// An open or closed position of one variant in one symbol.
import type { EpochMs, IntentId, PositionId, VariantId } from './ids.ts';

export const POSITION_SIDES = ['long', 'short'] as const;
export type PositionSide = (typeof POSITION_SIDES)[number];

/** Exit reasons in the order the exit precedence evaluates them, then the broker- and operator-side ones. */
export const EXIT_REASONS = [
  'hard_stop',
  'atr_trail',
  'take_profit',
  'time_stop',
  'signal_exit',
  'broker_close',
  'liquidation',
  'manual',
  'compliance',
] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

export interface Position {
  id: PositionId;
  intentId: IntentId | null;
  variantId: VariantId;
  symbol: string;
  side: PositionSide;
  qty: number;
  entryPrice: number;
  /** ATR(14) at signal time: the stop was placed from it, so exits and analytics can be replayed. */
  atrAtEntry: number | null;
  initialStop: number;
  /** The stop in force: the initial one until the trail raises it (it only ever tightens). */
  currentStop: number;
  /** Best price since entry (highest high for a long, lowest low for a short): the trail's anchor. */
  peakPrice: number;
  /** Open time of the bar at whose close the trail last moved; that bar is never applied again. */
  trailedAt?: EpochMs | null;
  takeProfit: number | null;
  openedAt: EpochMs;
  closedAt: EpochMs | null;
  exitPrice: number | null;
  exitReason: ExitReason | null;
  fees: number;
  pnl: number | null;
  /** The broker's id of the position, where the broker has one (Match-Trader); null on paper. */
  brokerRef?: string | null;
}

export type NewPosition = Omit<Position, 'closedAt' | 'exitPrice' | 'exitReason' | 'pnl'>;

export interface PositionClose {
  exitPrice: number;
  exitReason: ExitReason;
  closedAt: EpochMs;
  fees: number;
  pnl: number;
}
