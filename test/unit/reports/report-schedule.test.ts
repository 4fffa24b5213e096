import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latestMonthDue, monthDueOn, monthsToCatchUp, reportDayFor } from '../../../server/reports/report-schedule.ts';
import { WORKING_DAYS } from '../engine/build-inputs.ts';

const calendar = { implementationDate: '2018-06-28', reportDay: 5, workingDays: WORKING_DAYS };

describe('when monthly reports are due', () => {
  it('puts the report day on the 5th Working Day of the next month', () => {
    // December 2018's report: January 2019 — 1 Jan is a bank holiday, so WDs are 2, 3, 4, 7, 8 Jan.
    assert.equal(reportDayFor('2018-12', calendar), '2019-01-08');
    // July 2018's report: August — 1 (Wed), 2, 3, 6, 7 Aug.
    assert.equal(reportDayFor('2018-07', calendar), '2018-08-07');
    // August 2022's report: September — 1 (Thu), 2, 5, 6, 7 Sep (19 Sep, the Queen's funeral, is later).
    assert.equal(reportDayFor('2022-08', calendar), '2022-09-07');
    // December 2022's: January 2023 — 2 Jan is the substitute holiday: 3, 4, 5, 6, 9 Jan.
    assert.equal(reportDayFor('2022-12', calendar), '2023-01-09');
  });

  it('says which month is due on a report day, and none on other days', () => {
    assert.equal(monthDueOn('2019-01-08', calendar), '2018-12');
    assert.equal(monthDueOn('2019-01-07', calendar), null);
    assert.equal(monthDueOn('2019-01-09', calendar), null);
    // The first report is for June 2018, the implementation month; nothing before it.
    assert.equal(monthDueOn('2018-07-06', calendar), '2018-06');
    assert.equal(monthDueOn('2018-06-07', calendar), null);
  });

  it('finds the latest month whose 06:00 report time has passed, for catch-up', () => {
    assert.equal(latestMonthDue('2019-01-08', 5, calendar), '2018-11', 'before 06:00 on the report day');
    assert.equal(latestMonthDue('2019-01-08', 6, calendar), '2018-12', 'from 06:00 on the report day');
    assert.equal(latestMonthDue('2019-01-31', 23, calendar), '2018-12');
    assert.equal(latestMonthDue('2019-01-02', 12, calendar), '2018-11');
    assert.equal(latestMonthDue('2018-07-05', 12, calendar), null, 'before the first report day');
    assert.equal(latestMonthDue('2018-07-06', 7, calendar), '2018-06');
  });

  it('catches up every month missed since the last one drafted, oldest first, a year at a time', () => {
    // Last drafted: September 2018. On 8 Jan 2019 after 06:00, October, November and December are due.
    assert.deepEqual(monthsToCatchUp('2019-01-08', 7, calendar, { last: '2018-09', firstSnapshot: '2018-07-02' }), ['2018-10', '2018-11', '2018-12']);
    // Before 06:00 that day, December's time has not come.
    assert.deepEqual(monthsToCatchUp('2019-01-08', 5, calendar, { last: '2018-09', firstSnapshot: '2018-07-02' }), ['2018-10', '2018-11']);
    // Nothing missed: the last drafted is the latest due.
    assert.deepEqual(monthsToCatchUp('2019-01-08', 7, calendar, { last: '2018-12', firstSnapshot: '2018-07-02' }), []);
    // Nothing drafted ever: from the implementation month (June 2018) to December 2018, seven months…
    assert.deepEqual(monthsToCatchUp('2019-01-08', 7, calendar, { last: null, firstSnapshot: '2018-06-28' }), [
      '2018-06',
      '2018-07',
      '2018-08',
      '2018-09',
      '2018-10',
      '2018-11',
      '2018-12',
    ]);
    // …but nothing before the first snapshot's month, which could not be reported; nothing without one.
    assert.deepEqual(monthsToCatchUp('2019-01-08', 7, calendar, { last: null, firstSnapshot: '2018-11-15' }), ['2018-11', '2018-12']);
    assert.deepEqual(monthsToCatchUp('2019-01-08', 7, calendar, { last: null, firstSnapshot: null }), []);
    // Down for over two years: the twelve oldest missed, in order — October 2018 to September 2019;
    // the next start goes on from there.
    const year = monthsToCatchUp('2021-01-08', 7, calendar, { last: '2018-09', firstSnapshot: '2018-07-02' });
    assert.equal(year.length, 12);
    assert.deepEqual([year[0], year[11]], ['2018-10', '2019-09']);
    assert.deepEqual(monthsToCatchUp('2021-01-08', 7, calendar, { last: '2019-09', firstSnapshot: '2018-07-02' }).slice(0, 2), ['2019-10', '2019-11']);
  });
});
