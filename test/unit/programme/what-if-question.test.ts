// The what-if as the deadline page and the CLI ask it: the multiplier read exactly (hundredths),
// each mistake refused with a sentence naming the field, and the deadline it tries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { factorRule, readWhatIfQuestion, whatIfRefusal } from '../../../server/programme/what-if-question.ts';

describe('the allowance multiplier', () => {
  it('reads a number with up to two decimals as hundredths, written back without trailing zeros', () => {
    assert.deepEqual(factorRule('1.5'), { ok: true, value: { percent: 150, text: '1.5' } });
    assert.deepEqual(factorRule('×1.50'), { ok: true, value: { percent: 150, text: '1.5' } });
    assert.deepEqual(factorRule('2x'), { ok: true, value: { percent: 200, text: '2' } });
    assert.deepEqual(factorRule('0.29'), { ok: true, value: { percent: 29, text: '0.29' } });
    assert.deepEqual(factorRule('100'), { ok: true, value: { percent: 10_000, text: '100' } });
  });

  it('refuses what is not one, or would take the allowances away, saying what to write', () => {
    const hint = 'write a number above 0 and at most 100, with at most two decimals, e.g. 1.5';
    assert.deepEqual(factorRule('lots'), { ok: false, error: `"lots" is not a multiplier: ${hint}` });
    assert.deepEqual(factorRule('1.555'), { ok: false, error: `"1.555" is not a multiplier: ${hint}` });
    assert.deepEqual(factorRule('-1'), { ok: false, error: `"-1" is not a multiplier: ${hint}` });
    assert.deepEqual(factorRule('0.00'), { ok: false, error: `"0.00" would take every allowance away: ${hint}` });
    assert.deepEqual(factorRule('100.5'), { ok: false, error: `"100.5" is more than 100: ${hint}` });
  });
});

describe('the what-if question', () => {
  it('is nothing when nothing is asked', () => {
    assert.deepEqual(readWhatIfQuestion({}, '2021-03-31'), { question: null, errors: [], typed: { proposed: '', factor: '' } });
  });

  it('tries the proposed date, or the deadline in force when only the allowances are asked about', () => {
    assert.deepEqual(readWhatIfQuestion({ proposed: ' 2021-03-01 ', factor: '1.5' }, '2021-03-31').question, {
      deadline: '2021-03-01',
      proposed: true,
      factor: { percent: 150, text: '1.5' },
    });
    assert.deepEqual(readWhatIfQuestion({ factor: '1.5' }, '2021-03-31').question, {
      deadline: '2021-03-31',
      proposed: false,
      factor: { percent: 150, text: '1.5' },
    });
  });

  it('refuses each wrong field beside it, and a multiplier alone with no deadline to try it against', () => {
    const both = readWhatIfQuestion({ proposed: '2021-02-30', factor: 'x' }, null);
    assert.equal(both.question, null);
    assert.deepEqual(
      both.errors.map((e) => e.field),
      ['proposed', 'factor'],
    );
    assert.equal(whatIfRefusal(both)?.message, 'Both fields of the what-if need correcting.');
    const alone = readWhatIfQuestion({ factor: '1.5' }, null);
    assert.deepEqual(alone.errors, [
      { field: 'proposed', message: 'no deadline is in force to try the allowances against: give a proposed deadline, YYYY-MM-DD' },
    ]);
    assert.equal(whatIfRefusal(alone)?.message, alone.errors[0]!.message);
    assert.equal(whatIfRefusal(readWhatIfQuestion({ proposed: '2021-03-01' }, null)), null);
  });
});
