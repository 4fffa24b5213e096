import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowanceLine } from '../../../server/engine/allowance-line.ts';
import { WORKING_DAYS } from './build-inputs.ts';

const allowance = (perDay: number, effectiveFrom: string, confirmedOn: string) => ({ userId: 'u', perDay, effectiveFrom, confirmedOn });

describe('the allowance line', () => {
  it('falls by the allowance on each Working Day, stepping over weekends and holidays', () => {
    // From Fri 24 Aug 2018: Mon 27 Aug is a bank holiday, so Tue 28 – Fri 31 are the 4 WDs to 31 Aug
    // (4 × 100 = 400), and 3 – 7 Sep add 5 more (900 in all).
    const line = allowanceLine(
      {
        tb: '2018-08-24',
        baseline: 2000,
        t: '2018-09-30',
        allowances: [allowance(100, '2018-08-01', '2018-07-20')],
        dates: ['2018-08-24', '2018-08-31', '2018-09-07'],
      },
      WORKING_DAYS,
    );
    assert.deepEqual(line, [
      { date: '2018-08-24', outstanding: 2000 },
      { date: '2018-08-31', outstanding: 1600 },
      { date: '2018-09-07', outstanding: 1100 },
    ]);
  });

  it('uses a raised allowance from its effective date, and ends on the day it reaches nothing', () => {
    // 100/WD to Fri 31 Aug (Tue–Fri: 400 → 600 left), then 300/WD from Mon 3 Sep: 300 left on the 3rd, 0 on Tue 4 Sep.
    const line = allowanceLine(
      {
        tb: '2018-08-24',
        baseline: 1000,
        t: '2018-09-30',
        allowances: [allowance(100, '2018-08-01', '2018-07-20'), allowance(300, '2018-09-03', '2018-08-20')],
        dates: ['2018-08-24', '2018-08-31', '2018-09-28'],
      },
      WORKING_DAYS,
    );
    assert.deepEqual(line, [
      { date: '2018-08-24', outstanding: 1000 },
      { date: '2018-08-31', outstanding: 600 },
      { date: '2018-09-04', outstanding: 0 },
    ]);
  });

  it('knows only the allowances confirmed by the as-of date, and draws nothing without one', () => {
    const late = [allowance(100, '2018-08-01', '2018-10-01')];
    assert.deepEqual(allowanceLine({ tb: '2018-08-24', baseline: 1000, t: '2018-09-30', allowances: late, dates: ['2018-08-31'] }, WORKING_DAYS), []);
  });
});
