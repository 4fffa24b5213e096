// Which snapshots a change of the counting rules leaves counted otherwise, and how that is said.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countingRules, rulesDifference, rulesOfSnapshot, storedRegister } from '../../../server/snapshots/recount/counting-rules.ts';

const now = countingRules('2018-06-28', ['cd34', 'AB12 ']);

describe('counting rules', () => {
  it('are compared whatever the order and case the register was kept in', () => {
    assert.deepEqual(now, { implementationDate: '2018-06-28', mapRegister: ['AB12', 'CD34'] });
    assert.equal(rulesDifference(rulesOfSnapshot({ rules_implementation_date: '2018-06-28', rules_map_register: '["CD34","AB12"]' }), now), null);
    assert.equal(storedRegister(now), '["AB12","CD34"]');
    assert.equal(storedRegister(countingRules('2018-06-28', [])), null);
  });

  it('say what differs: MAP IDs added and removed, an empty register, the implementation date, rules not kept', () => {
    const was = (date: string, register: string[] | null) =>
      rulesOfSnapshot({ rules_implementation_date: date, rules_map_register: register && JSON.stringify(register) });
    assert.equal(rulesDifference(was('2018-06-28', ['AB12']), now), 'MAP register since: CD34 added');
    assert.equal(rulesDifference(was('2018-06-28', ['AB12', 'EF56']), now), 'MAP register since: CD34 added; EF56 removed');
    assert.equal(rulesDifference(was('2018-06-28', null), now), 'counted with an empty MAP register (any MAP ID valid); it now lists AB12, CD34');
    assert.equal(rulesDifference(was('2018-06-28', ['AB12', 'CD34']), countingRules('2018-06-28', [])), 'the MAP register is empty now (any MAP ID valid)');
    assert.equal(rulesDifference(was('2018-07-01', ['AB12', 'CD34']), now), 'implementation date 2018-07-01, now 2018-06-28');
    assert.equal(
      rulesDifference(rulesOfSnapshot({ rules_implementation_date: null, rules_map_register: null }), now),
      'counted before the rules were kept with each snapshot',
    );
    const many = countingRules('2018-06-28', ['A001', 'A002', 'A003', 'A004', 'A005', 'A006', 'A007']);
    assert.equal(rulesDifference(was('2018-06-28', ['A001']), many), 'MAP register since: A002, A003, A004, A005, A006 and 1 more added');
  });
});
