// The worked example of SPEC §4 (examples/progress-scenario.json, copied to fixtures/): every
// expected position at every asked date must come out of computeProgress.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeProgress } from '../../../server/engine/compute-progress.ts';
import { toProgressJson } from '../../../server/engine/progress-json.ts';
import { available } from './build-inputs.ts';
import { inputsAsOf, scenario } from './scenario-inputs.ts';

function assertClose(actual: number | null, expected: number | null, label: string): void {
  if (expected === null || actual === null) {
    assert.equal(actual, expected, label);
    return;
  }
  assert.ok(Math.abs(actual - expected) <= 1e-6, `${label}: ${actual} is not ${expected}`);
}

describe('the worked example of SPEC §4', () => {
  // Worked by hand, Alpha as of 2018-08-29 (snapshots 07-02, 07-16, 08-24, 08-29; holiday Mon 27 Aug):
  // - baseline: the first snapshot on or after 2018-06-28 is 07-02, where Alpha has 6000 + 4000 = 10000 outstanding.
  // - actualRate: wdBetween(08-24, 08-29) = 2 (28, 29) < 10; wdBetween(07-16, 08-29) = 11 in July
  //   (17–20, 23–27, 30–31) + 20 in August (1–3, 6–10, 13–17, 20–24, 28–29) = 31 ≥ 10, so S0 = 07-16
  //   and the rate is (9100 − 6900) / 31 = 70.967742.
  // - wdRemaining to Fri 2019-03-29: Aug 2 + Sep 20 + Oct 23 + Nov 22 + Dec 19 (no 25, 26)
  //   + Jan 22 (no 1st) + Feb 20 + Mar 21 = 149; requiredRate = 6900 / 149 = 46.308725.
  // - projectedCompletion: ceil(6900 × 31 / 2200) = ceil(97.2) = 98 WDs after 08-29 = 2019-01-17.
  // - RAG: required 46.3 ≤ allowance 100, rate > 0, 2019-01-17 ≤ 2019-03-29 → GREEN "on track".
  // - flags: declared 10000 on 07-05 (due 07-05, = baseline); first allowance confirmed 07-11
  //   (due 07-05 + 5 WD = 07-12); completed rose 900 in 10 WDs, 2000 in 29 and 200 in 2, never
  //   more than 100 a WD (the last exactly 100) → none.
  it('agrees with the hand-worked line for Alpha as of 2018-08-29', () => {
    const alpha = available(computeProgress(inputsAsOf('2018-08-29'))).users[0];
    assert.ok(alpha);
    assert.equal(alpha.baseline, 10_000);
    assert.equal(alpha.actualRate, 2200 / 31);
    assert.deepEqual(alpha.rateMeasuredFrom, { id: 2, asOf: '2018-07-16' });
    assert.equal(alpha.wdRemaining, 149);
    assert.equal(alpha.projectedCompletion, '2019-01-17');
    assert.deepEqual([alpha.rag, alpha.reason, alpha.flags], ['GREEN', 'on track', []]);
  });

  for (const expected of scenario.expected) {
    it(`gives every expected position asked as of ${expected.askedAsOf}`, () => {
      const result = available(computeProgress(inputsAsOf(expected.askedAsOf)));
      assert.equal(result.asOf, expected.asOf);
      assert.deepEqual(
        result.users.map((user) => user.userId),
        expected.users.map((user) => user.userId),
        'the same Users in the same order',
      );

      for (const want of expected.users) {
        const got = result.users.find((user) => user.userId === want.userId);
        assert.ok(got);
        const label = `${want.userId} as of ${expected.askedAsOf}`;
        assert.deepEqual(got.total, want.total, `${label} total`);
        assert.equal(got.baseline, want.baseline, `${label} baseline`);
        assert.equal(got.declared, want.declared, `${label} declared`);
        assert.equal(got.allowance, want.allowance, `${label} allowance`);
        assertClose(got.actualRate, want.actualRate, `${label} actualRate`);
        assertClose(got.requiredRate, want.requiredRate, `${label} requiredRate`);
        assert.equal(got.wdRemaining, want.wdRemaining, `${label} wdRemaining`);
        assert.equal(got.projectedCompletion, want.projectedCompletion, `${label} projectedCompletion`);
        assert.equal(got.rag, want.rag, `${label} rag`);
        assert.equal(got.reason, want.reason, `${label} reason`);
        assert.deepEqual(got.flags, want.flags, `${label} flags`);
      }
    });
  }

  it('names registered Users from the register and the unregistered one by its ID', () => {
    const json = toProgressJson(computeProgress(inputsAsOf('2019-01-02')));
    assert.deepEqual(
      json.users.map((user) => user.name),
      ['Alpha Energy', 'Beta Gas & Power', '90-B3-D5-1F-30-01-00-0C'],
    );
    assert.equal(json.snapshotId, 6);
    assert.equal(json.deadline, '2019-03-29');
  });
});
