// A large plain upload (HTTP), read, hashed and scanned on both cores as a file on disk is
// (split-scan.ts): this thread only moves the body's bytes into the archive's temporary copy
// (hashed and written by archive-writer.ts's worker) and, in between, scans the copy's first part
// behind the writer; a worker (follow-part-worker.ts) scans the rest behind the writer too, from
// the first line start after the cut, as soon as the body gets there. When this thread reaches the
// cut the two parts are put together exactly as split-scan.ts does (or, the guess wrong, this
// thread scans the rest itself), so the result is always that of one scanner on the bytes sent.
//
// Scanning the body as it came in, on this thread, held the body back to the scanner's pace, so a
// second scanner had nothing to start on until the first half was scanned. The copy is written and
// read back with direct I/O where the file system allows (direct-io.ts), each reader's next read
// running while it scans the last: on the virtual machines here the page cache of a new file
// cost as much CPU as a third of the scan. Memory stays at the slots in flight and four 1 MiB read
// buffers, whatever the size. Measured (10 M rows, 789 MB sent by curl, 2 cores, three turns):
// 2.5–2.8 s until the 201, against 4.5–5.3 s through the page cache, the server using 4.2 s of
// CPU instead of 5.7–6.4 s.
import { setImmediate } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import { PayloadTooLargeError } from '../../errors.ts';
import { ArchiveWriter, type ArchiveDigest } from './archive-writer.ts';
import { CopyReader, type AlignedBuffer } from './direct-io.ts';
import type { FollowPartJob, FollowPartMessage } from './follow-part-worker.ts';
import { RejectionStore } from './rejection-store.ts';
import type { SplitScanOptions } from './split-scan.ts';
import { newSpoolState, spoolView } from './spool-state.ts';
import { startWorker } from './start-worker.ts';
import { tooLargeMessage } from './too-large.ts';
import type { ScanFatal, ScanPart, ScanResult, Scanner } from '../format/scan-types.ts';

const CHUNK = 1024 * 1024;
/**
 * How much this thread scans before it looks at the socket again while the body is arriving. The
 * kernel holds only so much of a connection's unread bytes; scanned a megabyte at a time (about
 * 1.7 ms), the body came in at about 150 MB/s, and the second scanner waited for it.
 */
const SLICE = 128 * 1024;

export interface SpoolScanOptions {
  /** The whole body, its first bytes included (known not to be gzip). */
  chunks: AsyncIterable<Uint8Array>;
  /** About how many bytes the body holds (its Content-Length): where the cut goes. */
  expectedBytes: number;
  /** The temporary copy (created here). */
  archiveTo: string;
  scanner: Scanner;
  maxBytes?: number | undefined;
  drainOnRefusal?: boolean | undefined;
  onProgress?: ((bytes: number, rows: number) => void) | undefined;
  workers: Pick<SplitScanOptions, 'settings' | 'onRejection' | 'spillPath'>;
}

export interface SpooledRead {
  sha256: string;
  bytes: number;
  scan: ScanResult;
  fatal: ScanFatal | null;
  threads: 1 | 2;
}

/** The second scanner and what it has said so far. */
interface Follower {
  /** undefined until it has found the cut; null when there is none (this thread scans it all). */
  cut: number | null | undefined;
  progress: { bytes: number; rows: number };
  part: Promise<ScanPart | null>;
  waiting: RejectionStore;
  worker: Worker | null;
}

/**
 * Reads the body to its end (or to a refusal) and returns what was found. On a thrown error (the
 * body failed, too large, disk full) the temporary copy is removed.
 */
export async function readSpooled(options: SpoolScanOptions): Promise<SpooledRead> {
  const { scanner } = options;
  const spoolState = newSpoolState();
  // Buffers to read the copy back with, should it be written directly: this thread's two and the follower's two.
  const archive = new ArchiveWriter(options.archiveTo, null, spoolState, 4);
  let waiter: (() => void) | null = null;
  /** Wakes this thread's scanning when there is something new to look at. */
  const wake = (): void => {
    const resolve = waiter;
    waiter = null;
    resolve?.();
  };
  const nextEvent = (): Promise<void> => new Promise((resolve) => (waiter = resolve));
  archive.onWritten = wake;

  const follower = startFollower(options, spoolState, archive.readBuffers?.slice(2, 4) ?? null, wake);
  const state = {
    received: 0,
    /** The body is all in and written (its size then `received`). */
    complete: false,
    digest: null as ArchiveDigest | null,
    refused: null as ScanFatal | null,
    /** Why one side failed, for the other to stop too. */
    stopped: null as unknown,
  };
  const halt = (err: unknown): void => {
    state.stopped ??= err;
    // The follower may be waiting for bytes that will never come.
    spoolView(spoolState).stop();
    follower.worker?.terminate().catch(() => undefined);
    wake();
  };

  const receive = async (): Promise<void> => {
    try {
      for await (const chunk of options.chunks) {
        if (chunk.byteLength === 0) continue;
        state.received += chunk.byteLength;
        if (options.maxBytes !== undefined && state.received > options.maxBytes) throw new PayloadTooLargeError(tooLargeMessage(options.maxBytes));
        if (state.stopped !== null) return;
        if (state.refused !== null) {
          if (options.drainOnRefusal === true) continue;
          return;
        }
        await archive.append(chunk);
        options.onProgress?.(state.received, scanner.rows + follower.progress.rows);
      }
      if (state.refused !== null || state.stopped !== null) return;
      state.digest = await archive.finish();
      state.complete = true;
      wake();
    } catch (err) {
      halt(err);
      throw err;
    }
  };

  const copy = new CopyReader(options.archiveTo, archive.readBuffers?.slice(0, 2) ?? null, CHUNK);
  let position = 0;
  /** The read running ahead while the last chunk is scanned: the copy from `position` to `to`. */
  let ahead: { to: number; bytes: Promise<Buffer> } | null = null;
  const readFrom = (from: number, to: number): { to: number; bytes: Promise<Buffer> } => ({ to, bytes: copy.read(from, to) });
  /** Scans the copy from `position` up to `limit()` (or its end) as it is written; false once it is to go no further. */
  const scanUpTo = async (limit: () => number): Promise<boolean> => {
    for (;;) {
      if (state.stopped !== null || state.refused !== null) return false;
      const until = Math.min(limit(), state.complete ? state.received : Infinity);
      if (position >= until) return true;
      const available = Math.min(archive.written, until);
      if (available <= position && ahead === null) {
        await nextEvent();
        continue;
      }
      const read = ahead ?? readFrom(position, Math.min(position + CHUNK, available));
      ahead = null;
      const bytes = await read.bytes;
      const bytesRead = bytes.length;
      if (bytesRead !== read.to - position) throw new Error(`the upload's copy ended at byte ${position + bytesRead}, before the ${read.to} bytes written`);
      position += bytesRead;
      // The next read, as far as is written now, runs while these bytes are scanned.
      const next = Math.min(position + CHUNK, archive.written, until);
      if (next > position) ahead = readFrom(position, next);
      for (let at = 0; at < bytesRead; at += SLICE) {
        if (!scanner.push(bytes.subarray(at, Math.min(at + SLICE, bytesRead)))) {
          state.refused = scanner.fatal;
          halt(null);
          return false;
        }
        // While the body is still arriving, the socket is drained between slices (see SLICE).
        if (!state.complete && at + SLICE < bytesRead) await setImmediate();
      }
    }
  };

  const scan = async (): Promise<1 | 2> => {
    try {
      // Up to the cut; before the follower has found it, no further than where it may be.
      const nominal = cutFrom(options.expectedBytes);
      for (;;) {
        if (!(await scanUpTo(() => (follower.cut === undefined ? nominal : (follower.cut ?? Infinity))))) return 1;
        if (follower.cut !== undefined) break;
        await nextEvent();
      }
      if (typeof follower.cut === 'number' && position === follower.cut) {
        const found = await follower.part;
        if (state.stopped !== null) return 1;
        const offset = found === null ? 0 : scanner.line - found.firstLine;
        if (found !== null && found.fatal === null && scanner.atRowStart && scanner.absorb(found)) {
          for await (const batch of follower.waiting.batches(1000)) for (const r of batch) options.workers.onRejection(r.line + offset, r.reason);
          return 2;
        }
      }
      // No second part, or one that cannot be used (see split-scan.ts): this thread scans on to the end.
      follower.cut = null;
      follower.worker?.terminate().catch(() => undefined);
      await scanUpTo(() => Infinity);
      return 1;
    } catch (err) {
      halt(err);
      throw err;
    }
  };

  const [received, scanned] = await Promise.allSettled([receive(), scan()]);
  // A read still running ahead (the scan stopped) ends before the file is closed.
  await (ahead as { bytes: Promise<Buffer> } | null)?.bytes.catch(() => undefined);
  await copy.close();
  await follower.worker?.terminate();
  follower.waiting.dispose();
  try {
    if (received.status === 'rejected') throw received.reason;
    if (scanned.status === 'rejected') throw scanned.reason;
    const result = scanner.end();
    const fatal = state.refused ?? result.fatal;
    if (fatal !== null || state.digest === null) {
      await archive.abort();
      return { sha256: '', bytes: state.received, scan: result, fatal: fatal ?? { line: null, message: 'the upload stopped before its end' }, threads: 1 };
    }
    options.onProgress?.(state.received, result.rows);
    return { sha256: state.digest.sha256, bytes: state.digest.bytes, scan: result, fatal: null, threads: scanned.value };
  } catch (err) {
    await archive.abort();
    throw err;
  }
}

/**
 * Where the cut goes, as a share of the body: this thread also takes the body in, copies it into
 * the writer's slots and settles the duplicates at the end, and it scans in slices between reads
 * of the socket, so its part is smaller than a file's first part (split-scan.ts). Measured with
 * the copy read directly (10 M rows, 789 MB, curl, three turns each, taking turns): 0.35 gave
 * 2.62–2.94 s, 0.45 gave 2.64–2.76 s, 0.55 gave 2.73–2.79 s. (Through the page cache, whose cost
 * fell on the worker's side, 0.3 had been best.)
 */
export const SPOOL_FIRST_SHARE = 0.45;

/** Where the second part starts at the earliest. */
function cutFrom(expectedBytes: number): number {
  return Math.floor(expectedBytes * SPOOL_FIRST_SHARE);
}

function startFollower(options: SpoolScanOptions, spool: SharedArrayBuffer, read: AlignedBuffer[] | null, wake: () => void): Follower {
  const follower: Follower = {
    cut: undefined,
    progress: { bytes: 0, rows: 0 },
    part: Promise.resolve(null),
    waiting: new RejectionStore(options.workers.spillPath),
    worker: null,
  };
  const job: FollowPartJob = { ...options.workers.settings, path: options.archiveTo, spool, from: cutFrom(options.expectedBytes), read };
  try {
    follower.worker = startWorker(new URL('./follow-part-worker.ts', import.meta.url), { workerData: job });
  } catch {
    // A worker that cannot start costs time, not the import: this thread scans it all.
    follower.cut = null;
    return follower;
  }
  const worker = follower.worker;
  follower.part = new Promise<ScanPart | null>((resolve) => {
    const gone = (): void => {
      follower.cut ??= null;
      resolve(null);
      wake();
    };
    worker.on('message', (message: FollowPartMessage) => {
      if (message.kind === 'rejections') {
        for (const [line, reason] of message.rows) follower.waiting.add(line, reason);
      } else if (message.kind === 'progress') {
        follower.progress = { bytes: message.bytes, rows: message.rows };
      } else if (message.kind === 'start') {
        follower.cut = message.at;
        if (message.at === null) resolve(null);
        wake();
      } else {
        resolve(message.part);
        wake();
      }
    });
    worker.on('error', gone);
    worker.on('exit', gone);
  });
  return follower;
}
