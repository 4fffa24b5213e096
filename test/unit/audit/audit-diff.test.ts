// The audit log's pure parts: an entry's before and after as the fields it changed, and the page's
// filter read from its query (London dates to UTC instants, across the clock changes).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditDiff } from '../../../server/audit/audit-diff.ts';
import { auditKinds, londonDayStart, readAuditFilter } from '../../../server/audit/audit-filter.ts';

describe('auditDiff', () => {
  it('keeps only the fields that changed, nested ones by their path', () => {
    assert.deepEqual(auditDiff('{"name":"Early May","source":"shipped"}', '{"name":"VE Day","source":"shipped"}'), [
      { field: 'name', before: 'Early May', after: 'VE Day' },
    ]);
    assert.deepEqual(auditDiff('{"count":1000,"receivedOn":"2018-07-05"}', '{"inForce":{"count":1200,"receivedOn":"2018-07-20"}}'), [
      { field: 'count', before: '1000', after: null },
      { field: 'receivedOn', before: '2018-07-05', after: null },
      { field: 'inForce.count', before: null, after: '1200' },
      { field: 'inForce.receivedOn', before: null, after: '2018-07-20' },
    ]);
  });

  it('shows every field of an addition or a removal, a bare value as "value", null and lists in words', () => {
    assert.deepEqual(auditDiff(null, '{"name":"X","tags":["a","b"]}'), [
      { field: 'name', before: null, after: 'X' },
      { field: 'tags', before: null, after: 'a, b' },
    ]);
    assert.deepEqual(auditDiff('{"value":null}', '{"value":7}'), [{ field: 'value', before: 'none', after: '7' }]);
    assert.deepEqual(auditDiff('10', '15'), [{ field: 'value', before: '10', after: '15' }]);
    assert.deepEqual(auditDiff('{"a":1}', '{"a":1}'), []);
  });
});

describe('the audit filter', () => {
  it('starts a London day at midnight there: 00:00 UTC in winter, 23:00 UTC the day before in summer', () => {
    assert.equal(londonDayStart('2026-03-28'), '2026-03-28 00:00:00.000');
    // The clocks go forward at 01:00 UTC on 29 March 2026: midnight that day is still GMT.
    assert.equal(londonDayStart('2026-03-29'), '2026-03-29 00:00:00.000');
    assert.equal(londonDayStart('2026-03-30'), '2026-03-29 23:00:00.000');
    assert.equal(londonDayStart('2026-10-25'), '2026-10-24 23:00:00.000');
    assert.equal(londonDayStart('2026-10-26'), '2026-10-26 00:00:00.000');
  });

  it('reads who, what and the dates (to inclusive) and says what is wrong with each', () => {
    const kinds = ['allowance', 'declaration'];
    assert.deepEqual(readAuditFilter({ who: ' Kim ', what: 'declaration', from: '2026-07-01', to: '2026-07-31' }, kinds), {
      ok: true,
      query: { who: 'Kim', what: 'declaration', from: '2026-07-01', to: '2026-07-31' },
      filter: { actorLike: 'Kim', kind: 'declaration', from: '2026-06-30 23:00:00.000', before: '2026-07-31 23:00:00.000' },
    });
    const wrong = readAuditFilter({ what: 'holiday', from: '2026-02-30', to: '2026-01-01' }, kinds);
    assert.equal(wrong.ok, false);
    assert.deepEqual(!wrong.ok && wrong.errors, {
      what: '"holiday" is not a kind of change the log holds; choose one from the list.',
      from: 'The first date must be a real date written YYYY-MM-DD.',
    });
    const backwards = readAuditFilter({ from: '2026-02-02', to: '2026-02-01' }, kinds);
    assert.deepEqual(!backwards.ok && backwards.errors, { to: 'The last date must be on or after the first.' });
  });

  it('offers each kind of change once: the part of an action before its first dot', () => {
    assert.deepEqual(auditKinds(['login', 'declaration.add', 'declaration.remove', 'map-register.add', 'allowances.import']), [
      'allowances',
      'declaration',
      'login',
      'map-register',
    ]);
  });
});
