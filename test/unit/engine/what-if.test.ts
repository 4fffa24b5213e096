// Deadline planning (SPEC §4.5) on the worked example, the working in comments.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addDays } from '../../../server/engine/calendar.ts';
import { computeProgress } from '../../../server/engine/compute-progress.ts';
import { earliestFeasibleDeadline, scaleAllowance, whatIf } from '../../../server/engine/what-if.ts';
import type { WhatIfResult, WhatIfUser } from '../../../server/engine/what-if.ts';
import { ALPHA, available, BETA, buildInputs, esmeOnly, GAMMA, snapshot, WORKING_DAYS as wd } from './build-inputs.ts';
import { inputsAsOf } from './scenario-inputs.ts';

const BETA_NAME = { userId: BETA, name: 'Beta Gas & Power' };

const ALPHA_NAME = { userId: ALPHA, name: 'Alpha Energy' };

function planned(askedAsOf: string, proposedDeadline: string, allowancePercent?: number): WhatIfResult {
  const result = whatIf(inputsAsOf(askedAsOf), proposedDeadline, { allowancePercent });
  if (result.status !== 'ok') assert.fail(result.message);
  return result;
}

/** Each User's status under the what-if, in User ID order (the result lists them RED first). */
const ragOf = (result: WhatIfResult) => [...result.users].sort((a, b) => a.userId.localeCompare(b.userId)).map((user) => [user.rag, user.reason]);
const userOf = (result: WhatIfResult, userId: string): WhatIfUser => result.users.find((user) => user.userId === userId) ?? assert.fail(userId);

describe('earliest feasible deadline', () => {
  // As of 2019-01-02: Alpha has 1600 outstanding at 100 a WD → 16 WD: 3, 4, 7–11, 14–18, 21–24 Jan
  // → Thu 2019-01-24. Beta has 1850 at 60 → ceil(30.8) = 31 WD: 21 to the end of January, Fri 1 Feb
  // = 22, 4–8 → 27, 11–14 → 31 → Thu 2019-02-14. Gamma is complete. The latest is Beta's.
  it('is the latest day a User would finish sending its full allowance every WD', () => {
    const result = planned('2019-01-02', '2019-03-29');
    assert.deepEqual(result.earliestFeasible, { status: 'feasible', date: '2019-02-14', limitingUsers: [BETA_NAME], leftOut: [] });
    assert.equal(wd.addWd('2019-01-02', 16), '2019-01-24');
  });

  it('is where RAG rule 3 stops making a User RED, and the WD before it is not feasible', () => {
    for (const askedAsOf of ['2018-08-29', '2018-12-31', '2019-01-02']) {
      const result = planned(askedAsOf, '2019-03-29');
      assert.equal(result.earliestFeasible.status, 'feasible');
      const date = result.earliestFeasible.status === 'feasible' ? result.earliestFeasible.date : '';
      const atDate = planned(askedAsOf, date);
      assert.ok(
        atDate.users.every((user) => user.reason !== 'cannot finish within allowance'),
        askedAsOf,
      );
      let dayBefore = addDays(date, -1);
      while (!wd.isWorkingDay(dayBefore)) dayBefore = addDays(dayBefore, -1);
      assert.ok(
        planned(askedAsOf, dayBefore).users.some((user) => user.reason === 'cannot finish within allowance'),
        `${askedAsOf}: ${dayBefore}`,
      );
    }
  });

  it('is a date over the Users with an allowance, naming those left out and why', () => {
    // As of 07-20 the snapshot is 07-16's. Beta's allowance (effective 07-16) is not yet confirmed
    // (07-20 is after 07-16's snapshot date), so Beta, with 2,500 outstanding, is left out. Alpha
    // has 9,100 at 100 a WD: 91 WD after Mon 07-16. July 17–31 is 11, August 22 (the 27th is a
    // holiday) → 33, September 20 → 53, October 23 → 76, November 1–21 is 15 → 91: Wed 2018-11-21.
    const result = planned('2018-07-20', '2019-03-29');
    assert.deepEqual(result.earliestFeasible, {
      status: 'feasible',
      date: '2018-11-21',
      limitingUsers: [ALPHA_NAME],
      leftOut: [{ ...BETA_NAME, reason: 'no allowance' }],
    });
    assert.equal(wd.addWd('2018-07-16', 91), '2018-11-21');
  });

  it('tells an allowance of 0 from none, needs none from a complete User, and gives no date when no User has one', () => {
    // From Mon 07-02, Gamma's 100 at 10 a WD take 10 WD: 3–6 July, 9–13, Mon 16 → 2018-07-16.
    const users = [
      { userId: ALPHA, name: 'Alpha', total: esmeOnly(100, 100).esme, allowance: null },
      { userId: BETA, name: 'Beta', total: esmeOnly(100, 0).esme, allowance: 0 },
      { userId: GAMMA, name: 'Gamma', total: esmeOnly(100, 0).esme, allowance: 10 },
      { userId: 'D', name: 'Delta', total: esmeOnly(50, 0).esme, allowance: null },
    ];
    assert.deepEqual(earliestFeasibleDeadline(users, '2018-07-02', wd), {
      status: 'feasible',
      date: '2018-07-16',
      limitingUsers: [{ userId: GAMMA, name: 'Gamma' }],
      leftOut: [
        { userId: BETA, name: 'Beta', reason: 'allowance of 0' },
        { userId: 'D', name: 'Delta', reason: 'no allowance' },
      ],
    });
    assert.deepEqual(earliestFeasibleDeadline([users[0]!, users[1]!, users[3]!], '2018-07-02', wd), {
      status: 'infeasible',
      blockingUsers: [
        { userId: BETA, name: 'Beta' },
        { userId: 'D', name: 'Delta' },
      ],
    });
  });

  it('says every User is complete when nothing is outstanding', () => {
    const snapshots = [snapshot(1, '2018-07-02', { [ALPHA]: esmeOnly(100, 100), [BETA]: esmeOnly(0, 0) })];
    const result = whatIf(buildInputs({ snapshots }), '2018-12-31');
    assert.equal(result.status, 'ok');
    assert.deepEqual(result.status === 'ok' ? result.earliestFeasible : null, { status: 'complete' });
  });

  it('lists every User that finishes on the date', () => {
    // 10 WD each: 100 at 10 a WD and 200 at 20 a WD, from Mon 07-02 → Mon 07-16.
    const users = [
      { userId: ALPHA, name: 'Alpha', total: esmeOnly(100, 0).esme, allowance: 10 },
      { userId: BETA, name: 'Beta', total: esmeOnly(200, 0).esme, allowance: 20 },
    ];
    const result = earliestFeasibleDeadline(users, '2018-07-02', wd);
    assert.deepEqual(result, {
      status: 'feasible',
      date: '2018-07-16',
      limitingUsers: [
        { userId: ALPHA, name: 'Alpha' },
        { userId: BETA, name: 'Beta' },
      ],
      leftOut: [],
    });
  });
});

describe('whatIf for a proposed deadline', () => {
  it('gives each User its RAG against the proposed deadline', () => {
    // Deadline Thu 2019-02-14: Beta needs 1850 / 31 = 59.7 ≤ 60, but at 5.7 a WD it projects to
    // 2020-04-08 → AMBER. Alpha projects to 2019-02-08 → GREEN.
    const feasible = planned('2019-01-02', '2019-02-14');
    assert.deepEqual(ragOf(feasible), [
      ['GREEN', 'on track'],
      ['AMBER', 'projected after deadline'],
      ['GREEN', 'complete'],
    ]);
    assert.deepEqual(feasible.ragCounts, { RED: 0, AMBER: 1, GREEN: 2 });
    assert.equal(userOf(feasible, BETA).wdRemaining, 31);
    assert.equal(feasible.wdToProposed, 31);

    // One WD earlier: Beta would need 1850 / 30 = 61.7 > 60.
    const tooSoon = planned('2019-01-02', '2019-02-13');
    assert.deepEqual(userOf(tooSoon, BETA).reason, 'cannot finish within allowance');
    assert.equal(tooSoon.wdToProposed, 30);

    // Thu 2019-02-07 (26 WD): Alpha needs 61.5 ≤ 100 but projects to Fri 02-08 → AMBER.
    assert.deepEqual(ragOf(planned('2019-01-02', '2019-02-07'))[0], ['AMBER', 'projected after deadline']);

    // A deadline on t itself has passed for everyone not complete.
    assert.deepEqual(ragOf(planned('2019-01-02', '2019-01-02')), [
      ['RED', 'deadline missed'],
      ['RED', 'deadline missed'],
      ['GREEN', 'complete'],
    ]);
  });

  it('puts each User’s status now beside it, names who changes, and lists RED first, then by outstanding', () => {
    // Now (deadline in force 2019-03-29): Alpha GREEN, Beta AMBER (projected 2020-04-08), Gamma
    // GREEN complete. Against 2019-02-13 Beta turns RED (61.7 a WD needed, 60 allowed).
    const tooSoon = planned('2019-01-02', '2019-02-13');
    assert.deepEqual(tooSoon.currentRagCounts, { RED: 0, AMBER: 1, GREEN: 2 });
    assert.deepEqual(tooSoon.ragCounts, { RED: 1, AMBER: 0, GREEN: 2 });
    assert.deepEqual(tooSoon.changed, [{ ...BETA_NAME, from: 'AMBER', to: 'RED' }]);
    assert.deepEqual(userOf(tooSoon, BETA).current, { rag: 'AMBER', reason: 'projected after deadline' });
    assert.equal(tooSoon.deadlineInForce, '2019-03-29');
    // RED Beta first; then the GREENs by outstanding: Alpha 1,600, Gamma 0.
    assert.deepEqual(
      tooSoon.users.map((user) => [user.userId, user.current.rag, user.rag, user.changed]),
      [
        [BETA, 'AMBER', 'RED', true],
        [ALPHA, 'GREEN', 'GREEN', false],
        [GAMMA, 'GREEN', 'GREEN', false],
      ],
    );
    // On t itself both unfinished Users are RED: Beta (1,850) before Alpha (1,600).
    assert.deepEqual(
      planned('2019-01-02', '2019-01-02').users.map((user) => [user.userId, user.rag]),
      [
        [BETA, 'RED'],
        [ALPHA, 'RED'],
        [GAMMA, 'GREEN'],
      ],
    );
  });

  it('scales every allowance when asked, for the statuses and the earliest feasible deadline', () => {
    // ×1.5: Alpha 100 → 150, Beta 60 → 90. Against 2019-02-13 Beta needs 1850 / 30 = 61.7 ≤ 90, so
    // it is not RED but AMBER again (projected 2020-04-08): nobody changes.
    const scaled = planned('2019-01-02', '2019-02-13', 150);
    assert.deepEqual([userOf(scaled, ALPHA).allowance, userOf(scaled, BETA).allowance], [150, 90]);
    assert.deepEqual([userOf(scaled, ALPHA).allowanceInForce, userOf(scaled, BETA).allowanceInForce], [100, 60]);
    assert.deepEqual([userOf(scaled, BETA).rag, userOf(scaled, BETA).reason], ['AMBER', 'projected after deadline']);
    assert.deepEqual(scaled.changed, []);
    assert.deepEqual([scaled.allowancePercent, scaled.allowanceFactor], [150, 1.5]);
    // Alpha: ceil(1600 / 150) = 11 WD after Wed 01-02: 3, 4, 7–11, 14–17 → Thu 2019-01-17.
    // Beta: ceil(1850 / 90) = 21 WD: 3, 4, 7–11, 14–18, 21–25, 28–31 → Thu 2019-01-31, the later.
    assert.deepEqual(scaled.earliestFeasible, { status: 'feasible', date: '2019-01-31', limitingUsers: [BETA_NAME], leftOut: [] });
    assert.equal(wd.addWd('2019-01-02', 11), '2019-01-17');
    assert.equal(wd.addWd('2019-01-02', 21), '2019-01-31');
  });

  it('scales an allowance in whole requests, rounding down, with no binary-fraction slips', () => {
    assert.equal(scaleAllowance(100, 150), 150);
    // 333 × 1.5 = 499.5: the DCC allows whole requests, so 499.
    assert.equal(scaleAllowance(333, 150), 499);
    // 100 × 0.29 in floating point is 28.999…; in hundredths it is 2,900 / 100 = 29.
    assert.equal(scaleAllowance(100, 29), 29);
    assert.equal(scaleAllowance(1, 50), 0);
  });

  it('leaves the deadline in force alone', () => {
    planned('2019-01-02', '2019-02-13');
    const inForce = available(computeProgress(inputsAsOf('2019-01-02')));
    assert.equal(inForce.deadline, '2019-03-29');
    assert.deepEqual(
      inForce.users.map((user) => user.rag),
      ['GREEN', 'AMBER', 'GREEN'],
    );
  });

  it('says so when there is no snapshot to plan from', () => {
    assert.equal(whatIf(inputsAsOf('2018-06-30'), '2019-03-29').status, 'no-snapshot');
  });
});
