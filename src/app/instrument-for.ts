// The instrument grid of one symbol, from the config: the built-in default, then '*', then the symbol's own keys.
import { ALL_SYMBOLS } from '../domain/protection.ts';
import type { Instrument } from '../domain/instrument.ts';
import type { MarketSettings } from '../config/load-config.ts';
import { DEFAULT_INSTRUMENT } from '../config/risk-schema.ts';

export function instrumentFor(market: Pick<MarketSettings, 'instruments'>, symbol: string): Instrument {
  const spec = { ...DEFAULT_INSTRUMENT, ...market.instruments[ALL_SYMBOLS], ...market.instruments[symbol] };
  return {
    symbol,
    priceTick: spec.price_tick,
    qtyStep: spec.qty_step,
    minQty: spec.min_qty,
    minNotional: spec.min_notional,
    contractSize: spec.contract_size,
  };
}

/** The price of one pip, where the config gives one: pips are an FX convention, not a property of the tick. */
export function pipSizeFor(market: Pick<MarketSettings, 'instruments'>, symbol: string): number | null {
  return market.instruments[symbol]?.pip_size ?? market.instruments[ALL_SYMBOLS]?.pip_size ?? null;
}
