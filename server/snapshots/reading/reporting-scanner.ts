// For a worker thread that scans: a scanner whose rejected rows go to the main thread in batches as
// they are found (one message per row would cost more than finding them), and the flush that sends
// the rest.
import type { MessagePort } from 'node:worker_threads';
import { createScanner } from '../format/scanner.ts';
import type { Scanner } from '../format/scan-types.ts';

export interface ScanSettings {
  implementationDate: string;
  mapRegister: string[] | null;
  /** The max-users setting; no limit when left out. */
  maxUsers?: number | undefined;
}

export interface RejectionsMessage {
  kind: 'rejections';
  /** [line, reason], in the order the scanner found them. */
  rows: Array<[number, string]>;
}

const REJECTIONS_PER_MESSAGE = 1000;

/** `part`: the scanner is fed the header and then a later part of the file (split-scan.ts), not the file's start. */
export function createReportingScanner(port: MessagePort, settings: ScanSettings, part = false): { scanner: Scanner; flush: () => void } {
  let pending: Array<[number, string]> = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    port.postMessage({ kind: 'rejections', rows: pending } satisfies RejectionsMessage);
    pending = [];
  };
  const scanner = createScanner({
    implementationDate: settings.implementationDate,
    mapRegister: settings.mapRegister === null ? undefined : new Set(settings.mapRegister),
    maxUsers: settings.maxUsers,
    sniffFileType: !part,
    onRejection: (line, reason) => {
      pending.push([line, reason]);
      if (pending.length >= REJECTIONS_PER_MESSAGE) flush();
    },
  });
  return { scanner, flush };
}
