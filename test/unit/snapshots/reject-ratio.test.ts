import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withinRejectRatio } from '../../../server/snapshots/format/reject-ratio.ts';

describe('max_reject_ratio (rejected ≤ ratio × rows, exactly)', () => {
  const cases: Array<[number, number, number, boolean]> = [
    [0, 15, 0.001, true],
    [3, 15, 0.001, false],
    [3, 15, 0.25, true],
    [3, 12, 0.25, true], // 3 = 0.25 × 12
    [4, 15, 0.25, false],
    [1, 1000, 0.001, true], // exactly at the ratio
    [2, 1000, 0.001, false],
    // In floating point 0.29 × 100 is 28.999999999999996, which would refuse 29.
    [29, 100, 0.29, true],
    [30, 100, 0.29, false],
    // 0.07 × 100 is 7.000000000000001 in floating point; exactly 7 either way.
    [7, 100, 0.07, true],
    [8, 100, 0.07, false],
    [1, 10_000_000, 1e-7, true],
    [2, 10_000_000, 1e-7, false],
    [10, 10, 1, true],
    [1, 10, 0, false],
    [0, 0, 0.001, true],
  ];
  for (const [rejected, rows, ratio, ok] of cases) {
    it(`${rejected} of ${rows} rows at ${ratio} is ${ok ? 'accepted' : 'refused'}`, () => assert.equal(withinRejectRatio(rejected, rows, ratio), ok));
  }

  it('refuses a ratio that is not a number', () => {
    assert.throws(() => withinRejectRatio(1, 10, Number.NaN), /max_reject_ratio must be a number from 0 to 1/);
  });
});
