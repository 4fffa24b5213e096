// Reading a snapshot's bytes once: gzip recognised by its magic bytes however the bytes arrive,
// the hash and the raw copy of exactly the bytes sent, and the scanner fed the text.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { PayloadTooLargeError } from '../../../server/http/errors.ts';
import { readSnapshot } from '../../../server/snapshots/read-snapshot.ts';
import { createScanner } from '../../../server/snapshots/scanner.ts';
import { file, row } from './scan-helpers.ts';

const TEXT = file(...Array.from({ length: 30_000 }, (_, i) => row(i + 1)));
const SMALL = file(...Array.from({ length: 300 }, (_, i) => row(i + 1)));
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function* pieces(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

describe('readSnapshot', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bfm-read-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const scanner = () => createScanner({ implementationDate: '2018-06-28', onRejection: () => undefined });

  for (const [name, bytes, small] of [
    ['plain', Buffer.from(TEXT), Buffer.from(SMALL)],
    ['gzip', gzipSync(TEXT), gzipSync(SMALL)],
  ] as const) {
    for (const size of [1, 3, 4096, 1 << 20]) {
      it(`hashes, copies and scans a ${name} stream sent in pieces of ${size} bytes`, async () => {
        const copy = path.join(dir, `${name}-${size}.part`);
        // In tiny pieces, a smaller file: the point is the boundaries, not the size.
        const sent = size <= 3 ? small : bytes;
        const result = await readSnapshot({ kind: 'stream', chunks: pieces(sent, size) }, { scanner: scanner(), archiveTo: copy });
        assert.equal(result.fatal, null);
        assert.equal(result.gzip, name === 'gzip');
        assert.equal(result.bytes, sent.length);
        assert.equal(result.sha256, sha(sent));
        assert.deepEqual(readFileSync(copy), Buffer.from(sent));
        assert.equal(result.scan.rows, size <= 3 ? 300 : 30_000);
      });
    }
    it(`reads a ${name} file from disk the same way`, async () => {
      const source = path.join(dir, `source.${name}`);
      writeFileSync(source, bytes);
      const progress: number[] = [];
      const result = await readSnapshot({ kind: 'file', path: source }, { scanner: scanner(), archiveTo: null, onProgress: (b) => progress.push(b) });
      assert.equal(result.sha256, sha(bytes));
      assert.equal(result.scan.rows, 30_000);
      assert.equal(progress.at(-1), bytes.length);
    });
  }

  it('takes a file of one byte as plain text (and it is refused: no header row)', async () => {
    const result = await readSnapshot({ kind: 'stream', chunks: pieces(Buffer.from('x'), 1) }, { scanner: scanner(), archiveTo: null });
    assert.equal(result.gzip, false);
    assert.match(result.fatal?.message ?? '', /^line 1: no header/);
  });

  it('stops at the limit with PayloadTooLargeError and removes its copy', async () => {
    const copy = path.join(dir, 'limit.part');
    await assert.rejects(
      readSnapshot({ kind: 'stream', chunks: pieces(Buffer.from(TEXT), 65_536) }, { scanner: scanner(), archiveTo: copy, maxBytes: 100_000 }),
      (err: unknown) => err instanceof PayloadTooLargeError && /larger than the 97\.7 KiB/.test(err.message),
    );
    assert.ok(!existsSync(copy));
  });

  it('removes its copy when the file is refused, and can read the rest of a stream to its end', async () => {
    const copy = path.join(dir, 'refused.part');
    const broken = Buffer.from(TEXT.replace(row(100), row(100, { map_id: '"x"y' })));
    let pulled = 0;
    function* counted(): Generator<Uint8Array> {
      for (const piece of pieces(broken, 10_000)) {
        pulled += piece.length;
        yield piece;
      }
    }
    const result = await readSnapshot({ kind: 'stream', chunks: counted() }, { scanner: scanner(), archiveTo: copy, drainOnRefusal: true });
    assert.match(result.fatal?.message ?? '', /^line 101: broken quoting/);
    assert.equal(pulled, broken.length, 'read to the end');
    assert.ok(!existsSync(copy));
  });
});
