// What the workers that trade — execution and the position manager — work with: the store, the broker
// bound to it, the variants, the market as last seen, the instrument grids, and who they are.
import type { MarketSettings } from '../config/load-config.ts';
import type { WorkerId } from '../domain/ids.ts';
import type { BrokerFor } from '../domain/ports/broker.ts';
import type { Store } from '../domain/ports/store.ts';
import type { MarketState } from './market-state.ts';
import type { VariantRuntime } from './variant-runtime.ts';

export interface TradingWorkerDeps {
  store: Store;
  brokers: BrokerFor;
  variants: ReadonlyMap<string, VariantRuntime>;
  market: MarketState;
  instruments: Pick<MarketSettings, 'instruments'>;
  worker: WorkerId;
}
