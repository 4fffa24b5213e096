// isAfterLondonToday answers "is this date after today in London?" without the time zone's rules
// except in the hour before midnight UTC: it must agree with londonToday at every instant, across
// both clock changes, and in the hour where the two calendars differ.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDays, isAfterLondonToday, londonToday } from '../../../server/engine/calendar.ts';

describe('isAfterLondonToday', () => {
  it('in winter London is on UTC: at 23:30 UTC on 4 December, the 5th is still to come', () => {
    const at = new Date('2026-12-04T23:30:00Z');
    assert.equal(isAfterLondonToday('2026-12-04', at), false);
    assert.equal(isAfterLondonToday('2026-12-05', at), true);
  });

  it('in summer London is an hour on: at 23:30 UTC on 1 July it is already the 2nd there', () => {
    const at = new Date('2026-07-01T23:30:00Z');
    assert.equal(isAfterLondonToday('2026-07-02', at), false);
    assert.equal(isAfterLondonToday('2026-07-03', at), true);
    assert.equal(isAfterLondonToday('2026-07-02', new Date('2026-07-01T22:59:00Z')), true);
  });

  it('agrees with londonToday every ten minutes of the days around both clock changes', () => {
    for (const start of ['2026-03-28T00:00:00Z', '2026-10-24T00:00:00Z']) {
      for (let minutes = 0; minutes < 3 * 24 * 60; minutes += 10) {
        const at = new Date(new Date(start).getTime() + minutes * 60_000);
        const today = londonToday(at);
        for (const date of [addDays(today, -1), today, addDays(today, 1)]) {
          assert.equal(isAfterLondonToday(date, at), date > today, `${date} at ${at.toISOString()}`);
        }
      }
    }
  });
});
