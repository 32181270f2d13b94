import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { count, money, percent } from './format.ts';

describe('format', () => {
  it('money: 2 decimals, spaced thousands, sign only when not zero', () => {
    assert.equal(money(47_812.4), '47 812.40');
    assert.equal(money(1_234_567.891), '1 234 567.89');
    assert.equal(money(-2_500), '-2 500.00');
    assert.equal(money(-0.001), '0.00');
    assert.equal(money(999.999), '1 000.00');
  });

  it('percent and count', () => {
    assert.equal(percent(42.5), '42.5');
    assert.equal(percent(85), '85');
    assert.equal(percent(1 / 3), '0.33');
    assert.equal(count(2000), '2 000');
  });
});
