// What an exchange or broker allows for one symbol: price and quantity grids, minimums, contract size,
// and how its quote money becomes the account's dollars. Sizing rounds to these and refuses an order
// that cannot meet them, rather than rounding up into risk.
import type { VariantId } from './ids.ts';
import { dollarsPerQuoteUnit, type QuoteTerms } from './quote-currency.ts';

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
  /** How a price move (quote money) becomes dollars: see quote-currency.ts. */
  quote: QuoteTerms;
}

/**
 * The instrument a variant trades a symbol as: its grid from the variant's broker where the broker has
 * one (an exchange's markets, Match-Trader's symbol specification), else from the configuration. What
 * the engine is handed, never the config.
 */
export type InstrumentOf = (variantId: VariantId, symbol: string) => Instrument;

/** What turns a price move into account money: units per quantity and the quote currency's terms. */
export type MoneyTerms = Pick<Instrument, 'contractSize' | 'quote'>;

/** Dollars made by `qty` moving by `priceMove` (quote units), the quote converted at `price`. */
export function moveValue(terms: MoneyTerms, priceMove: number, qty: number, price: number): number {
  return priceMove * qty * terms.contractSize * dollarsPerQuoteUnit(terms.quote, price);
}

/** Dollars `qty` is worth at `price` (what a percentage fee is taken of). */
export function positionValue(terms: MoneyTerms, qty: number, price: number): number {
  return moveValue(terms, price, qty, price);
}
