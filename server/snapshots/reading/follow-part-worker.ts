// Worker thread of spool-scan.ts: scans the second part of an upload while it is still arriving,
// reading its copy on disk behind the thread that writes it (hash-worker.mjs), as far as the
// shared spool state says is written. It reads the header (the copy's first line), finds the
// first line start at or after `from` (the cut), tells the main thread where that is, then scans
// from there to the end and hands over what it found, as scan-part-worker.ts does for a file.
// No cut (a header with quotes or longer than HEAD_BYTES, or no line break after `from`): it says
// so and stops, and the main thread scans the whole upload itself.
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
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

function run(): void {
  const headEnd = available(HEAD_BYTES);
  if (headEnd === null) return;
  const fd = openSync(job.path, 'r');
  try {
    const head = Buffer.allocUnsafe(HEAD_BYTES);
    const headRead = readSync(fd, head, 0, headEnd, 0);
    const headerEnd = head.subarray(0, headRead).indexOf(LF) + 1;
    if (headerEnd === 0 || head.subarray(0, headerEnd).includes(QUOTE)) {
      port.postMessage({ kind: 'start', at: null } satisfies FollowPartMessage);
      return;
    }
    const header = Buffer.from(head.subarray(0, headerEnd));
    const buffer = Buffer.allocUnsafe(CHUNK);
    let position = Math.max(job.from, headerEnd);
    let start: number | null = null;
    while (start === null) {
      const to = available(position + HEAD_BYTES);
      if (to === null) return;
      if (to <= position) break;
      const read = readSync(fd, buffer, 0, to - position, position);
      if (read === 0) break;
      const found = buffer.subarray(0, read).indexOf(LF);
      if (found >= 0) start = position + found + 1;
      position += read;
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
      const to = available(position + CHUNK);
      if (to === null) return;
      if (to <= position) break;
      const read = readSync(fd, buffer, 0, to - position, position);
      if (read === 0) break;
      position += read;
      // After a refusal the part is of no use: the main thread will scan this stretch itself.
      if (!scanner.push(buffer.subarray(0, read))) break;
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
    closeSync(fd);
  }
}

run();
