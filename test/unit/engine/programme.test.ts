// Programme totals, history and the deadline trajectory, worked by hand on the SPEC §4 example.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeProgress } from '../../../server/engine/compute-progress.ts';
import { available, userIn, WORKING_DAYS as wd } from './build-inputs.ts';
import { inputsAsOf } from './scenario-inputs.ts';

describe('programme totals as of 2018-08-29 in the worked example', () => {
  const result = available(computeProgress(inputsAsOf('2018-08-29')));
  const programme = result.programme;

  it('sums every count over Users, per fuel and in total', () => {
    // ESME: Alpha 6000/1800, Beta 1500/100, Gamma 50/50. GSME: Alpha 4000/1300, Beta 1000/50 (2 new missing).
    assert.deepEqual(programme.esme, { inScope: 7550, completed: 1950, invalid: 0, outstanding: 5600, newMissing: 0 });
    assert.deepEqual(programme.gsme, { inScope: 5000, completed: 1350, invalid: 0, outstanding: 3650, newMissing: 2 });
    assert.deepEqual(programme.total, { inScope: 12550, completed: 3300, invalid: 0, outstanding: 9250, newMissing: 2 });
    assert.equal(programme.completionPct, (100 * 3300) / 12550);
  });

  it('sums baselines, declarations, allowances and rates, so the User table adds up', () => {
    assert.equal(programme.baseline, 10_000 + 2500 + 0);
    assert.equal(programme.declared, 10_000 + 3000);
    assert.equal(programme.allowance, 100 + 20);
    // Alpha 2200/31, Beta 150/31, Gamma 0/31 (all measured from 07-16).
    assert.equal(programme.actualRate, 2350 / 31);
    assert.equal(programme.wdRemaining, 149);
    assert.equal(programme.requiredRate, 9250 / 149);
    // ceil(9250 / (2350 / 31)) = ceil(122.02) = 123 WD after 08-29: Alpha's 98 reach Thu 17 Jan;
    // Fri 18 = 99, 21–25 → 104, 28–31 → 108, Fri 1 Feb = 109, 4–8 → 114, 11–15 → 119, 18–21 → 123.
    assert.equal(programme.projectedCompletion, '2019-02-21');
    assert.equal(wd.addWd('2018-08-29', 123), '2019-02-21');
  });

  it('counts Users by RAG and by flag', () => {
    assert.deepEqual(programme.ragCounts, { RED: 0, AMBER: 1, GREEN: 2 });
    assert.deepEqual(programme.flagCounts, {
      ALLOWANCE_EXCEEDED: 1,
      CONFIRMATION_LATE: 1,
      CONFIRMATION_MISSING: 0,
      DECLARATION_MISMATCH: 1,
      INVALID_MAP_IDS: 0,
      NEW_WITHOUT_MAP_ID: 1,
      NOTIFICATION_LATE: 1,
      NOTIFICATION_MISSING: 0,
      UNREGISTERED_USER: 1,
    });
  });

  it('gives outstanding at every snapshot up to t, per fuel and in total', () => {
    assert.deepEqual(programme.history, [
      { snapshotId: 1, asOf: '2018-07-02', esme: 7500, gsme: 5000, total: 12500 },
      { snapshotId: 2, asOf: '2018-07-16', esme: 7000, gsme: 4600, total: 11600 },
      { snapshotId: 3, asOf: '2018-08-24', esme: 5800, gsme: 3800, total: 9600 },
      { snapshotId: 4, asOf: '2018-08-29', esme: 5600, gsme: 3650, total: 9250 },
    ]);
    assert.deepEqual(
      userIn(result, '90-B3-D5-1F-30-01-00-0C').history.map((point) => point.asOf),
      ['2018-07-16', '2018-08-24', '2018-08-29'],
    );
  });

  it('draws the deadline trajectory from the baseline at tb to 0 at the deadline, in Working Days', () => {
    // tb = 07-02, deadline 2019-03-29: 190 WD. Snapshot dates are 0, 10, 39 (10 + 29) and 41 WD after tb.
    const expected = [
      ['2018-07-02', 12500],
      ['2018-07-16', 12500 * (1 - 10 / 190)],
      ['2018-08-24', 12500 * (1 - 39 / 190)],
      ['2018-08-29', 12500 * (1 - 41 / 190)],
      ['2019-03-29', 0],
    ];
    assert.deepEqual(
      programme.trajectory.map((point) => [point.date, point.outstanding]),
      expected,
    );
    const alpha = userIn(result, '90-B3-D5-1F-30-01-00-0A');
    assert.equal(alpha.trajectory[1]?.outstanding, 10_000 * (1 - 10 / 190));
  });
});

describe('programme totals before any rate can be measured', () => {
  it('has no rate or projection, and a trajectory from tb straight to the deadline', () => {
    const programme = available(computeProgress(inputsAsOf('2018-07-02'))).programme;
    assert.deepEqual([programme.actualRate, programme.projectedCompletion, programme.declared, programme.allowance], [null, null, null, null]);
    assert.deepEqual(programme.trajectory, [
      { date: '2018-07-02', outstanding: 12500 },
      { date: '2019-03-29', outstanding: 0 },
    ]);
  });
});
