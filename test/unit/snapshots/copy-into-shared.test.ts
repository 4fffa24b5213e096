import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { copyIntoShared } from '../../../server/snapshots/reading/archive-writer.ts';

describe('copying an upload chunk into a shared slot', () => {
  it('puts every byte where it belongs, whatever the two offsets and the size', () => {
    const source = Buffer.alloc(700 * 1024 + 13);
    for (let i = 0; i < source.length; i++) source[i] = (i * 131 + (i >>> 9)) & 255;
    const slot = Buffer.from(new SharedArrayBuffer(1024 * 1024));
    // Sizes below and above the staging buffer (256 KiB), offsets at every remainder modulo 8.
    for (const size of [1, 7, 64 * 1024 + 3, 300 * 1024 + 5, 700 * 1024]) {
      for (let from = 0; from < 8; from++) {
        for (const at of [0, 1, 5, 8, 12345, 1024 * 1024 - size - from]) {
          if (at < 0 || at + size > slot.length) continue;
          slot.fill(0xee);
          const piece = source.subarray(from, from + size);
          copyIntoShared(piece, slot, at);
          assert.ok(slot.subarray(at, at + size).equals(piece), `size ${size}, from ${from}, at ${at}`);
          // Nothing outside the target range is touched.
          if (at > 0) assert.equal(slot[at - 1], 0xee);
          if (at + size < slot.length) assert.equal(slot[at + size], 0xee);
        }
      }
    }
  });
});
