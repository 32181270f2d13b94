// Which symbols Sigil can book in dollars, from their names or the configured quote currency, and
// what a unit of their quote money is worth.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dollarsPerQuoteUnit, quoteTermsOf } from './quote-currency.ts';

const terms = (symbol: string, quote?: string) => {
  const verdict = quoteTermsOf(symbol, quote);
  return verdict.ok ? verdict.terms : verdict.reason;
};

describe('quoteTermsOf', () => {
  it('books pairs quoted in dollars or a dollar stablecoin one for one', () => {
    for (const symbol of [
      'EURUSD',
      'XAUUSD',
      'BTCUSDT',
      'BTC/USDT',
      'ETHUSDC',
      'SOL/FDUSD',
      'BTC/USDT:USDT',
    ]) {
      assert.equal(terms(symbol), 'dollars', symbol);
    }
  });

  it('converts pairs on a dollar base at their own price', () => {
    for (const symbol of ['USDJPY', 'USDCAD', 'USDCHF', 'usdjpy', 'USD/JPY']) {
      assert.equal(terms(symbol), 'dollar_base', symbol);
    }
  });

  it('refuses crosses, naming the quote currency and what would work', () => {
    assert.match(terms('EURGBP'), /^EURGBP is quoted in GBP, and neither side is the dollar/);
    assert.match(terms('GBPJPY'), /quoted in JPY/);
    assert.match(terms('ETHBTC'), /quoted in BTC/);
  });

  it('asks for the quote currency of a name that does not say, and takes it from the config', () => {
    assert.match(
      terms('US30'),
      /US30: cannot tell its quote currency .* market\.instruments\.US30\.quote_currency/,
    );
    assert.equal(terms('US30', 'USD'), 'dollars');
    assert.match(terms('GER40', 'EUR'), /^GER40 is quoted in EUR/);
    // A configured quote that contradicts a dollar-base name is not taken as one.
    assert.match(terms('USDJPY', 'EUR'), /quoted in EUR/);
    assert.equal(terms('USDJPY', 'JPY'), 'dollar_base');
  });
});

describe('dollarsPerQuoteUnit', () => {
  it('is one for a dollar quote and the inverse price on a dollar base', () => {
    assert.equal(dollarsPerQuoteUnit('dollars', 1.1), 1);
    assert.equal(dollarsPerQuoteUnit('dollar_base', 150), 1 / 150);
  });
});
