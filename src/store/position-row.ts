// How a Position maps to the `positions` table.
import type { EpochMs, IntentId, PositionId, VariantId } from '../domain/ids.ts';
import type { ExitReason, NewPosition, Position, PositionSide } from '../domain/position.ts';
import type { Row, SqlValue } from './sql-driver.ts';

export const POSITION_INSERT_COLUMNS = [
  'id',
  'intent_id',
  'variant_id',
  'symbol',
  'side',
  'status',
  'qty',
  'entry_price',
  'atr_at_entry',
  'initial_stop',
  'current_stop',
  'peak_price',
  'take_profit',
  'opened_at',
  'fees',
  'broker_ref',
  'signal_at',
  'bars_held',
  'trough_price',
];

export function positionInsertValues(p: NewPosition): SqlValue[] {
  return [
    p.id,
    p.intentId,
    p.variantId,
    p.symbol,
    p.side,
    'open',
    p.qty,
    p.entryPrice,
    p.atrAtEntry,
    p.initialStop,
    p.currentStop,
    p.peakPrice,
    p.takeProfit,
    p.openedAt,
    p.fees,
    p.brokerRef ?? null,
    p.signalAt ?? null,
    0,
    p.entryPrice,
  ];
}

export function positionFromRow(row: Row): Position {
  return {
    id: row.id as PositionId,
    intentId: row.intent_id as IntentId | null,
    variantId: row.variant_id as VariantId,
    symbol: row.symbol as string,
    side: row.side as PositionSide,
    qty: row.qty as number,
    entryPrice: row.entry_price as number,
    atrAtEntry: row.atr_at_entry as number | null,
    initialStop: row.initial_stop as number,
    currentStop: row.current_stop as number,
    peakPrice: (row.peak_price ?? row.entry_price) as number,
    troughPrice: (row.trough_price ?? row.entry_price) as number,
    barsHeld: Number(row.bars_held ?? 0),
    trailedAt: row.trailed_at as EpochMs | null,
    signalAt: (row.signal_at as EpochMs | null) ?? null,
    takeProfit: row.take_profit as number | null,
    openedAt: row.opened_at as EpochMs,
    closedAt: row.closed_at as EpochMs | null,
    exitPrice: row.exit_price as number | null,
    exitReason: row.exit_reason as ExitReason | null,
    fees: row.fees as number,
    pnl: row.pnl as number | null,
    brokerRef: (row.broker_ref as string | null) ?? null,
    ...(typeof row.exit_tag === 'string' ? { exitTag: row.exit_tag } : {}),
  };
}
