import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { daysToCover, isPositive, ratio, ratioToNumber, sumRatios } from '../../../server/engine/ratio.ts';

describe('exact rates', () => {
  it('keeps fractions in lowest terms with a positive denominator', () => {
    assert.deepEqual(ratio(10, 4), { numerator: 5n, denominator: 2n });
    assert.deepEqual(ratio(3, -6), { numerator: -1n, denominator: 2n });
    assert.deepEqual(ratio(0, 7), { numerator: 0n, denominator: 1n });
    assert.throws(() => ratio(1, 0), RangeError);
    assert.throws(() => ratio(0.5, 2), RangeError);
  });

  it('adds exactly', () => {
    // 1/3 + 1/6 + 1/2 = 1, which floating point gets only approximately in general.
    assert.deepEqual(sumRatios([ratio(1, 3), ratio(1, 6), ratio(1, 2)]), ratio(1, 1));
    assert.equal(sumRatios([]), null);
    assert.equal(ratioToNumber(ratio(2200, 31)), 2200 / 31);
  });

  it('counts whole Working Days to cover an amount, rounding up only when needed', () => {
    assert.equal(daysToCover(11, ratio(11, 15)), 15); // floating point says 15.000000000000002
    assert.equal(daysToCover(12, ratio(11, 15)), 17); // 16.36… → 17
    assert.equal(daysToCover(0, ratio(1, 1)), 0);
    assert.equal(isPositive(ratio(0, 1)), false);
    assert.throws(() => daysToCover(5, ratio(0, 1)), RangeError);
    assert.throws(() => daysToCover(5, ratio(-1, 1)), RangeError);
  });
});
