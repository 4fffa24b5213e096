import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changeSince, figuresOf } from '../../../server/engine/change.ts';
import { computeProgress } from '../../../server/engine/compute-progress.ts';
import { ALPHA, available, BETA, buildInputs, esmeOnly, snapshot } from './build-inputs.ts';

describe('change since the previous month', () => {
  // Alpha: 1,000 in scope; 100 done by 31 Jul, 400 by 31 Aug → outstanding 900 → 600, change −300.
  // Beta: registered, but in no snapshot until August (200 in scope, 50 done). A snapshot is the whole
  // inventory, so in July Beta had nothing in scope (0 outstanding, complete): change +150 / +50.
  const snapshots = [
    snapshot(1, '2018-07-02', { [ALPHA]: esmeOnly(1000, 0) }),
    snapshot(2, '2018-07-31', { [ALPHA]: esmeOnly(1000, 100) }),
    snapshot(3, '2018-08-31', { [ALPHA]: esmeOnly(1000, 400), [BETA]: esmeOnly(200, 50) }),
  ];
  const july = available(computeProgress(buildInputs({ askedAsOf: '2018-07-31', snapshots })));
  const august = available(computeProgress(buildInputs({ askedAsOf: '2018-08-31', snapshots })));

  it('gives each User’s and the programme’s change in outstanding and completed', () => {
    const change = changeSince(august, figuresOf(july));
    assert.equal(change.since, '2018-07-31');
    // In July Alpha was moving (100 in 21 WDs) and there is no deadline, so it was GREEN "on track".
    assert.deepEqual(change.users[ALPHA], { outstanding: -300, completed: 300, previousRag: 'GREEN' });
    assert.deepEqual(change.users[BETA], { outstanding: 150, completed: 50, previousRag: 'GREEN' });
    // Programme: July 900 outstanding (Alpha only), August 600 + 150 = 750 → −150; completed 100 → 450.
    assert.deepEqual(change.programme, { outstanding: -150, completed: 350 });
  });

  it('has nothing to compare with before the first month', () => {
    // There is no snapshot on or before 30 June, so nothing was reported then.
    assert.equal(computeProgress(buildInputs({ askedAsOf: '2018-06-30', snapshots })).status, 'no-snapshot');
    const change = changeSince(july, null);
    assert.equal(change.since, null);
    assert.deepEqual(change.programme, { outstanding: null, completed: null });
    assert.deepEqual(change.users[ALPHA], { outstanding: null, completed: null, previousRag: null });
  });
});
