// How far a spooled upload (spool-scan.ts) has been written to its copy on disk, shared between
// the thread writing it (hash-worker.mjs), the main thread and a worker reading it back behind the
// writer (follow-part-worker.ts): [bytes written, the final size], in shared memory, the final size
// SPOOL_OPEN until the last byte is written, SPOOL_STOPPED when the upload went no further.

export const SPOOL_OPEN = -1n;
export const SPOOL_STOPPED = -2n;

export function newSpoolState(): SharedArrayBuffer {
  const state = new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT);
  new BigInt64Array(state)[1] = SPOOL_OPEN;
  return state;
}

export interface SpoolView {
  /** Bytes written so far. */
  readonly written: number;
  /** The copy's size once every byte is written, else null. */
  readonly final: number | null;
  readonly stopped: boolean;
}

export function spoolView(state: SharedArrayBuffer): SpoolView & { stop(): void; waitBeyond(written: number, timeoutMs: number): void } {
  const cells = new BigInt64Array(state);
  return {
    get written() {
      return Number(Atomics.load(cells, 0));
    },
    get final() {
      const end = Atomics.load(cells, 1);
      return end >= 0n ? Number(end) : null;
    },
    get stopped() {
      return Atomics.load(cells, 1) === SPOOL_STOPPED;
    },
    stop() {
      Atomics.store(cells, 1, SPOOL_STOPPED);
      Atomics.notify(cells, 0);
    },
    /** Blocks (a worker only) until more than `written` bytes are written, the end is set, or the time passes. */
    waitBeyond(written: number, timeoutMs: number) {
      Atomics.wait(cells, 0, BigInt(written), timeoutMs);
    },
  };
}
