// What the deadline page says of the engine's plan: the earliest feasible date naming the Users
// it leaves out and why, the count and list of who changes, and the chart's figures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { whatIf, type WhatIfResult } from '../../../server/engine/what-if.ts';
import { feasibleView, namesSentence, whatIfView } from '../../../server/programme/deadline-view.ts';
import { inputsAsOf } from '../engine/scenario-inputs.ts';

function planned(proposed: string, allowancePercent?: number): WhatIfResult {
  const result = whatIf(inputsAsOf('2019-01-02'), proposed, { allowancePercent });
  if (result.status !== 'ok') assert.fail(result.message);
  return result;
}

describe('the deadline page’s sentences', () => {
  it('names a few Users as a sentence, and how many more', () => {
    assert.equal(namesSentence([]), '');
    assert.equal(namesSentence(['A']), 'A');
    assert.equal(namesSentence(['A', 'B']), 'A and B');
    assert.equal(namesSentence(['A', 'B', 'C']), 'A, B and C');
    assert.equal(namesSentence(['A', 'B', 'C', 'D', 'E'], 3), 'A, B, C and 2 more');
  });

  it('gives the earliest feasible date with the Users left out, grouped by why', () => {
    const view = feasibleView({
      status: 'feasible',
      date: '2021-03-01',
      limitingUsers: [{ userId: 'C', name: 'Cee' }],
      leftOut: [
        { userId: 'A', name: 'Ay', reason: 'no allowance' },
        { userId: 'Z', name: 'Zed', reason: 'allowance of 0' },
        { userId: 'B', name: 'Bee', reason: 'no allowance' },
      ],
    });
    assert.deepEqual(view, {
      status: 'feasible',
      date: '2021-03-01',
      limitedBy: 'Cee',
      leftOut: 'Ay and Bee (no allowance) and Zed (allowance of 0)',
      leftOutCount: 3,
    });
    assert.deepEqual(feasibleView({ status: 'feasible', date: '2021-03-01', limitingUsers: [{ userId: 'C', name: 'Cee' }], leftOut: [] }), {
      status: 'feasible',
      date: '2021-03-01',
      limitedBy: 'Cee',
      leftOut: null,
      leftOutCount: 0,
    });
  });

  it('counts and lists who changes, and carries both sets of counts to the chart', () => {
    // Against Wed 2019-02-13 Beta turns from AMBER to RED (the engine's test works it out).
    const view = whatIfView(planned('2019-02-13'), null);
    assert.equal(view.asked, 'With the deadline 13 Feb 2019');
    assert.equal(view.changesHeading, '1 User changes:');
    assert.deepEqual(view.changes, [{ name: 'Beta Gas & Power', userId: '90-B3-D5-1F-30-01-00-0B', from: 'AMBER', to: 'RED' }]);
    assert.deepEqual(view.chart, {
      labels: ['RED', 'AMBER', 'GREEN'],
      current: [0, 1, 2],
      proposed: [1, 0, 2],
      currentLabel: 'Now (deadline 29 Mar 2019)',
      proposedLabel: 'What if (13 Feb 2019)',
    });
    assert.equal(view.feasible, null);

    // ×1.5 against the deadline in force: nobody changes; the earliest date moves to 31 Jan 2019.
    const scaled = whatIfView(planned('2019-03-29', 150), { percent: 150, text: '1.5' }, { weekday: 'Friday', workingDay: true });
    assert.equal(scaled.asked, 'With the deadline in force, 29 Mar 2019 (a Friday), and every allowance × 1.5');
    assert.equal(scaled.changesHeading, 'No User changes status.');
    assert.equal(scaled.proposedHeading, 'What if (29 Mar 2019, allowances × 1.5)');
    assert.deepEqual(scaled.feasible, { status: 'feasible', date: '2019-01-31', limitedBy: 'Beta Gas & Power', leftOut: null, leftOutCount: 0 });
  });
});
