// The rules every reference value is read by, for files and forms alike.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dateRule, mapIdRule, optionalTextRule, textRule, userIdRule, wholeNumberRule } from '../../../server/programme/field-rules.ts';

const value = <T>(checked: { ok: true; value: T } | { ok: false; error: string }): T | string => (checked.ok ? checked.value : `error: ${checked.error}`);

describe('reference-data field rules', () => {
  it('normalise User IDs as the snapshot rules do', () => {
    for (const spelling of ['90B3D51F3001000A', '90b3d51f3001000a', '90:b3:d5:1f:30:01:00:0a', '90-B3-D5-1F-30-01-00-0A']) {
      assert.equal(value(userIdRule(spelling)), '90-B3-D5-1F-30-01-00-0A', spelling);
    }
    assert.match(String(value(userIdRule(''))), /^error: no User ID is given: write 16 hex digits/);
    for (const wrong of ['90-B3-D5-1F-30-01-00', '90-B3:D5-1F-30-01-00-0A', '90B3D51F3001000G', '90B3D51F3001000A0']) {
      assert.match(String(value(userIdRule(wrong))), /^error: .* is not a User ID/, wrong);
    }
  });

  it('take only real dates written YYYY-MM-DD', () => {
    assert.equal(value(dateRule('2024-02-29')), '2024-02-29');
    assert.equal(value(dateRule('')), 'error: no date is given: write it YYYY-MM-DD');
    for (const wrong of ['2023-02-29', '2018-7-5', '05/07/2018', '2018-07-05T00:00']) {
      assert.match(String(value(dateRule(wrong))), /is not a real date written YYYY-MM-DD$/, wrong);
    }
  });

  it('take whole numbers of 0 or more, with a spreadsheet’s thousands separators, up to a bound', () => {
    const rule = wholeNumberRule(1_000_000);
    assert.deepEqual(
      ['0', '10000', '10,000', '1,000,000'].map((raw) => value(rule(raw))),
      [0, 10_000, 10_000, 1_000_000],
    );
    assert.equal(value(rule('')), 'error: no number is given: write a whole number of 0 or more');
    for (const wrong of ['-1', '1.5', '1e3', '10,00', 'ten']) assert.match(String(value(rule(wrong))), /is not a whole number of 0 or more$/, wrong);
    assert.equal(value(rule('1,000,001')), 'error: "1,000,001" is more than 1,000,000');
  });

  it('read MAP IDs upper-cased, exactly 4 letters or digits', () => {
    assert.equal(value(mapIdRule('ab12')), 'AB12');
    assert.equal(value(mapIdRule('')), 'error: no MAP ID is given: write exactly 4 letters or digits');
    for (const wrong of ['AB1', 'AB123', 'AB-1']) assert.match(String(value(mapIdRule(wrong))), /is not a MAP ID/, wrong);
  });

  it('require text where it is required, and drop the quote an export puts before a formula-like value', () => {
    assert.equal(value(textRule('The name', 5)('')), 'error: The name is empty; it is required');
    assert.equal(value(textRule('The name', 5)('Longer')), 'error: The name is longer than 5 characters');
    assert.equal(value(textRule('The name', 20)("'=SUM(A1)")), '=SUM(A1)');
    assert.equal(value(textRule('The name', 20)("O'Brien")), "O'Brien");
    assert.equal(value(optionalTextRule('The short name', 5)('')), null);
  });
});
