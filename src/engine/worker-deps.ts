// What the workers that trade — execution and the position manager — work with: the store, the broker
// bound to it, the variants, the market as last seen, the instrument grids, and who they are.
import type { EpochMs, VariantId, WorkerId } from '../domain/ids.ts';
import type { InstrumentOf } from '../domain/instrument.ts';
import type { BrokerFor } from '../domain/ports/broker.ts';
import type { ApiCallCounts, Store } from '../domain/ports/store.ts';
import type { ReportEvent } from '../domain/trading-event.ts';
import type { MarketState } from './market-state.ts';
import type { VariantRuntime } from './variant-runtime.ts';

export interface TradingWorkerDeps {
  store: Store;
  brokers: BrokerFor;
  variants: ReadonlyMap<string, VariantRuntime>;
  market: MarketState;
  instruments: InstrumentOf;
  worker: WorkerId;
  /** Today's broker requests of a variant's account, for the compliance guard; absent = none counted (paper). */
  requestsToday?: (variantId: VariantId, now: EpochMs) => Promise<ApiCallCounts>;
  /** Waits before an entry (the compliance rules' random delay); absent = no wait (replays and backtests). */
  pause?: (ms: number) => Promise<void>;
  /** Told what happened (an entry filled or refused, a position closed); absent = nobody listens. */
  onEvent?: ReportEvent;
}
