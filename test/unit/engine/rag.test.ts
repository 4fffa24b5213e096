import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ragStatus } from '../../../server/engine/rag.ts';
import type { RagFacts } from '../../../server/engine/rag.ts';

// A User on track: 1000 outstanding, 50 WDs left → needs 20/WD, allowed 30, doing 25, finishing
// before the deadline. Each case below changes just what its rule looks at.
const onTrack: RagFacts = {
  outstanding: 1000,
  deadline: '2019-03-29',
  wdRemaining: 50,
  requiredRate: 20,
  allowance: 30,
  actualRate: 25,
  projectedCompletion: '2019-03-01',
};
const noDeadline: RagFacts = { ...onTrack, deadline: null, wdRemaining: null, requiredRate: null };

describe('ragStatus (SPEC §4.3)', () => {
  it('rule 1: nothing outstanding is GREEN "complete", even past the deadline', () => {
    assert.deepEqual(ragStatus({ ...onTrack, outstanding: 0, wdRemaining: 0, requiredRate: null }), { rag: 'GREEN', reason: 'complete' });
    assert.deepEqual(ragStatus({ ...noDeadline, outstanding: 0, actualRate: null }), { rag: 'GREEN', reason: 'complete' });
  });

  it('rule 2: no Working Day left is RED "deadline missed"; skipped without a deadline', () => {
    assert.deepEqual(ragStatus({ ...onTrack, wdRemaining: 0, requiredRate: null }), { rag: 'RED', reason: 'deadline missed' });
    assert.deepEqual(ragStatus({ ...noDeadline }), { rag: 'GREEN', reason: 'on track' });
  });

  it('rule 3: needing more than the allowance is RED "cannot finish within allowance"', () => {
    assert.deepEqual(ragStatus({ ...onTrack, requiredRate: 30.000001 }), { rag: 'RED', reason: 'cannot finish within allowance' });
    // Needing exactly the allowance is possible.
    assert.deepEqual(ragStatus({ ...onTrack, requiredRate: 30 }), { rag: 'GREEN', reason: 'on track' });
    // Only when an allowance is set.
    assert.deepEqual(ragStatus({ ...onTrack, requiredRate: 40, allowance: null }), { rag: 'GREEN', reason: 'on track' });
    // It comes before rule 4: a User with no measured rate who cannot finish is still RED.
    assert.deepEqual(ragStatus({ ...onTrack, requiredRate: 40, actualRate: null, projectedCompletion: null }), {
      rag: 'RED',
      reason: 'cannot finish within allowance',
    });
  });

  it('rule 4: no measured rate is AMBER "not enough snapshots", with or without a deadline', () => {
    const unmeasured = { actualRate: null, projectedCompletion: null };
    assert.deepEqual(ragStatus({ ...onTrack, ...unmeasured }), { rag: 'AMBER', reason: 'not enough snapshots' });
    assert.deepEqual(ragStatus({ ...noDeadline, ...unmeasured }), { rag: 'AMBER', reason: 'not enough snapshots' });
  });

  it('rule 5: no progress is RED with a deadline and AMBER without', () => {
    for (const actualRate of [0, -3.5]) {
      assert.deepEqual(ragStatus({ ...onTrack, actualRate, projectedCompletion: null }), { rag: 'RED', reason: 'no progress' });
      assert.deepEqual(ragStatus({ ...noDeadline, actualRate, projectedCompletion: null }), { rag: 'AMBER', reason: 'no progress' });
    }
  });

  it('rule 6: a projection after the deadline is AMBER "projected after deadline"; skipped without a deadline', () => {
    assert.deepEqual(ragStatus({ ...onTrack, projectedCompletion: '2019-04-01' }), { rag: 'AMBER', reason: 'projected after deadline' });
    // Finishing on the deadline day itself is on track.
    assert.deepEqual(ragStatus({ ...onTrack, projectedCompletion: '2019-03-29' }), { rag: 'GREEN', reason: 'on track' });
    // Dates compare as dates: a deadline on a Saturday is met by a Friday finish.
    assert.deepEqual(ragStatus({ ...onTrack, deadline: '2019-03-30', projectedCompletion: '2019-03-29' }), { rag: 'GREEN', reason: 'on track' });
    assert.deepEqual(ragStatus({ ...noDeadline, projectedCompletion: '2030-01-01' }), { rag: 'GREEN', reason: 'on track' });
  });

  it('rule 7: otherwise GREEN "on track"', () => {
    assert.deepEqual(ragStatus(onTrack), { rag: 'GREEN', reason: 'on track' });
  });
});
