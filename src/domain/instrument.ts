// What an exchange or broker allows for one symbol: price and quantity grids, minimums, contract size.
// Sizing rounds to these and refuses an order that cannot meet them, rather than rounding up into risk.

export interface Instrument {
  symbol: string;
  /** Smallest price increment; 0 = prices are not rounded. */
  priceTick: number;
  /** Quantity grid (FX: the lot step, e.g. 0.01); 0 = quantities are not rounded. */
  qtyStep: number;
  /** Smallest quantity accepted (FX: the minimum lot). */
  minQty: number;
  /** Smallest order value accepted, in the quote currency. */
  minNotional: number;
  /** Units of the base asset per unit of quantity: 1 for crypto spot, 100 000 for a standard FX lot. */
  contractSize: number;
}
