// What a scan cycle needs of a scanner: the cycle's new closed candles in, the signals of its newest bar
// out, with the entry guard's blocked symbols held back.
import type { CandleBatch } from '../domain/ports/market-data.ts';
import type { Signal } from '../domain/signal.ts';

export interface CycleScanner {
  scanCycle(batches: readonly CandleBatch[], blocked: ReadonlyMap<string, string>): Signal[];
  /** Why symbols' bars were skipped in the cycle (a user strategy that threw), for the heartbeat. */
  scanErrors?(): string[];
}
