// Scans a large plain snapshot file on two threads: this one takes the bytes up to a cut, a worker
// (scan-part-worker.ts) the bytes after it, as described at the top of scanner.ts. The worker
// starts at the first line break after the cut, assuming it is outside quotes; when this thread
// reaches the cut it knows. If it was, the worker's part is absorbed (its lines renumbered, its
// rejected rows passed on); if not — or the worker failed or found the file broken — this thread
// scans the rest itself, so the result is always exactly that of one scanner.
//
// Measured (10 M rows, 789 MB, 2 cores): one scanning thread takes about 1.3 s of the import, two
// about 0.7 s each; SHA-256 and the raw archive copy run on a third thread meanwhile.
import { read } from 'node:fs';
import { promisify } from 'node:util';
import type { Worker } from 'node:worker_threads';
import { startWorker } from './start-worker.ts';
import { RejectionStore } from './rejection-store.ts';
import type { ScanSettings } from './reporting-scanner.ts';
import type { ScanPartJob, ScanPartMessage } from './scan-part-worker.ts';
import type { ScanPart, Scanner } from '../format/scan-types.ts';

const readAt = promisify(read);
const CHUNK = 1024 * 1024;
const LF = 10;
/**
 * Where the cut goes, as a share of the file: this thread also finds the duplicates across the
 * whole file at the end, and the worker starts a little later (start-worker.ts), so this
 * thread's part is a little smaller.
 */
export const FIRST_SHARE = 0.47;

export interface SplitScanOptions {
  fd: number;
  size: number;
  /** The file's first line (the header), its line end included; it must hold no quote. */
  header: Uint8Array;
  /** This thread's scanner, fed nothing yet; its onRejection must be `onRejection`. */
  scanner: Scanner;
  onRejection: (line: number, reason: string) => void;
  settings: ScanSettings;
  /** Where the worker's rejected rows wait until their lines can be numbered. */
  spillPath: string;
  onProgress?: ((bytes: number, rows: number) => void) | undefined;
}

/**
 * Scans the whole file into options.scanner (end() is the caller's). Returns the number of threads
 * whose scanning counted: 2 when the worker's part was absorbed, 1 when this thread did it all.
 */
export async function scanInTwo(options: SplitScanOptions): Promise<1 | 2> {
  const { fd, size, scanner } = options;
  const cut = await lineStartAfter(fd, Math.max(options.header.byteLength, Math.floor(size * FIRST_SHARE)), size);
  if (cut >= size) {
    await scanRange(options, 0, size, () => ({ bytes: 0, rows: 0 }));
    return 1;
  }
  const job: ScanPartJob = {
    fd,
    header: options.header,
    start: cut,
    end: size,
    ...options.settings,
  };
  // A worker that fails costs time, not correctness: this thread scans its part instead.
  const worker = startedOrNull(() => startWorker(new URL('./scan-part-worker.ts', import.meta.url), { workerData: job }));
  if (worker === null) {
    await scanRange(options, 0, size, () => ({ bytes: 0, rows: 0 }));
    return 1;
  }
  const waiting = new RejectionStore(options.spillPath);
  const second = { bytes: 0, rows: 0 };
  const part = new Promise<ScanPart | null>((resolve) => {
    worker.on('message', (message: ScanPartMessage) => {
      if (message.kind === 'rejections') for (const [line, reason] of message.rows) waiting.add(line, reason);
      else if (message.kind === 'progress') Object.assign(second, { bytes: message.bytes, rows: message.rows });
      else resolve(message.part);
    });
    worker.on('error', () => resolve(null));
    worker.on('exit', () => resolve(null));
  });
  try {
    await scanRange(options, 0, cut, () => second);
    if (scanner.fatal !== null) return 1;
    const found = await part;
    const offset = found === null ? 0 : scanner.line - found.firstLine;
    if (found !== null && found.fatal === null && scanner.atRowStart && scanner.absorb(found)) {
      for await (const batch of waiting.batches(1000)) for (const r of batch) options.onRejection(r.line + offset, r.reason);
      options.onProgress?.(size, scanner.rows);
      return 2;
    }
    // The cut fell inside a quoted field, the worker could not finish, or the parts together name
    // more Users than allowed (this thread finds the line where the file passes the limit): scan on alone.
    await scanRange(options, cut, size, () => ({ bytes: 0, rows: 0 }));
    return 1;
  } finally {
    await worker.terminate();
    waiting.dispose();
  }
}

function startedOrNull(start: () => Worker): Worker | null {
  try {
    return start();
  } catch {
    return null;
  }
}

/** Feeds [from, to) of the file to this thread's scanner, reading the next chunk while one is scanned. */
async function scanRange(options: SplitScanOptions, from: number, to: number, other: () => { bytes: number; rows: number }): Promise<void> {
  const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
  const fill = (buffer: Buffer, position: number): Promise<number> =>
    position >= to ? Promise.resolve(0) : readAt(options.fd, buffer, 0, Math.min(CHUNK, to - position), position).then((r) => r.bytesRead);
  let position = from;
  let turn = 0;
  let next = fill(buffers[0]!, position);
  for (;;) {
    const bytesRead = await next;
    if (bytesRead === 0) return;
    const buffer = buffers[turn]!;
    position += bytesRead;
    turn ^= 1;
    next = fill(buffers[turn]!, position);
    if (!options.scanner.push(buffer.subarray(0, bytesRead))) {
      await next;
      return;
    }
    const elsewhere = other();
    try {
      options.onProgress?.(position + elsewhere.bytes, options.scanner.rows + elsewhere.rows);
    } catch (err) {
      // The import is stopping (its database went away): the read ahead must settle before the
      // file is closed under it, or its failure would be nobody's.
      await next.catch(() => undefined);
      throw err;
    }
  }
}

/** The position just after the first LF at or after `at`, or `size` when there is none. */
async function lineStartAfter(fd: number, at: number, size: number): Promise<number> {
  const buffer = Buffer.allocUnsafe(64 * 1024);
  for (let position = at; position < size;) {
    const { bytesRead } = await readAt(fd, buffer, 0, Math.min(buffer.length, size - position), position);
    if (bytesRead === 0) break;
    const found = buffer.subarray(0, bytesRead).indexOf(LF);
    if (found >= 0) return position + found + 1;
    position += bytesRead;
  }
  return size;
}
