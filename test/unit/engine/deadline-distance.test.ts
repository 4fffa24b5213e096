// Issue 18: the distance to the deadline, counted from the date the figures are read for, and worded
// the same everywhere — a deadline gone by reads as passed, never as so many Working Days away.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deadlineDistance } from '../../../server/engine/deadline-distance.ts';
import { tooOldData } from '../../../server/engine/staleness.ts';
import { deadlineWords } from '../../../server/templates/deadline-words.ts';
import { WORKING_DAYS as wd } from './build-inputs.ts';

describe('the distance to the deadline', () => {
  it('reads a deadline gone by as passed, counting the Working Days since it', () => {
    // July 2020 has 23 weekdays and no bank holiday: 30 Jun → 31 Jul is 23 WDs.
    const passed = deadlineDistance('2020-06-30', '2020-07-31', wd);
    assert.deepEqual(passed, { state: 'passed', deadline: '2020-06-30', on: '2020-07-31', wd: 23 });
    assert.equal(deadlineWords(passed, false), 'Deadline passed on 30 Jun 2020, 23 Working Days before 31 Jul 2020.');
    assert.equal(deadlineWords(passed, true), 'Deadline passed on 30 Jun 2020, 23 Working Days ago.');
  });

  it('counts the Working Days still to come, without the Christmas bank holidays', () => {
    // From Sat 30 Nov 2019: 15 weekdays to 20 Dec, then 23, 24, 27, 30, 31 Dec (25 and 26 are bank holidays) = 20.
    const ahead = deadlineDistance('2019-12-31', '2019-11-30', wd);
    assert.deepEqual(ahead, { state: 'ahead', deadline: '2019-12-31', on: '2019-11-30', wd: 20 });
    assert.equal(deadlineWords(ahead, true), 'Panel deadline 31 Dec 2019, 20 Working Days away.');
    assert.equal(deadlineWords(ahead, false), 'Panel deadline 31 Dec 2019, 20 Working Days after 30 Nov 2019.');
    assert.equal(deadlineWords(deadlineDistance('2019-12-02', '2019-11-29', wd), true), 'Panel deadline 2 Dec 2019, 1 Working Day away.');
  });

  it('says so on the day itself and when there is no deadline', () => {
    assert.equal(deadlineWords(deadlineDistance('2020-06-30', '2020-06-30', wd), true), 'Panel deadline today, 30 Jun 2020.');
    assert.equal(deadlineWords(deadlineDistance('2020-06-30', '2020-06-30', wd), false), 'Panel deadline 30 Jun 2020, the day these figures are for.');
    assert.equal(deadlineWords(deadlineDistance(null, '2020-06-30', wd), true), 'No Panel deadline is set.');
  });
});

describe('data too old for the date the figures are for', () => {
  // Fri 29 Nov 2019 → Fri 20 Dec is 15 WDs (not more than a 15-WD setting); Mon 23 Dec is 16.
  const dates = ['2019-11-15', '2019-11-29', '2020-01-10'];
  it('is the newest snapshot on or before that date, once it is older than the setting', () => {
    assert.equal(tooOldData(dates, '2019-12-20', wd, 15), null);
    const old = tooOldData(dates, '2019-12-23', wd, 15);
    assert.equal(old?.asOf, '2019-11-29');
    assert.equal(old?.ageWd, 16);
    assert.equal(old?.limit, 15);
  });
  it('is nothing when no snapshot came before that date', () => {
    assert.equal(tooOldData(dates, '2019-11-01', wd, 15), null);
  });
});
