// Worker thread of worker-scan.ts: scans a gzip snapshot's text as the inflating worker
// (inflate-worker.mjs) hands it over, through shared slots and a port between the two workers, so
// that the text never passes through the main thread. Rejected rows go to the main thread in
// batches as they are found (in the order a scanner on the main thread would give them), then the
// result; a refusal (broken quoting, broken gzip) is reported as soon as it is known.
//
// In (on the text port, from the inflating worker):
//      { kind: 'text', slot, length } | { kind: 'end' } | { kind: 'error', code, message }
// Out (on the text port): { kind: 'scanned', slot }
// Out (to the main thread): ScanWorkerMessage
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { brokenGzip, type TextMessage } from './inflater.ts';
import { createReportingScanner, type RejectionsMessage, type ScanSettings } from './reporting-scanner.ts';
import type { ScanFatal, ScanResult } from '../format/scan-types.ts';

export interface ScanWorkerJob extends ScanSettings {
  /** The text port's other end is the inflating worker's. */
  text: MessagePort;
  slots: SharedArrayBuffer[];
}

export type ScanWorkerMessage =
  | RejectionsMessage
  | { kind: 'progress'; rows: number }
  /** fatal: why the file is refused (the scanner's reason, or broken gzip), or null. */
  | { kind: 'result'; result: ScanResult; fatal: ScanFatal | null };

const PROGRESS_EVERY_BYTES = 8 * 1024 * 1024;

const job = workerData as ScanWorkerJob;
const main = parentPort!;
const views = job.slots.map((slot) => Buffer.from(slot));
const { scanner, flush } = createReportingScanner(main, job);
let reportedAt = 0;
let finished = false;

function finish(fatal: ScanFatal | null): void {
  finished = true;
  job.text.close();
  const result = scanner.end();
  flush();
  main.postMessage({ kind: 'result', result, fatal: fatal ?? result.fatal } satisfies ScanWorkerMessage);
}

job.text.on('message', (message: TextMessage) => {
  // Text already on its way when the file was refused.
  if (finished) return;
  switch (message.kind) {
    case 'text':
      if (!scanner.push(views[message.slot]!.subarray(0, message.length))) {
        finish(scanner.fatal);
        return;
      }
      job.text.postMessage({ kind: 'scanned', slot: message.slot });
      if (scanner.bytes - reportedAt >= PROGRESS_EVERY_BYTES) {
        reportedAt = scanner.bytes;
        main.postMessage({ kind: 'progress', rows: scanner.rows } satisfies ScanWorkerMessage);
      }
      return;
    case 'end':
      finish(null);
      return;
    case 'error':
      // Every piece of text zlib gave before failing is scanned: the refusal names the line it reached.
      finish(brokenGzip(scanner, message));
  }
});
