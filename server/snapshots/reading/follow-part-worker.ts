// Worker thread of spool-scan.ts: scans the second part of an upload while it is still arriving,
// reading its copy on disk behind the thread that writes it (hash-worker.mjs), as far as the
// shared spool state says is written. It reads the header (the copy's first line), finds the
// first line start at or after `from` (the cut), tells the main thread where that is, then scans
// from there to the end and hands over what it found, as scan-part-worker.ts does for a file.
// The copy is read as it is written (directly, when it is written so: direct-io.ts), the next
// read running while the last is scanned.
// No cut (a header with quotes or longer than HEAD_BYTES, or no line break after `from`): it says
// so and stops, and the main thread scans the whole upload itself.
import { parentPort, workerData } from 'node:worker_threads';
import { CopyReader, type AlignedBuffer } from './direct-io.ts';
import { createReportingScanner, type RejectionsMessage, type ScanSettings } from './reporting-scanner.ts';
import { spoolView } from './spool-state.ts';
import type { ScanPart } from '../format/scan-types.ts';

export interface FollowPartJob extends ScanSettings {
  /** The copy being written. */
  path: string;
  /** Its spool-state.ts state. */
  spool: SharedArrayBuffer;
  /** The cut is the first line start after this byte. */
  from: number;
  /** Two buffers to read the copy into with direct I/O (it is written so: direct-io.ts); null to read it the usual way. */
  read: AlignedBuffer[] | null;
}

export type FollowPartMessage =
  RejectionsMessage | { kind: 'start'; at: number | null } | { kind: 'progress'; bytes: number; rows: number } | { kind: 'part'; part: ScanPart };

const CHUNK = 1024 * 1024;
const HEAD_BYTES = 64 * 1024;
const PROGRESS_EVERY = 8 * CHUNK;
const LF = 10;
const QUOTE = 34;
/** A wait is cut short this often, to look again at where the copy ends. */
const WAIT_MS = 10;

const job = workerData as FollowPartJob;
const port = parentPort!;
const spool = spoolView(job.spool);

/** Waits until `to` bytes are written, or the copy ends short of it; returns how far may be read, or null when the upload stopped. */
function available(to: number): number | null {
  for (;;) {
    if (spool.stopped) return null;
    const written = spool.written;
    const final = spool.final;
    if (written >= to || (final !== null && written >= final)) return Math.min(written, to);
    spool.waitBeyond(written, WAIT_MS);
  }
}

/** How far is written now, up to `to`, without waiting. */
function writtenUpTo(to: number): number {
  return Math.min(spool.written, to);
}

async function run(): Promise<void> {
  const headEnd = available(HEAD_BYTES);
  if (headEnd === null) return;
  const copy = new CopyReader(job.path, job.read, CHUNK);
  /** The read running ahead while the last chunk is scanned. */
  let ahead: Promise<Buffer> | null = null;
  try {
    const head = await copy.read(0, headEnd);
    const headerEnd = head.indexOf(LF) + 1;
    if (headerEnd === 0 || head.subarray(0, headerEnd).includes(QUOTE)) {
      port.postMessage({ kind: 'start', at: null } satisfies FollowPartMessage);
      return;
    }
    const header = Buffer.from(head.subarray(0, headerEnd));
    let position = Math.max(job.from, headerEnd);
    let start: number | null = null;
    while (start === null) {
      const to = available(position + HEAD_BYTES);
      if (to === null) return;
      if (to <= position) break;
      const bytes = await copy.read(position, to);
      if (bytes.length === 0) break;
      const found = bytes.indexOf(LF);
      if (found >= 0) start = position + found + 1;
      position += bytes.length;
    }
    if (start === null || start === spool.final) {
      port.postMessage({ kind: 'start', at: null } satisfies FollowPartMessage);
      return;
    }
    port.postMessage({ kind: 'start', at: start } satisfies FollowPartMessage);
    const { scanner, flush } = createReportingScanner(port, job, true);
    scanner.push(header);
    position = start;
    let reported = position;
    for (;;) {
      let bytes: Buffer;
      if (ahead !== null) {
        bytes = await ahead;
        ahead = null;
      } else {
        const to = available(position + CHUNK);
        if (to === null) return;
        if (to <= position) break;
        bytes = await copy.read(position, to);
      }
      if (bytes.length === 0) break;
      position += bytes.length;
      // The next read, as far as is written now, runs while these bytes are scanned.
      const next = writtenUpTo(position + CHUNK);
      if (next > position) ahead = copy.read(position, next);
      // After a refusal the part is of no use: the main thread will scan this stretch itself.
      if (!scanner.push(bytes)) break;
      if (position - reported >= PROGRESS_EVERY) {
        reported = position;
        port.postMessage({ kind: 'progress', bytes: position - start, rows: scanner.rows } satisfies FollowPartMessage);
      }
    }
    flush();
    const part = scanner.endPart();
    const transfer = part.devices.blocks.flat().map((block) => block.buffer as ArrayBuffer);
    port.postMessage({ kind: 'part', part } satisfies FollowPartMessage, transfer);
  } finally {
    await ahead?.catch(() => undefined);
    await copy.close();
  }
}

await run();
