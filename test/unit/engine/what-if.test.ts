// Deadline planning (SPEC §4.5) on the worked example, the working in comments.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addDays } from '../../../server/engine/calendar.ts';
import { computeProgress } from '../../../server/engine/compute-progress.ts';
import { earliestFeasibleDeadline, whatIf } from '../../../server/engine/what-if.ts';
import type { WhatIfResult } from '../../../server/engine/what-if.ts';
import { ALPHA, available, BETA, buildInputs, esmeOnly, snapshot, WORKING_DAYS as wd } from './build-inputs.ts';
import { inputsAsOf } from './scenario-inputs.ts';

const BETA_NAME = { userId: BETA, name: 'Beta Gas & Power' };

function planned(askedAsOf: string, proposedDeadline: string): WhatIfResult {
  const result = whatIf(inputsAsOf(askedAsOf), proposedDeadline);
  if (result.status !== 'ok') assert.fail(result.message);
  return result;
}

const ragOf = (result: WhatIfResult) => result.users.map((user) => [user.rag, user.reason]);

describe('earliest feasible deadline', () => {
  // As of 2019-01-02: Alpha has 1600 outstanding at 100 a WD → 16 WD: 3, 4, 7–11, 14–18, 21–24 Jan
  // → Thu 2019-01-24. Beta has 1850 at 60 → ceil(30.8) = 31 WD: 21 to the end of January, Fri 1 Feb
  // = 22, 4–8 → 27, 11–14 → 31 → Thu 2019-02-14. Gamma is complete. The latest is Beta's.
  it('is the latest day a User would finish sending its full allowance every WD', () => {
    const result = planned('2019-01-02', '2019-03-29');
    assert.deepEqual(result.earliestFeasible, { status: 'feasible', date: '2019-02-14', limitingUsers: [BETA_NAME] });
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

  it('is infeasible, naming the Users, when one with MAP IDs outstanding has no allowance in force', () => {
    // As of 07-16 Beta's allowance (effective 07-16) is not yet confirmed (07-20).
    const result = planned('2018-07-20', '2019-03-29');
    assert.deepEqual(result.earliestFeasible, { status: 'infeasible', blockingUsers: [BETA_NAME] });
  });

  it('treats an allowance of 0 as none, and a complete User as needing none', () => {
    const users = [
      { userId: ALPHA, name: 'Alpha', total: esmeOnly(100, 100).esme, allowance: null },
      { userId: BETA, name: 'Beta', total: esmeOnly(100, 0).esme, allowance: 0 },
    ];
    assert.deepEqual(earliestFeasibleDeadline(users, '2019-01-02', wd), {
      status: 'infeasible',
      blockingUsers: [{ userId: BETA, name: 'Beta' }],
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
    assert.equal(feasible.users[1]?.wdRemaining, 31);

    // One WD earlier: Beta would need 1850 / 30 = 61.7 > 60.
    const tooSoon = planned('2019-01-02', '2019-02-13');
    assert.deepEqual(tooSoon.users[1]?.reason, 'cannot finish within allowance');

    // Thu 2019-02-07 (26 WD): Alpha needs 61.5 ≤ 100 but projects to Fri 02-08 → AMBER.
    assert.deepEqual(ragOf(planned('2019-01-02', '2019-02-07'))[0], ['AMBER', 'projected after deadline']);

    // A deadline on t itself has passed for everyone not complete.
    assert.deepEqual(ragOf(planned('2019-01-02', '2019-01-02')), [
      ['RED', 'deadline missed'],
      ['RED', 'deadline missed'],
      ['GREEN', 'complete'],
    ]);
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
