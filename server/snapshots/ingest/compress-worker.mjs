// Worker thread of archive.ts: compresses a raw archive copy into a temporary file, hashing what
// it reads, synced before it answers — at the lowest CPU priority, so that an import or a page
// running beside it on the same cores is not slowed by it.
//
// The priority is this thread's alone: on Linux a nice value belongs to a thread, so
// os.setPriority(19) here leaves the process's other threads as they were. That is also why the
// compression is synchronous (zlib's asynchronous calls would run on libuv's shared pool, at
// normal priority): each piece is compressed here, on this thread, as a gzip member of its own.
// A file of members one after another is one gzip file (RFC 1952 §2.2); every reader of the
// archive (gunzip, zcat, Node's createGunzip, DuckDB) reads it whole. Pieces of 8 MiB cost about
// 0.01 % of size against one member, since deflate looks back only 32 KiB anyway.
// Plain JavaScript, started the same way from the sources and from the build (see start-worker.ts).
//
// In (workerData): { raw: path, temp: path, level: number }
// Out: { sha256, bytes, written } or { error, code }
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';

const PIECE = 8 * 1024 * 1024;

/** @type {{ raw: string, temp: string, level: number }} */
const { raw, temp, level } = workerData;
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);

try {
  setPriority(19);
} catch {
  // Not allowed here (some containers): compressed at the usual priority, still one at a time.
}

let input = -1;
let output = -1;
try {
  input = openSync(raw, 'r');
  output = openSync(temp, 'w');
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(PIECE);
  let bytes = 0;
  let written = 0;
  for (;;) {
    let filled = 0;
    while (filled < PIECE) {
      const read = readSync(input, buffer, filled, PIECE - filled, bytes + filled);
      if (read === 0) break;
      filled += read;
    }
    if (filled === 0 && bytes > 0) break;
    const piece = buffer.subarray(0, filled);
    hash.update(piece);
    const member = gzipSync(piece, { level });
    for (let at = 0; at < member.length;) at += writeSync(output, member, at, member.length - at);
    bytes += filled;
    written += member.length;
    if (filled < PIECE) break;
  }
  // Synced before the rename that follows, because after it the raw copy is deleted.
  fsyncSync(output);
  port.postMessage({ sha256: hash.digest('hex'), bytes, written });
} catch (err) {
  const e = /** @type {{ code?: unknown }} */ (err);
  port.postMessage({ error: err instanceof Error ? err.message : String(err), code: typeof e?.code === 'string' ? e.code : undefined });
} finally {
  if (input >= 0) closeSync(input);
  if (output >= 0) closeSync(output);
}
