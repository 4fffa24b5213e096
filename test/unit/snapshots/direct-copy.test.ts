import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ArchiveWriter, SLOT_BYTES } from '../../../server/snapshots/reading/archive-writer.ts';
import { directSpan, openDirectCopy } from '../../../server/snapshots/reading/direct-io.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'direct-copy-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let made = 0;
const nextPath = (): string => path.join(dir, `copy-${++made}`);

/** Bytes no two places of which are alike over a block, so a misplaced block shows. */
function pattern(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 131 + (i >>> 12) * 7) & 255;
  return bytes;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Whether this folder's file system takes direct I/O (tmpfs and some others do not): the copy is then written directly. */
function takesDirectIo(): boolean {
  const probe = openDirectCopy(nextPath());
  probe?.discard();
  return probe !== null;
}

describe('the span read directly around a stretch of the copy', () => {
  it('starts and ends on 4096-byte blocks and says where the stretch begins in it', () => {
    assert.deepEqual(directSpan(0, 100), { at: 0, length: 4096, skip: 0 });
    assert.deepEqual(directSpan(4096, 8192), { at: 4096, length: 4096, skip: 0 });
    assert.deepEqual(directSpan(5000, 9000), { at: 4096, length: 8192, skip: 904 });
    assert.deepEqual(directSpan(1_048_575, 2_097_152), { at: 1_044_480, length: 1_052_672, skip: 4095 });
  });
});

describe('the archive copy written past the page cache', () => {
  const direct = takesDirectIo();

  it('holds exactly the bytes appended, whatever their length, with their SHA-256', async () => {
    // Lengths on and off block and slot boundaries: the last write is padded to a block and cut back.
    for (const length of [1, 4095, 4096, 4097, SLOT_BYTES, 3 * SLOT_BYTES + 17]) {
      const bytes = pattern(length);
      const copy = nextPath();
      const writer = new ArchiveWriter(copy, null, null, 1);
      assert.equal(writer.readBuffers !== null, direct, 'read buffers are given exactly when the copy is written directly');
      // In the pieces a socket gives, at odd offsets.
      for (let at = 0; at < length; at += 65_531) await writer.append(bytes.subarray(at, Math.min(at + 65_531, length)));
      const digest = await writer.finish();
      assert.equal(digest.bytes, length);
      assert.equal(digest.sha256, sha256(bytes));
      assert.equal(statSync(copy).size, length, `a copy of ${length} bytes`);
      assert.ok(readFileSync(copy).equals(bytes), `the copy of ${length} bytes holds them`);
    }
  });

  it('goes on the usual way after a short write in the middle, and still holds every byte', async () => {
    const bytes = pattern(2 * SLOT_BYTES + 5000);
    const copy = nextPath();
    const writer = new ArchiveWriter(copy, null, null);
    // A slot handed over part full (as a gzip file's short read may be): what follows starts off a block boundary.
    const slot = await writer.acquire();
    bytes.copy(slot.view, 0, 0, 1000);
    writer.submit(slot, 1000);
    writer.release(slot);
    await writer.append(bytes.subarray(1000));
    const digest = await writer.finish();
    assert.equal(digest.sha256, sha256(bytes));
    assert.ok(readFileSync(copy).equals(bytes));
  });

  it('copies a file the worker reads itself', async () => {
    const original = nextPath();
    const bytes = pattern(2 * SLOT_BYTES + 777);
    writeFileSync(original, bytes);
    const fd = openSync(original, 'r');
    try {
      const copy = nextPath();
      const digest = await new ArchiveWriter(copy, { fd, size: bytes.length }).finish();
      assert.equal(digest.sha256, sha256(bytes));
      assert.ok(readFileSync(copy).equals(bytes));
    } finally {
      closeSync(fd);
    }
  });

  it('removes the copy when stopped part way', async () => {
    const copy = nextPath();
    const writer = new ArchiveWriter(copy, null, null, 2);
    await writer.append(pattern(SLOT_BYTES + 3));
    await writer.abort();
    assert.throws(() => statSync(copy), { code: 'ENOENT' });
  });
});
