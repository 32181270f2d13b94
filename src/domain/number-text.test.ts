import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { durationText, priceText, scoreText } from './number-text.ts';

describe('priceText', () => {
  it('keeps six significant digits, at least two decimals, whatever the size of the price', () => {
    assert.equal(priceText(43251.27), '43251.27');
    assert.equal(priceText(43251.2749), '43251.27');
    assert.equal(priceText(1.08345), '1.08345');
    assert.equal(priceText(100), '100.00');
    assert.equal(priceText(0.1 + 0.2), '0.30');
    // A PEPE price: 0.00 before.
    assert.equal(priceText(0.0000012), '0.0000012');
    assert.equal(priceText(0.00000123456789), '0.00000123457');
    assert.equal(priceText(-2.5), '-2.50');
    assert.equal(priceText(0), '0.00');
    assert.equal(priceText(Number.NaN), 'NaN');
  });
});

describe('scoreText', () => {
  it('shows three decimals, three significant digits for a small score', () => {
    assert.equal(scoreText(0.19567726290251433), '0.196');
    assert.equal(scoreText(0.5), '0.500');
    assert.equal(scoreText(12.3456), '12.346');
    assert.equal(scoreText(0.00123456), '0.00123');
    assert.equal(scoreText(-0.0456), '-0.0456');
    assert.equal(scoreText(0), '0.000');
  });
});

describe('durationText', () => {
  it('names the two largest units, to the minute', () => {
    assert.equal(durationText(45 * 60_000), '45m');
    assert.equal(durationText(5 * 3_600_000 + 20 * 60_000), '5h 20m');
    assert.equal(durationText(3 * 3_600_000), '3h');
    assert.equal(durationText(2 * 86_400_000 + 3 * 3_600_000 + 59 * 60_000), '2d 3h');
    assert.equal(durationText(86_400_000), '1d');
    assert.equal(durationText(29_000), '0m');
    assert.equal(durationText(null), '—');
  });
});
