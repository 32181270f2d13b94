// Sigil keeps its money in US dollars — balances, P&L, fees, the risk of a trade, every `_usd` key —
// while an instrument's prices are in its quote currency: yen for USDJPY, dollars for EURUSD and
// BTCUSDT. A price move × quantity is quote money, and turns into dollars here. Two kinds of symbol
// convert from their own price alone: those quoted in dollars (stablecoins count at par) and those
// whose base is the dollar (USDJPY at 150: one yen is 1/150 dollar). A cross such as EURGBP would need
// another pair's price at every moment; it is refused at start rather than booked in the wrong money.

/** Quote currencies booked as dollars one for one; the stablecoins are the crypto accounts' dollars. */
export const DOLLAR_CODES = ['USD', 'USDT', 'USDC', 'FDUSD', 'BUSD', 'TUSD'] as const;

/**
 * How one unit of an instrument's quote currency becomes dollars: `dollars` — it is one (EURUSD,
 * XAUUSD, BTCUSDT); `dollar_base` — the price is quote units per dollar, so one unit is 1 / price
 * (USDJPY, USDCAD, USDCHF).
 */
export type QuoteTerms = 'dollars' | 'dollar_base';

export type QuoteTermsVerdict = { ok: true; terms: QuoteTerms } | { ok: false; reason: string };

/**
 * The terms of `symbol`, from its name (BTCUSDT, BTC/USDT, USDJPY) or from the quote currency the
 * config names for it (an index CFD such as US30 says nothing in its name).
 */
export function quoteTermsOf(symbol: string, quoteCurrency?: string | null): QuoteTermsVerdict {
  const name = symbol.toUpperCase().replace(/[/:_-]/g, '');
  const quote = quoteCurrency?.toUpperCase() ?? DOLLAR_CODES.find((code) => name.endsWith(code));
  if (quote !== undefined && isDollar(quote)) return { ok: true, terms: 'dollars' };
  const base = DOLLAR_CODES.find((code) => name.startsWith(code));
  const rest = base === undefined ? '' : name.slice(base.length);
  if (base !== undefined && /^[A-Z]{3}$/.test(rest) && (quote === undefined || quote === rest)) {
    return { ok: true, terms: 'dollar_base' };
  }
  const named = quote ?? (/^[A-Z]{6}$/.test(name) ? name.slice(3) : null);
  return {
    ok: false,
    reason:
      named === null
        ? `${symbol}: cannot tell its quote currency from the name; set market.instruments.${symbol}.quote_currency`
        : `${symbol} is quoted in ${named}, and neither side is the dollar: Sigil books money in US dollars and converts only pairs quoted in dollars (EURUSD) or on a dollar base (USDJPY)`,
  };
}

/** The dollars one unit of quote currency is worth when the instrument trades at `price`. */
export function dollarsPerQuoteUnit(terms: QuoteTerms, price: number): number {
  return terms === 'dollars' ? 1 : 1 / price;
}

function isDollar(code: string): boolean {
  return (DOLLAR_CODES as readonly string[]).includes(code);
}
