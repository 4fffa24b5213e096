import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  addDays,
  addMonths,
  firstDayOfMonth,
  fromDayNumber,
  isIsoDate,
  isIsoMonth,
  isoWeekday,
  isWeekend,
  lastDayOfMonth,
  londonToday,
  monthOf,
  toDayNumber,
} from '../../../server/engine/calendar.ts';

describe('calendar dates', () => {
  it('accepts only real YYYY-MM-DD dates', () => {
    for (const date of ['2018-06-28', '2020-02-29', '2000-02-29', '1999-12-31', '0001-01-01']) {
      assert.equal(isIsoDate(date), true, date);
    }
    for (const date of [
      '2019-02-29',
      '1900-02-29',
      '2018-6-28',
      '2018-13-01',
      '2018-00-10',
      '2018-04-31',
      '2018-06-00',
      ' 2018-06-28',
      '2018-06-28T00:00',
      '28/06/2018',
      '',
    ]) {
      assert.equal(isIsoDate(date), false, date);
    }
    assert.throws(() => toDayNumber('2019-02-29'), RangeError);
  });

  it('numbers days from 1970-01-01 and back, agreeing with UTC milliseconds', () => {
    assert.equal(toDayNumber('1970-01-01'), 0);
    assert.equal(toDayNumber('1969-12-31'), -1);
    assert.equal(fromDayNumber(0), '1970-01-01');
    // Years below 100 are not read as 19xx (a trap of Date.UTC).
    assert.equal(fromDayNumber(toDayNumber('0050-03-01')), '0050-03-01');
    for (let day = toDayNumber('2016-01-01'); day <= toDayNumber('2036-12-31'); day += 1) {
      const date = fromDayNumber(day);
      assert.equal(toDayNumber(date), day);
      assert.equal(date, new Date(day * 86_400_000).toISOString().slice(0, 10));
    }
  });

  it('adds days across month, year and leap-day boundaries', () => {
    assert.equal(addDays('2018-12-31', 1), '2019-01-01');
    assert.equal(addDays('2020-02-28', 1), '2020-02-29');
    assert.equal(addDays('2019-02-28', 1), '2019-03-01');
    assert.equal(addDays('2019-03-01', -1), '2019-02-28');
    // 2019-03-31 is the day the UK clocks went forward; a day is still one day.
    assert.equal(addDays('2019-03-30', 2), '2019-04-01');
  });

  it('gives ISO weekdays', () => {
    assert.equal(isoWeekday('2018-06-28'), 4); // Thursday
    assert.equal(isoWeekday('2022-09-19'), 1); // Monday
    assert.equal(isoWeekday('2021-12-26'), 7); // Sunday
    assert.equal(isoWeekday('1969-12-29'), 1); // a Monday before day 0
    assert.equal(isWeekend('2021-12-25'), true);
    assert.equal(isWeekend('2021-12-27'), false);
  });

  it('has month helpers', () => {
    assert.equal(isIsoMonth('2019-01'), true);
    assert.equal(isIsoMonth('2019-13'), false);
    assert.equal(isIsoMonth('2019-1'), false);
    assert.equal(monthOf('2018-06-28'), '2018-06');
    assert.equal(firstDayOfMonth('2018-06'), '2018-06-01');
    assert.equal(lastDayOfMonth('2020-02'), '2020-02-29');
    assert.equal(lastDayOfMonth('2019-02'), '2019-02-28');
    assert.equal(lastDayOfMonth('2018-12'), '2018-12-31');
    assert.equal(lastDayOfMonth('2018-04'), '2018-04-30');
    assert.equal(addMonths('2019-01', -1), '2018-12');
    assert.equal(addMonths('2018-11', 2), '2019-01');
    assert.equal(addMonths('2018-06', 0), '2018-06');
    assert.equal(addMonths('2018-06', -18), '2016-12');
    assert.throws(() => lastDayOfMonth('2018-13'), RangeError);
  });
});

describe('londonToday', () => {
  it('gives the date in Europe/London, not in UTC or the machine zone', () => {
    // Winter: London is on UTC.
    assert.equal(londonToday(new Date('2018-12-31T23:59:59Z')), '2018-12-31');
    assert.equal(londonToday(new Date('2019-01-01T00:00:00Z')), '2019-01-01');
    // Summer: London is UTC+1, so 23:30 UTC is already tomorrow there.
    assert.equal(londonToday(new Date('2018-06-27T23:30:00Z')), '2018-06-28');
    assert.equal(londonToday(new Date('2018-06-27T22:59:59Z')), '2018-06-27');
    // The clocks go forward at 01:00 UTC on 2019-03-31 and back at 01:00 UTC on 2019-10-27.
    assert.equal(londonToday(new Date('2019-03-30T23:30:00Z')), '2019-03-30');
    assert.equal(londonToday(new Date('2019-10-26T23:30:00Z')), '2019-10-27');
  });
});
