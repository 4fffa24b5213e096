// The deadline as it stood on a date (by its decided-on date), and when figures are stale.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deadlineOn } from '../../../server/engine/dated-facts.ts';
import { staleness } from '../../../server/engine/staleness.ts';
import { WORKING_DAYS } from './build-inputs.ts';

describe('the deadline as it stood on a date', () => {
  const decisions = [
    { id: 1, deadline: '2019-12-31', decidedOn: '2018-07-03', reason: 'Set' },
    { id: 2, deadline: '2020-06-30', decidedOn: '2019-11-07', reason: 'Moved' },
    // Recorded later the same day: a correction of the mistyped date.
    { id: 3, deadline: '2020-07-31', decidedOn: '2019-11-07', reason: 'Moved (corrected)' },
  ];

  it('is the last recorded of those decided on or before the date', () => {
    assert.equal(deadlineOn(decisions, '2018-07-02'), null);
    assert.equal(deadlineOn(decisions, '2018-07-03')?.deadline, '2019-12-31');
    assert.equal(deadlineOn(decisions, '2019-10-31')?.deadline, '2019-12-31');
    assert.equal(deadlineOn(decisions, '2019-11-07')?.deadline, '2020-07-31');
    assert.equal(deadlineOn([...decisions].reverse(), '2019-11-30')?.id, 3, 'whatever order they come in');
  });
});

describe('stale figures', () => {
  it('are stale when the snapshot is more than the limit of Working Days old, or none arrived since', () => {
    // 29 Nov 2019 to 30 Nov (a Saturday): 0 WDs; a newer snapshot than 31 Oct's.
    assert.deepEqual(staleness('2019-11-29', '2019-10-31', '2019-11-30', WORKING_DAYS, 15), {
      stale: false,
      asOf: '2019-11-29',
      ageWd: 0,
      limit: 15,
      tooOld: false,
      noNewSnapshot: false,
    });
    // 31 Oct to 30 Nov 2019: November's 21 WDs, more than 15; and the same snapshot as before.
    const old = staleness('2019-10-31', '2019-10-31', '2019-11-30', WORKING_DAYS, 15);
    assert.deepEqual([old.stale, old.ageWd, old.tooOld, old.noNewSnapshot], [true, 21, true, true]);
    // 21 WDs is not stale with a limit of 21; nothing to compare with is not "no new snapshot".
    const limit = staleness('2019-10-31', null, '2019-11-30', WORKING_DAYS, 21);
    assert.deepEqual([limit.stale, limit.tooOld, limit.noNewSnapshot], [false, false, false]);
  });
});
