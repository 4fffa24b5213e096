// Worker thread of split-scan.ts: scans the second part of a snapshot file — the header first, then
// the bytes from the cut to the end, read straight from the file descriptor the main thread opened —
// and hands over what it found. Rejected rows go back in batches as they are found, numbered by
// this part's own lines (the main thread renumbers them once it knows where the part starts).
import { readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { createReportingScanner, type RejectionsMessage, type ScanSettings } from './reporting-scanner.ts';
import type { ScanPart } from '../format/scan-types.ts';

export interface ScanPartJob extends ScanSettings {
  fd: number;
  /** The header line's bytes (the file's first line, BOM and line end included). */
  header: Uint8Array;
  start: number;
  end: number;
}

export type ScanPartMessage = RejectionsMessage | { kind: 'progress'; bytes: number; rows: number } | { kind: 'part'; part: ScanPart };

const CHUNK = 1024 * 1024;
const PROGRESS_EVERY = 8 * CHUNK;

const job = workerData as ScanPartJob;
const port = parentPort!;
const { scanner, flush } = createReportingScanner(port, job, true);
scanner.push(Buffer.from(job.header));
const buffer = Buffer.allocUnsafe(CHUNK);
let position = job.start;
let reported = 0;
while (position < job.end) {
  const read = readSync(job.fd, buffer, 0, Math.min(CHUNK, job.end - position), position);
  if (read === 0) break;
  position += read;
  // After a refusal the part is of no use: the main thread will scan this stretch itself.
  if (!scanner.push(buffer.subarray(0, read))) break;
  if (position - reported >= PROGRESS_EVERY) {
    reported = position;
    port.postMessage({ kind: 'progress', bytes: position - job.start, rows: scanner.rows } satisfies ScanPartMessage);
  }
}
flush();
const part = scanner.endPart();
const transfer = part.devices.blocks.flat().map((block) => block.buffer as ArrayBuffer);
port.postMessage({ kind: 'part', part } satisfies ScanPartMessage, transfer);
