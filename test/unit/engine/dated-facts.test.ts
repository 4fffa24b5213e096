import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allowanceInForce, declarationAt, firstConfirmationBy } from '../../../server/engine/dated-facts.ts';
import { ALPHA } from './build-inputs.ts';

describe('declarationAt', () => {
  const declarations = [
    { userId: ALPHA, count: 1000, receivedOn: '2018-07-05' },
    { userId: ALPHA, count: 1200, receivedOn: '2018-08-01' },
  ];

  it('counts a declaration only from the day it was received', () => {
    assert.equal(declarationAt(declarations, '2018-07-04'), null);
    assert.deepEqual(declarationAt(declarations, '2018-07-05'), { count: 1000, firstReceivedOn: '2018-07-05' });
  });

  it('takes the count of the latest correction but the date of the first notification', () => {
    assert.deepEqual(declarationAt(declarations, '2018-08-01'), { count: 1200, firstReceivedOn: '2018-07-05' });
    assert.deepEqual(declarationAt([...declarations].reverse(), '2018-08-01'), { count: 1200, firstReceivedOn: '2018-07-05' });
  });

  it('lets the later entry win two received the same day', () => {
    const sameDay = [...declarations, { userId: ALPHA, count: 1100, receivedOn: '2018-08-01' }];
    assert.equal(declarationAt(sameDay, '2018-08-01')?.count, 1100);
  });
});

describe('allowanceInForce', () => {
  // 20 a WD from Mon 07-16, confirmed only on Fri 07-20; 60 from Mon 10-01, confirmed Thu 09-27;
  // corrected to 80 from the same 10-01, confirmed Wed 10-03.
  const allowances = [
    { userId: ALPHA, perDay: 20, effectiveFrom: '2018-07-16', confirmedOn: '2018-07-20' },
    { userId: ALPHA, perDay: 80, effectiveFrom: '2018-10-01', confirmedOn: '2018-10-03' },
    { userId: ALPHA, perDay: 60, effectiveFrom: '2018-10-01', confirmedOn: '2018-09-27' },
  ];

  it('needs the allowance both confirmed and effective by the date', () => {
    assert.equal(allowanceInForce(allowances, '2018-07-13'), null);
    assert.equal(allowanceInForce(allowances, '2018-07-16'), null, 'effective, not yet confirmed');
    assert.equal(allowanceInForce(allowances, '2018-07-20'), 20, 'confirmed, and effective since 07-16');
    assert.equal(allowanceInForce(allowances, '2018-09-28'), 20, '60 is confirmed but not yet effective');
  });

  it('replaces an earlier allowance from the later one’s date, and a correction from its confirmation', () => {
    assert.equal(allowanceInForce(allowances, '2018-10-01'), 60);
    assert.equal(allowanceInForce(allowances, '2018-10-02'), 60);
    assert.equal(allowanceInForce(allowances, '2018-10-03'), 80);
  });

  it('knows when the first allowance was confirmed', () => {
    assert.equal(firstConfirmationBy(allowances, '2018-07-19'), null);
    assert.equal(firstConfirmationBy(allowances, '2018-07-20'), '2018-07-20');
    assert.equal(firstConfirmationBy(allowances, '2019-01-01'), '2018-07-20');
  });
});
