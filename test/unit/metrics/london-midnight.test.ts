// The newest snapshot's as-of date starts at 00:00 Europe/London: GMT in winter, BST in summer,
// and on the days the clocks change, the offset of that midnight (before the 01:00 UTC change).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { londonMidnight } from '../../../server/metrics/app-metrics.ts';

describe('londonMidnight', () => {
  const cases: Array<[string, string]> = [
    ['2024-01-31', '2024-01-31T00:00:00Z'],
    ['2024-07-31', '2024-07-30T23:00:00Z'],
    // Spring forward at 01:00 UTC on 31 Mar 2024: its midnight is still GMT.
    ['2024-03-31', '2024-03-31T00:00:00Z'],
    ['2024-04-01', '2024-03-31T23:00:00Z'],
    // Fall back at 01:00 UTC on 27 Oct 2024: its midnight is still BST.
    ['2024-10-27', '2024-10-26T23:00:00Z'],
    ['2024-10-28', '2024-10-28T00:00:00Z'],
  ];
  for (const [date, instant] of cases) {
    it(`starts ${date} at ${instant}`, () => assert.equal(londonMidnight(date), Date.parse(instant)));
  }
});
