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
  /** Worst price since entry (lowest low for a long, highest high for a short): the adverse excursion. */
  troughPrice: number;
  /** Bars of data applied to the position, the entry bar first: the time stop counts these. */
  barsHeld: number;
  /** Open time of the last bar applied to the position; a bar at or before it is never applied again. */
  trailedAt?: EpochMs | null;
  /** Close time of the bar whose signal the position was entered on; null when it came from elsewhere. */
  signalAt: EpochMs | null;
  takeProfit: number | null;
  openedAt: EpochMs;
  closedAt: EpochMs | null;
  exitPrice: number | null;
  exitReason: ExitReason | null;
  /** Set only for a signal exit a user strategy asked for: its own reason (absent otherwise). */
  exitTag?: string;
  fees: number;
  pnl: number | null;
  /** The broker's id of the position, where the broker has one (Match-Trader); null on paper. */
  brokerRef?: string | null;
}

/** A position as it opens: no bar applied yet, its worst price its entry. */
export type NewPosition = Omit<
  Position,
  'closedAt' | 'exitPrice' | 'exitReason' | 'pnl' | 'troughPrice' | 'barsHeld' | 'signalAt'
> & { signalAt?: EpochMs | null };

export interface PositionClose {
  exitPrice: number;
  exitReason: ExitReason;
  closedAt: EpochMs;
  fees: number;
  pnl: number;
  /** The position as of the bar that closed it (its range counts in the excursions); absent: as stored. */
  lastBar?: PositionBar;
  /** A user strategy's reason for a signal exit it asked for (its exit hook's answer). */
  exitTag?: string;
}

/** One bar applied to an open position: where its stop, best and worst prices and bar count stand after it. */
export interface PositionBar {
  currentStop: number;
  peakPrice: number;
  troughPrice: number;
  barsHeld: number;
  /** Open time of the bar. */
  barAt: EpochMs;
}

/** The position after a bar: the fields a bar moves, nothing else. */
export function advanced(position: Position, bar: PositionBar): Position {
  return {
    ...position,
    currentStop: bar.currentStop,
    peakPrice: bar.peakPrice,
    troughPrice: bar.troughPrice,
    barsHeld: bar.barsHeld,
    trailedAt: bar.barAt,
  };
}
