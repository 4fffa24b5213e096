// The overdue rule of the enforcement trail (server/actions/overdue.ts), case by case.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { overdueAsOf, takenBetween, type DatedAction } from '../../../server/actions/overdue.ts';

let nextId = 1;
const action = (kind: string, takenOn: string, dueOn: string | null = null): DatedAction => ({ id: nextId++, kind, takenOn, dueOn });
const ids = (actions: readonly DatedAction[]): number[] => actions.map((a) => a.id);

describe('overdue enforcement actions', () => {
  it('is overdue only after the due date, and never without one', () => {
    const letter = action('letter-sent', '2026-03-02', '2026-03-16');
    const note = action('note', '2026-03-03');
    assert.deepEqual(ids(overdueAsOf([letter, note], '2026-03-16')), [], 'on the due date it is still in time');
    assert.deepEqual(ids(overdueAsOf([letter, note], '2026-03-17')), [letter.id]);
  });

  it('is answered by a response received on or after the day it was taken, up to the date asked', () => {
    const letter = action('letter-sent', '2026-03-02', '2026-03-16');
    const sameDay = action('response-received', '2026-03-02');
    assert.deepEqual(ids(overdueAsOf([letter, sameDay], '2026-04-01')), []);
    const earlier = action('response-received', '2026-03-01');
    assert.deepEqual(ids(overdueAsOf([earlier, letter], '2026-04-01')), [letter.id], 'a response to something before it does not answer it');
    const later = action('response-received', '2026-03-20');
    assert.deepEqual(ids(overdueAsOf([letter, later], '2026-03-18')), [letter.id], 'a response after the date asked does not count yet');
    assert.deepEqual(ids(overdueAsOf([letter, later], '2026-03-20')), []);
  });

  it('is not answered by SECAS’s own later steps', () => {
    const letter = action('letter-sent', '2026-03-02', '2026-03-16');
    const chaser = action('letter-sent', '2026-03-20', '2026-03-27');
    const escalation = action('escalation', '2026-04-01');
    assert.deepEqual(ids(overdueAsOf([letter, chaser, escalation], '2026-04-02')), [letter.id, chaser.id]);
  });

  it('ignores an action taken after the date asked', () => {
    const future = action('panel-decision', '2026-05-01', '2026-05-02');
    assert.deepEqual(ids(overdueAsOf([future], '2026-04-30')), []);
  });

  it('takes the actions after the previous report up to this one', () => {
    const a = action('note', '2026-03-31');
    const b = action('note', '2026-04-01');
    const c = action('note', '2026-04-30');
    const d = action('note', '2026-05-01');
    assert.deepEqual(ids(takenBetween([a, b, c, d], '2026-03-31', '2026-04-30')), [b.id, c.id]);
    assert.deepEqual(ids(takenBetween([a, b, c, d], null, '2026-04-30')), [a.id, b.id, c.id]);
  });
});
