import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addDays, isoWeekday } from '../../../server/engine/calendar.ts';
import { WorkingDays } from '../../../server/engine/working-days.ts';
import { WORKING_DAYS as wd } from './build-inputs.ts';

/** The definition of SPEC §4.1 read literally, one day at a time, to check the fast version against. */
function slowWdBetween(calendar: WorkingDays, a: string, b: string): number {
  let count = 0;
  for (let day = addDays(a, 1); day <= b; day = addDays(day, 1)) if (calendar.isWorkingDay(day)) count += 1;
  return count;
}

function slowAddWd(calendar: WorkingDays, a: string, n: number): string {
  let day = a;
  for (let left = n; left > 0;) {
    day = addDays(day, 1);
    if (calendar.isWorkingDay(day)) left -= 1;
  }
  return day;
}

describe('WorkingDays', () => {
  it('knows weekends and bank holidays are not Working Days', () => {
    assert.equal(wd.isWorkingDay('2018-08-24'), true); // Friday
    assert.equal(wd.isWorkingDay('2018-08-25'), false); // Saturday
    assert.equal(wd.isWorkingDay('2018-08-26'), false); // Sunday
    assert.equal(wd.isWorkingDay('2018-08-27'), false); // Summer bank holiday
    assert.equal(wd.isWorkingDay('2022-09-19'), false); // Queen Elizabeth II's funeral
    assert.equal(wd.isWorkingDay('2021-12-28'), false); // Boxing Day substitute
  });

  it('counts wdBetween(a, b) as Working Days d with a < d ≤ b', () => {
    assert.equal(wd.wdBetween('2018-07-02', '2018-07-02'), 0);
    assert.equal(wd.wdBetween('2018-07-09', '2018-07-02'), 0, 'b before a');
    // Fri 6 Jul → Mon 9 Jul: Sat and Sun do not count, Mon does.
    assert.equal(wd.wdBetween('2018-07-06', '2018-07-09'), 1);
    assert.equal(wd.wdBetween('2018-07-07', '2018-07-08'), 0, 'a weekend');
    // Mon 2 Jul → Mon 16 Jul: 3,4,5,6, 9,10,11,12,13, 16 = 10 (the scenario's rate window).
    assert.equal(wd.wdBetween('2018-07-02', '2018-07-16'), 10);
  });

  it('skips Christmas 2021 with both substitute days and the New Year substitute', () => {
    // From Fri 24 Dec 2021: Sat 25, Sun 26, Mon 27 (Christmas substitute), Tue 28 (Boxing Day
    // substitute) are not WDs; Wed 29 = 1, Thu 30 = 2, Fri 31 = 3; Sat 1, Sun 2, Mon 3 Jan (New
    // Year substitute) are not; Tue 4 Jan = 4.
    assert.equal(wd.wdBetween('2021-12-24', '2021-12-28'), 0);
    assert.equal(wd.wdBetween('2021-12-24', '2022-01-04'), 4);
    assert.equal(wd.addWd('2021-12-24', 1), '2021-12-29');
    assert.equal(wd.addWd('2021-12-24', 3), '2021-12-31');
    assert.equal(wd.addWd('2021-12-24', 4), '2022-01-04');
    // Starting on a holiday or a weekend: the next WD is still the first one counted.
    assert.equal(wd.addWd('2021-12-27', 1), '2021-12-29');
    assert.equal(wd.addWd('2022-01-01', 1), '2022-01-04');
  });

  it('skips Christmas 2022 (Boxing Day Monday, Christmas substitute Tuesday)', () => {
    // Fri 23 Dec 2022 → Sat 24, Sun 25, Mon 26, Tue 27 are not WDs; Wed 28 is the first.
    assert.equal(wd.addWd('2022-12-23', 1), '2022-12-28');
    assert.equal(wd.wdBetween('2022-12-23', '2022-12-28'), 1);
  });

  it('skips the one-off 2022-09-19', () => {
    // Fri 16 Sep 2022 → Mon 19 (funeral) is not a WD, Tue 20 is.
    assert.equal(wd.wdBetween('2022-09-16', '2022-09-20'), 1);
    assert.equal(wd.addWd('2022-09-16', 1), '2022-09-20');
    // Tue 20 = 1, Wed 21 = 2, Thu 22 = 3, Fri 23 = 4, Mon 26 = 5.
    assert.equal(wd.addWd('2022-09-16', 5), '2022-09-26');
    // Without the holiday calendar the same Monday would count.
    assert.equal(new WorkingDays([]).addWd('2022-09-16', 1), '2022-09-19');
  });

  it('adds Working Days so that wdBetween(a, addWd(a, n)) = n', () => {
    // The scenario's projection: 98 WDs after Wed 29 Aug 2018, across Christmas and New Year, is Thu 17 Jan 2019
    // (Aug 30–31: 2; Sep 20 → 22; Oct 23 → 45; Nov 22 → 67; Dec without 25/26: 86; Jan 2–17: 12 → 98).
    assert.equal(wd.addWd('2018-08-29', 98), '2019-01-17');
    for (const [a, n] of [
      ['2018-06-28', 5],
      ['2019-12-20', 3],
      ['2020-05-01', 7],
      ['2023-05-05', 1],
    ] as const) {
      assert.equal(wd.wdBetween(a, wd.addWd(a, n)), n);
      assert.equal(wd.isWorkingDay(wd.addWd(a, n)), true);
    }
    assert.equal(wd.addWd('2020-05-07', 1), '2020-05-11', 'VE day 2020-05-08 is a holiday');
    assert.equal(wd.addWd('2020-05-01', 1), '2020-05-04', 'the usual early May Monday was moved in 2020');
  });

  it('refuses an addWd of less than one whole Working Day', () => {
    assert.throws(() => wd.addWd('2018-07-02', 0), RangeError);
    assert.throws(() => wd.addWd('2018-07-02', 1.5), RangeError);
  });

  it('agrees with a day-by-day count, inside and outside the shipped holiday years', () => {
    const starts = ['1998-12-20', '2016-12-22', '2017-12-23', '2018-06-28', '2020-04-30', '2021-12-24', '2022-05-30', '2034-12-20', '2036-12-20', '2050-02-26'];
    for (const a of starts) {
      for (let n = 1; n <= 45; n += 1) {
        const b = addDays(a, n);
        assert.equal(wd.wdBetween(a, b), slowWdBetween(wd, a, b), `wdBetween(${a}, ${b})`);
        assert.equal(wd.addWd(a, n), slowAddWd(wd, a, n), `addWd(${a}, ${n})`);
      }
    }
    // A long span: every WD from 2017 to 2035.
    assert.equal(wd.wdBetween('2016-12-31', '2035-12-31'), slowWdBetween(wd, '2016-12-31', '2035-12-31'));
  });

  it('ignores holidays that fall on a weekend and repeated holidays', () => {
    const calendar = new WorkingDays(['2022-12-25', '2022-12-26', '2022-12-26']);
    assert.equal(calendar.wdBetween('2022-12-23', '2022-12-28'), 2); // Tue 27, Wed 28
    assert.equal(calendar.isWorkingDay('2022-12-25'), false);
  });

  it('works with no holidays at all', () => {
    const calendar = new WorkingDays([]);
    assert.equal(calendar.wdBetween('2018-12-21', '2018-12-28'), 5);
    assert.equal(calendar.addWd('2018-12-21', 5), '2018-12-28');
  });

  it('finds the n-th Working Day of a month (the report day is the 5th)', () => {
    // January 2019: Tue 1 is New Year's Day; 2, 3, 4, 7, 8 → the 5th WD is Tue 8.
    assert.equal(wd.nthWorkingDayOfMonth('2019-01', 5), '2019-01-08');
    // January 2022: Mon 3 is the New Year substitute; 4, 5, 6, 7, 10 → Mon 10.
    assert.equal(wd.nthWorkingDayOfMonth('2022-01', 5), '2022-01-10');
    // June 2018 starts on a Friday: 1, 4, 5, 6, 7.
    assert.equal(wd.nthWorkingDayOfMonth('2018-06', 5), '2018-06-07');
    assert.equal(wd.nthWorkingDayOfMonth('2018-06', 1), '2018-06-01');
    assert.equal(isoWeekday(wd.nthWorkingDayOfMonth('2022-10', 1)), 1, 'Sat 1 Oct 2022 → Mon 3');
    assert.throws(() => wd.nthWorkingDayOfMonth('2019-02', 21), RangeError);
  });
});
