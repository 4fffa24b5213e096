import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { complianceFlags, exceededAllowance, windowEnd } from '../../../server/engine/flags.ts';
import type { FlagFacts } from '../../../server/engine/flags.ts';
import { fuel, WORKING_DAYS as wd } from './build-inputs.ts';
import type { Observation } from '../../../server/engine/metrics.ts';
import type { ComplianceFlag } from '../../../server/engine/types.ts';

// Implementation Thu 2018-06-28; notification window 5 WD: Fri 29 Jun, Mon 2, Tue 3, Wed 4,
// Thu 5 Jul → declarations are due by 2018-07-05.
const NOTIFICATION_DUE = '2018-07-05';
// A declaration received Thu 5 Jul; confirmation window 5 WD: 6, 9, 10, 11, 12 → due by Thu 12 Jul.
const DECLARED_ON = '2018-07-05';

/** A User with nothing to flag: registered, declared on time, confirmed on time, matching counts. */
const clean: FlagFacts = {
  t: '2018-08-01',
  registered: true,
  baseline: 2000,
  total: fuel(2000, 500),
  declaration: { count: 2000, firstReceivedOn: DECLARED_ON },
  firstConfirmedOn: '2018-07-12',
  notificationDue: NOTIFICATION_DUE,
  confirmationWindow: 5,
  allowanceExceeded: false,
};

function flags(changes: Partial<FlagFacts>): ComplianceFlag[] {
  return complianceFlags({ ...clean, ...changes }, wd);
}

describe('complianceFlags (SPEC §4.4)', () => {
  it('raises nothing for a User with nothing wrong', () => {
    assert.equal(windowEnd('2018-06-28', 5, wd), NOTIFICATION_DUE);
    assert.equal(windowEnd(DECLARED_ON, 5, wd), '2018-07-12');
    assert.deepEqual(flags({}), []);
  });

  it('NOTIFICATION_MISSING: baseline > 0, no declaration, and t after the notification window', () => {
    const undeclared = { declaration: null, firstConfirmedOn: null };
    assert.deepEqual(flags({ ...undeclared, t: '2018-07-05' }), [], 'on the last day of the window');
    assert.deepEqual(flags({ ...undeclared, t: '2018-07-06' }), ['NOTIFICATION_MISSING']);
    assert.deepEqual(flags({ ...undeclared, t: '2018-07-06', baseline: 0, total: fuel(0, 0) }), [], 'nothing to declare');
    assert.deepEqual(flags({ ...undeclared, t: '2018-07-06', baseline: null }), [], 'no baseline yet');
  });

  it('NOTIFICATION_LATE: the declaration was received after the notification window', () => {
    assert.deepEqual(flags({ declaration: { count: 2000, firstReceivedOn: '2018-07-05' } }), []);
    assert.deepEqual(flags({ declaration: { count: 2000, firstReceivedOn: '2018-07-06' }, firstConfirmedOn: '2018-07-13' }), ['NOTIFICATION_LATE']);
  });

  it('CONFIRMATION_MISSING: declared, nothing confirmed, and t after the confirmation window', () => {
    assert.deepEqual(flags({ firstConfirmedOn: null, t: '2018-07-12' }), [], 'on the last day of the window');
    assert.deepEqual(flags({ firstConfirmedOn: null, t: '2018-07-13' }), ['CONFIRMATION_MISSING']);
    assert.deepEqual(flags({ firstConfirmedOn: null, declaration: null, t: '2018-07-04' }), [], 'nothing declared yet');
  });

  it('CONFIRMATION_LATE: the first allowance was confirmed after the confirmation window', () => {
    assert.deepEqual(flags({ firstConfirmedOn: '2018-07-12' }), []);
    assert.deepEqual(flags({ firstConfirmedOn: '2018-07-13' }), ['CONFIRMATION_LATE']);
    // The window runs from when the declaration was received: Mon 2 Jul + 5 WD = Mon 9 Jul.
    const earlier = { declaration: { count: 2000, firstReceivedOn: '2018-07-02' } };
    assert.deepEqual(flags({ ...earlier, firstConfirmedOn: '2018-07-09' }), []);
    assert.deepEqual(flags({ ...earlier, firstConfirmedOn: '2018-07-10' }), ['CONFIRMATION_LATE']);
    assert.deepEqual(flags({ declaration: null, firstConfirmedOn: '2018-07-20', t: '2018-07-04' }), [], 'nothing declared');
  });

  it('DECLARATION_MISMATCH: declared differs from baseline by more than 5 % of the baseline', () => {
    // 5 % of 2000 is 100: 2100 and 1900 are within it, 2101 and 1899 are not.
    const declared = (count: number) => ({ declaration: { count, firstReceivedOn: DECLARED_ON } });
    assert.deepEqual(flags(declared(2100)), []);
    assert.deepEqual(flags(declared(1900)), []);
    assert.deepEqual(flags(declared(2101)), ['DECLARATION_MISMATCH']);
    assert.deepEqual(flags(declared(1899)), ['DECLARATION_MISMATCH']);
    assert.deepEqual(flags({ ...declared(0), baseline: 0 }), [], '0 against 0');
    assert.deepEqual(flags({ ...declared(1), baseline: 0 }), ['DECLARATION_MISMATCH'], 'anything against 0');
    assert.deepEqual(flags({ ...declared(5000), baseline: null }), [], 'no baseline to compare with');
  });

  it('ALLOWANCE_EXCEEDED, NEW_WITHOUT_MAP_ID, INVALID_MAP_IDS and UNREGISTERED_USER', () => {
    assert.deepEqual(flags({ allowanceExceeded: true }), ['ALLOWANCE_EXCEEDED']);
    assert.deepEqual(flags({ total: fuel(2000, 500, { newMissing: 1 }) }), ['NEW_WITHOUT_MAP_ID']);
    assert.deepEqual(flags({ total: fuel(2000, 500, { invalid: 1 }) }), ['INVALID_MAP_IDS']);
    assert.deepEqual(flags({ registered: false }), ['UNREGISTERED_USER']);
  });

  it('lists flags alphabetically', () => {
    assert.deepEqual(
      flags({
        registered: false,
        allowanceExceeded: true,
        total: fuel(2000, 500, { invalid: 3, newMissing: 2 }),
        declaration: { count: 9000, firstReceivedOn: '2018-07-09' },
        firstConfirmedOn: '2018-07-20',
      }),
      ['ALLOWANCE_EXCEEDED', 'CONFIRMATION_LATE', 'DECLARATION_MISMATCH', 'INVALID_MAP_IDS', 'NEW_WITHOUT_MAP_ID', 'NOTIFICATION_LATE', 'UNREGISTERED_USER'],
    );
  });

  it('treats a window of 0 Working Days as ending on its first day', () => {
    assert.equal(windowEnd('2018-06-28', 0, wd), '2018-06-28');
  });
});

describe('exceededAllowance', () => {
  const observe = (asOf: string, completed: number): Observation => ({ snapshotId: 0, asOf, total: fuel(10_000, completed) });
  const allowance100 = () => 100;

  it('compares each rise in completed with allowance × Working Days between consecutive snapshots', () => {
    // Fri 24 Aug → Wed 29 Aug 2018: Mon 27 is a bank holiday, so 2 WDs (28, 29) → at most 200.
    assert.equal(exceededAllowance([observe('2018-08-24', 1000), observe('2018-08-29', 1200)], allowance100, wd), false);
    assert.equal(exceededAllowance([observe('2018-08-24', 1000), observe('2018-08-29', 1201)], allowance100, wd), true);
  });

  it('looks at every consecutive pair, not just the last', () => {
    const series = [observe('2018-07-02', 0), observe('2018-07-03', 101), observe('2018-07-16', 200)];
    assert.equal(exceededAllowance(series, allowance100, wd), true);
  });

  it('uses the allowance in force on the later snapshot, and none when none is', () => {
    const series = [observe('2018-07-02', 0), observe('2018-07-16', 1500)]; // 10 WDs
    const raisedOnThe16th = (date: string) => (date >= '2018-07-16' ? 200 : 100);
    assert.equal(exceededAllowance(series, raisedOnThe16th, wd), false);
    assert.equal(
      exceededAllowance(series, () => null, wd),
      false,
    );
    assert.equal(exceededAllowance([observe('2018-07-02', 0)], allowance100, wd), false, 'a single snapshot');
  });
});
