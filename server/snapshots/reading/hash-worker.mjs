// Worker thread of archive-writer.ts: SHA-256 of an upload's bytes and, when asked, their raw copy
// into the archive's temporary file, so neither costs the thread that scans the file. The bytes
// are read in place from shared slots, which the worker hands back as soon as it is done with them
// — or, for a file split between two scanning threads, read from the file itself. Given `spool`
// (a stream written to the copy while others read it back: spool-scan.ts), it says how far the
// copy is written after every write, and where it ends, for a reader on another thread to follow.
// Plain JavaScript, started the same way from the sources and from the build: a worker does not
// inherit the tsx loader the tests and `npm run dev` run the sources with (see start-worker.ts).
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

// `hashing: false`: this worker only writes the copy (another hashes the same slots: see
// archive-writer.ts), and answers the end with an empty sha256.
/** @type {{ path: string | null, slots: SharedArrayBuffer[], source: { fd: number, size: number } | null, spool: SharedArrayBuffer | null, hashing?: boolean }} */
const { path, slots, source, spool, hashing = true } = workerData;
/** [bytes written, the copy's final size (-1 until known)]: see spool-state.ts. */
const spooled = spool ? new BigInt64Array(spool) : null;
const hash = createHash('sha256');
/** @type {number | null} */
let fd = path === null ? null : openSync(path, 'wx');
let bytes = 0;

// A file the main thread opened: read it here, from start to end, on its own descriptor position.
if (source !== null) {
  try {
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    while (bytes < source.size) {
      const read = readSync(source.fd, buffer, 0, Math.min(buffer.length, source.size - bytes), bytes);
      if (read === 0) break;
      const chunk = buffer.subarray(0, read);
      hash.update(chunk);
      if (fd !== null) {
        for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at, chunk.length - at);
      }
      bytes += read;
    }
    if (fd !== null) closeSync(fd);
    fd = null;
    parentPort.postMessage({ sha256: hash.digest('hex'), bytes });
  } catch (err) {
    parentPort.postMessage(failure(err));
  }
}

parentPort.on('message', (/** @type {{ slot: number, length: number } | 'end'} */ message) => {
  try {
    if (message === 'end') {
      if (fd !== null) closeSync(fd);
      fd = null;
      if (spooled !== null) {
        Atomics.store(spooled, 1, BigInt(bytes));
        Atomics.notify(spooled, 0);
      }
      parentPort.postMessage({ sha256: hashing ? hash.digest('hex') : '', bytes });
      return;
    }
    const chunk = new Uint8Array(slots[message.slot], 0, message.length);
    if (hashing) hash.update(chunk);
    if (fd !== null) {
      for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at, chunk.length - at);
    }
    bytes += chunk.length;
    if (spooled !== null) {
      Atomics.store(spooled, 0, BigInt(bytes));
      Atomics.notify(spooled, 0);
    }
    parentPort.postMessage({ release: message.slot });
  } catch (err) {
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        // already failing
      }
      fd = null;
    }
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
