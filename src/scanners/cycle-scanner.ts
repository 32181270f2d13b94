// What a scan cycle needs of a scanner: the cycle's new closed candles in, the signals of its newest bar
// out, with the entry guard's blocked symbols held back.
import type { Candle } from '../domain/candle.ts';
import type { CandleBatch } from '../domain/ports/market-data.ts';
import type { Position } from '../domain/position.ts';
import type { Signal } from '../domain/signal.ts';

export interface CycleScanner {
  /** `open`: the variant's open positions by symbol, for a scanner that asks for them (`wantsPositions`). */
  scanCycle(
    batches: readonly CandleBatch[],
    blocked: ReadonlyMap<string, string>,
    open?: ReadonlyMap<string, Position>,
  ): Signal[];
  /** The scanner reads the variant's open positions (a user strategy's context has them). */
  readonly wantsPositions?: boolean;
  /** A bar closed: take it now, before the position manager asks `exitTag` (idempotent per bar). */
  take?(candle: Candle): void;
  /** A user strategy's reason to close this open position at this close; null to keep it. */
  exitTag?(position: Position): string | null;
  /** Why symbols' bars were skipped in the cycle (a user strategy that threw), for the heartbeat. */
  scanErrors?(): string[];
}
