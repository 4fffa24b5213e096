// Worker thread of archive-writer.ts: SHA-256 of an upload's bytes and, when asked, their raw copy
// into the archive's temporary file, so neither costs the thread that scans the file. The bytes
// are read in place from shared slots, which the worker hands back as soon as it is done with them
// — or, for a file split between two scanning threads, read from the file itself. Given `spool`
// (a stream written to the copy while others read it back: spool-scan.ts), it says how far the
// copy is written after every write, and where it ends, for a reader on another thread to follow.
// Plain JavaScript, started the same way from the sources and from the build: a worker does not
// inherit the tsx loader the tests and `npm run dev` run the sources with (see start-worker.ts).
import { createHash } from 'node:crypto';
import { closeSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

// `hashing: false`: this worker only writes the copy (another hashes the same slots: see
// archive-writer.ts), and answers the end with an empty sha256. `direct`: the copy is open for
// direct I/O (direct-io.ts) on that descriptor, `offsets` says where each slot's aligned memory
// starts, and `staging` is an aligned buffer to read a `source` into.
/** @type {{ path: string | null, slots: SharedArrayBuffer[], offsets: number[], source: { fd: number, size: number } | null, spool: SharedArrayBuffer | null, hashing?: boolean, direct: { fd: number, block: number } | null, staging: { buffer: SharedArrayBuffer, offset: number, bytes: number } | null }} */
const { path, slots, offsets, source, spool, hashing = true, direct, staging } = workerData;
/** [bytes written, the copy's final size (-1 until known)]: see spool-state.ts. */
const spooled = spool ? new BigInt64Array(spool) : null;
const hash = createHash('sha256');
/** The copy's descriptor: the main thread's for direct writes (it closes that one), else this worker's own. */
/** @type {number | null} */
let fd = direct !== null ? direct.fd : path === null ? null : openSync(path, 'wx');
/** Still writing directly: every write so far started on a block boundary. */
let directly = direct !== null;
let bytes = 0;

/**
 * Writes `length` bytes from `memory` (aligned when direct) at the copy's end. A direct write is
 * rounded up to whole blocks, the excess cut off at the end (or overwritten by the next write); a
 * write that would start off a block boundary (a short one came before) goes on buffered.
 */
function writeOut(/** @type {ArrayBufferLike} */ memory, /** @type {number} */ offset, /** @type {number} */ length) {
  if (fd === null) return;
  let span = length;
  if (directly && bytes % direct.block !== 0) {
    fd = openSync(/** @type {string} */ (path), 'r+');
    directly = false;
  }
  if (directly) span = Math.ceil(length / direct.block) * direct.block;
  const view = new Uint8Array(memory, offset, span);
  for (let at = 0; at < span;) at += writeSync(fd, view, at, span - at, bytes + at);
}

/** Closes the copy, cut to the bytes written (a direct write may have gone past them). */
function closeCopy() {
  if (fd === null) return;
  if (direct !== null) ftruncateSync(fd, bytes);
  if (!directly) closeSync(fd);
  fd = null;
}

// A file the main thread opened: read it here, from start to end, on its own descriptor position.
if (source !== null) {
  try {
    const memory = staging ?? { buffer: new ArrayBuffer(1024 * 1024), offset: 0, bytes: 1024 * 1024 };
    const buffer = Buffer.from(memory.buffer, memory.offset, memory.bytes);
    while (bytes < source.size) {
      const read = readSync(source.fd, buffer, 0, Math.min(buffer.length, source.size - bytes), bytes);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
      writeOut(memory.buffer, memory.offset, read);
      bytes += read;
    }
    closeCopy();
    parentPort.postMessage({ sha256: hash.digest('hex'), bytes });
  } catch (err) {
    parentPort.postMessage(failure(err));
  }
}

parentPort.on('message', (/** @type {{ slot: number, length: number } | 'end'} */ message) => {
  try {
    if (message === 'end') {
      closeCopy();
      if (spooled !== null) {
        Atomics.store(spooled, 1, BigInt(bytes));
        Atomics.notify(spooled, 0);
      }
      parentPort.postMessage({ sha256: hashing ? hash.digest('hex') : '', bytes });
      return;
    }
    const memory = slots[message.slot];
    const offset = offsets[message.slot];
    if (hashing) hash.update(new Uint8Array(memory, offset, message.length));
    writeOut(memory, offset, message.length);
    bytes += message.length;
    if (spooled !== null) {
      Atomics.store(spooled, 0, BigInt(bytes));
      Atomics.notify(spooled, 0);
    }
    parentPort.postMessage({ release: message.slot });
  } catch (err) {
    if (fd !== null && !directly) {
      try {
        closeSync(fd);
      } catch {
        // already failing
      }
    }
    fd = null;
    parentPort.postMessage(failure(err));
  }
});

/** An error as a message: its code (ENOSPC, EIO…) and path go too, so the import can say which disk. */
function failure(/** @type {unknown} */ err) {
  const e = /** @type {{ message?: unknown, code?: unknown }} */ (err);
  return {
    error: err instanceof Error ? err.message : String(err),
    code: typeof e?.code === 'string' ? e.code : undefined,
    path: workerData.path ?? undefined,
  };
}
