import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatProgressLine } from '../../../server/snapshots/progress-line.ts';

describe('the CLI progress line', () => {
  it('gives rows, megabytes of the whole, the share and both rates', () => {
    // 1 234 567 rows and 98.7 MB in 2 s: 49.35 MB/s and 617 283.5 rows/s.
    assert.equal(
      formatProgressLine({ rows: 1_234_567, bytes: 98_700_000, totalBytes: 805_000_000, seconds: 2 }),
      '1,234,567 rows, 98.7 MB of 805.0 MB (12 %), 49.4 MB/s, 617,284 rows/s',
    );
  });

  it('leaves out the share when the size is not known, and copes with no time yet', () => {
    assert.equal(formatProgressLine({ rows: 0, bytes: 0, totalBytes: null, seconds: 0 }), '0 rows, 0.0 MB, 0.0 MB/s, 0 rows/s');
  });
});
