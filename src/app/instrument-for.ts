// The instrument of one symbol, from the config: the built-in default, then '*', then the symbol's own
// keys; its quote currency from its name unless the config names one.
import { ALL_SYMBOLS } from '../domain/protection.ts';
import type { Instrument, InstrumentOf } from '../domain/instrument.ts';
import type { BrokerGrids } from './broker-instruments.ts';
import { quoteTermsOf } from '../domain/quote-currency.ts';
import type { MarketSettings, SigilConfig } from '../config/load-config.ts';
import { ConfigError } from '../config/config-error.ts';
import { DEFAULT_INSTRUMENT } from '../config/risk-schema.ts';

export function instrumentFor(market: Pick<MarketSettings, 'instruments'>, symbol: string): Instrument {
  const spec = specOf(market, symbol);
  const quote = quoteTermsOf(symbol, quoteCurrencyOf(market, symbol));
  // checkQuoteCurrencies refuses such a symbol at start; this is the backstop, never a guess.
  if (!quote.ok) throw new Error(quote.reason);
  return {
    symbol,
    priceTick: spec.price_tick,
    qtyStep: spec.qty_step,
    minQty: spec.min_qty,
    minNotional: spec.min_notional,
    contractSize: spec.contract_size,
    quote: quote.terms,
  };
}

/**
 * Every symbol's instrument from the config, worked out once: the engine asks for it for every position
 * at every bar, and building it (three spreads and a quote lookup) is not free at a million candles a
 * second. One book per market settings object (they are read once, at start).
 */
export function configuredInstruments(
  market: Pick<MarketSettings, 'instruments'>,
): (symbol: string) => Instrument {
  let book = books.get(market);
  if (!book) {
    const known = new Map<string, Instrument>();
    book = (symbol) => {
      let instrument = known.get(symbol);
      if (!instrument) known.set(symbol, (instrument = instrumentFor(market, symbol)));
      return instrument;
    };
    books.set(market, book);
  }
  return book;
}

const books = new WeakMap<Pick<MarketSettings, 'instruments'>, (symbol: string) => Instrument>();

/**
 * What each variant trades a symbol as: the config's instrument, its grid replaced by the broker's where
 * the variant trades at one that has its own (`brokerGrids`, read at a live start) — an exchange's tick
 * and step are the exchange's, whatever the config says; paper variants keep the config's.
 */
export function instrumentBook(
  market: Pick<MarketSettings, 'instruments'>,
  brokerGrids: BrokerGrids = new Map(),
): InstrumentOf {
  const configured = configuredInstruments(market);
  const fromBroker = new Map<string, Instrument>();
  return (variantId, symbol) => {
    const grid = brokerGrids.get(variantId)?.get(symbol);
    if (!grid) return configured(symbol);
    const key = `${variantId}\u0000${symbol}`;
    let instrument = fromBroker.get(key);
    if (!instrument) fromBroker.set(key, (instrument = { ...configured(symbol), ...grid }));
    return instrument;
  };
}

/** Refuses to start on a symbol whose money Sigil cannot book in dollars (EURGBP), naming each one. */
export function checkQuoteCurrencies(
  config: Pick<SigilConfig, 'file' | 'market'>,
  symbols: readonly string[],
): void {
  const problems = symbols.flatMap((symbol) => {
    const verdict = quoteTermsOf(symbol, quoteCurrencyOf(config.market, symbol));
    return verdict.ok ? [] : [`market.instruments.${symbol}.quote_currency: ${verdict.reason}`];
  });
  if (problems.length > 0) throw new ConfigError(config.file ?? 'built-in defaults', problems);
}

/** The configured price tick of a symbol (0 = no rounding), for a symbol the engine may never trade. */
export function configuredPriceTick(market: Pick<MarketSettings, 'instruments'>, symbol: string): number {
  return specOf(market, symbol).price_tick;
}

/** Only the symbol's own entry names a quote currency ('*' may not: the config refuses it). */
function quoteCurrencyOf(market: Pick<MarketSettings, 'instruments'>, symbol: string): string | null {
  return market.instruments[symbol]?.quote_currency ?? null;
}

function specOf(market: Pick<MarketSettings, 'instruments'>, symbol: string) {
  return { ...DEFAULT_INSTRUMENT, ...market.instruments[ALL_SYMBOLS], ...market.instruments[symbol] };
}

/** The price of one pip, where the config gives one: pips are an FX convention, not a property of the tick. */
export function pipSizeFor(market: Pick<MarketSettings, 'instruments'>, symbol: string): number | null {
  return market.instruments[symbol]?.pip_size ?? market.instruments[ALL_SYMBOLS]?.pip_size ?? null;
}
