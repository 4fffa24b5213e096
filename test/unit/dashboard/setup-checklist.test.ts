// The empty overview's setup checklist from what an installation holds: each step ticked once
// done and saying what is there, linked only to the pages the viewer's role opens.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setupChecklist } from '../../../server/dashboard/setup-checklist.ts';

const NOTHING = { registeredUsers: 0, deadline: null, declarations: 0, allowances: 0, snapshots: 0 };
const everywhere = (): boolean => true;

describe('the setup checklist', () => {
  it('on a new installation: five steps, none done, a first run', () => {
    const list = setupChecklist(NOTHING, everywhere);
    assert.deepEqual(
      list.steps.map((s) => [s.title, s.done, s.state, s.href]),
      [
        ['Users register', false, 'Not yet', '/users'],
        ['Deadline', false, 'Not yet', '/deadline'],
        ['Declarations', false, 'Not yet', '/users/declarations'],
        ['Allowances', false, 'Not yet', '/users/allowances'],
        ['First snapshot', false, 'Not yet', '/snapshots'],
      ],
    );
    assert.deepEqual([list.done, list.total, list.firstRun], [0, 5, true]);
  });

  it('ticks what is done and says what is there, in words and with thousands separators', () => {
    const list = setupChecklist({ registeredUsers: 1, deadline: '2027-03-31', declarations: 1_204, allowances: 0, snapshots: 2 }, everywhere);
    assert.deepEqual(
      list.steps.map((s) => [s.done, s.state]),
      [
        [true, '1 User named'],
        [true, '31 Mar 2027 in force'],
        [true, '1,204 declarations recorded'],
        [false, 'Not yet'],
        [true, '2 snapshots imported'],
      ],
    );
    assert.deepEqual([list.done, list.firstRun], [4, false]);
  });

  it('links a step only where the viewer may go, and says who does it either way', () => {
    const panel = setupChecklist(NOTHING, (path) => path === '/deadline');
    assert.deepEqual(
      panel.steps.map((s) => s.href),
      [null, '/deadline', null, null, null],
    );
    assert.match(panel.steps[0]!.about, /SECAS imports the register/);
    assert.match(panel.steps[3]!.about, /The DCC or SECAS records them/);
  });
});
