import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDate, formatInstant, formatNumber } from '../../../server/templates/view-helpers.ts';

describe('formatting for people', () => {
  it('writes numbers with thousands separators', () => {
    assert.equal(formatNumber(1234567), '1,234,567');
    assert.equal(formatNumber(12.345, 1), '12.3');
    assert.equal(formatNumber(null), '—');
  });

  it('writes dates as 31 Dec 2018', () => {
    assert.equal(formatDate('2018-12-31'), '31 Dec 2018');
    assert.equal(formatDate('2019-01-05'), '5 Jan 2019');
  });

  it('writes instants in London time, whatever the machine zone', () => {
    // 2026-07-01 12:30 UTC is 13:30 British Summer Time; 2026-12-01 12:30 UTC is 12:30 GMT.
    assert.equal(formatInstant('2026-07-01 12:30:00.000'), '1 Jul 2026 13:30');
    assert.equal(formatInstant('2026-12-01 12:30:00.000'), '1 Dec 2026 12:30');
    assert.equal(formatInstant('2018-09-24 12:00:00.000'), '24 Sep 2018 13:00', 'the same month names as dates');
  });
});
