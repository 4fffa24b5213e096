// Inflates a gzip snapshot on a worker thread (inflate-worker.mjs) and feeds its text, as it
// arrives, to a scanner on this thread or to one on a worker of its own (worker-scan.ts).
// Inflating and scanning overlap: on 10 M rows (160 MB gzip, 2 cores) the import took about 2.9 s
// with zlib on libuv's pool, where it could only move on each time this thread went back to its
// event loop, and about 2.6 s like this.
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { ScanFatal, Scanner } from '../format/scan-types.ts';

/** Compressed bytes handed to the worker and not yet inflated before write() waits. */
const COMPRESSED_AHEAD = 4 * 1024 * 1024;
/** The text comes back in these shared slots: enough for zlib to keep ahead of the scanner. */
const TEXT_SLOTS = 8;
const TEXT_SLOT_BYTES = 1024 * 1024;

/** What the inflating worker sends whoever scans the text. */
export type TextMessage = { kind: 'text'; slot: number; length: number } | { kind: 'end' } | { kind: 'error'; code: string | undefined; message: string };

type FromWorker = { kind: 'consumed'; id: number } | TextMessage;

/** One end of the way the text goes from the inflating worker to a scanning one. */
export interface TextEnd {
  port: MessagePort;
  slots: SharedArrayBuffer[];
}

/** The two ends: the inflating worker's and the scanning worker's. */
export function textChannel(): { inflating: TextEnd; scanning: TextEnd } {
  const { port1, port2 } = new MessageChannel();
  const slots = Array.from({ length: TEXT_SLOTS }, () => new SharedArrayBuffer(TEXT_SLOT_BYTES));
  return { inflating: { port: port1, slots }, scanning: { port: port2, slots } };
}

export class Inflater {
  private readonly worker: Worker;
  /** The scanner on this thread, or null when the text goes to a scanning worker (and textSlots is empty). */
  private readonly scanner: Scanner | null;
  private readonly textSlots: Buffer[];
  private readonly done: Promise<void>;
  private finish: () => void = () => undefined;
  private crash: (err: Error) => void = () => undefined;
  /** Each piece written and not yet inflated, by its id: its size, and what to call once zlib is done with it. */
  private readonly lent = new Map<number, { bytes: number; consumed: (() => void) | undefined }>();
  private nextId = 0;
  private compressedAhead = 0;
  private roomWaiters: Array<() => void> = [];
  private broken = false;
  private ended = false;
  private errored = false;

  /**
   * The text goes to `scanner`, here, or through `text` to a scanning worker, which then also
   * judges how the gzip ends (a refusal for a broken one comes from it, not through `refuse`).
   */
  constructor(
    target: { scanner: Scanner } | { text: TextEnd },
    private readonly refuse: (fatal: ScanFatal) => void,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.finish = resolve;
      this.crash = reject;
    });
    // Nobody may be waiting yet; end() passes a crash on.
    this.done.catch(() => undefined);
    // Plain JavaScript: no need for the tsx loader the process may have been started with.
    const script = new URL('./inflate-worker.mjs', import.meta.url);
    if ('scanner' in target) {
      this.scanner = target.scanner;
      const slots = Array.from({ length: TEXT_SLOTS }, () => new SharedArrayBuffer(TEXT_SLOT_BYTES));
      this.textSlots = slots.map((slot) => Buffer.from(slot));
      this.worker = new Worker(script, { workerData: { slots }, execArgv: [] });
    } else {
      this.scanner = null;
      this.textSlots = [];
      const { port, slots } = target.text;
      this.worker = new Worker(script, { workerData: { slots, text: port }, transferList: [port], execArgv: [] });
    }
    this.worker.on('message', (message: FromWorker) => this.receive(message));
    this.worker.on('error', (err) => this.stop(err));
    this.worker.on('exit', (code) => this.stop(new Error(`the inflating worker stopped unexpectedly (exit code ${code})`)));
  }

  /** Hands compressed bytes over; resolves once more may follow. `consumed` runs when zlib is done with them. */
  async write(data: Uint8Array, consumed?: () => void): Promise<void> {
    if (this.broken || this.ended) {
      consumed?.();
      return;
    }
    const id = this.nextId++;
    this.lent.set(id, { bytes: data.byteLength, consumed });
    this.compressedAhead += data.byteLength;
    if (data.buffer instanceof SharedArrayBuffer) {
      // A shared slot is read where it is; it stays held until the worker says it is done with it.
      this.worker.postMessage({ kind: 'compressed', id, bytes: data });
    } else {
      const own = new Uint8Array(data);
      this.worker.postMessage({ kind: 'compressed', id, bytes: own }, [own.buffer]);
    }
    while (this.compressedAhead > COMPRESSED_AHEAD && !this.broken && !this.ended) {
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    }
  }

  /**
   * Ends the compressed stream and waits for its text to be scanned (here) or handed over (to a
   * scanning worker); a file cut short is refused here or by that worker.
   */
  async end(): Promise<void> {
    if (!this.broken && !this.ended) this.worker.postMessage({ kind: 'end' });
    await this.done;
  }

  destroy(): void {
    this.broken = true;
    this.close();
  }

  /**
   * zlib stopped with an error (damaged or cut-short data, or a text too large for its size): the
   * file will be refused, by this thread's scanner or the scanning worker, and no more of it is needed.
   */
  get failed(): boolean {
    return this.errored;
  }

  private receive(message: FromWorker): void {
    switch (message.kind) {
      case 'consumed': {
        const piece = this.lent.get(message.id);
        if (piece === undefined) return;
        this.lent.delete(message.id);
        this.compressedAhead -= piece.bytes;
        piece.consumed?.();
        if (this.compressedAhead <= COMPRESSED_AHEAD) this.wakeWriters();
        return;
      }
      case 'text': {
        if (this.broken || this.scanner === null) return;
        if (!this.scanner.push(this.textSlots[message.slot]!.subarray(0, message.length)) && this.scanner.fatal !== null) {
          this.broken = true;
          this.refuse(this.scanner.fatal);
          this.close();
          return;
        }
        this.worker.postMessage({ kind: 'scanned', slot: message.slot });
        return;
      }
      case 'end':
        this.ended = true;
        this.close();
        return;
      case 'error':
        this.ended = true;
        this.errored = true;
        // Every piece of text zlib gave before failing is scanned: the refusal names the line it reached.
        if (!this.broken && this.scanner !== null) {
          this.broken = true;
          this.refuse(brokenGzip(this.scanner, message));
        }
        this.close();
    }
  }

  /** A worker that failed by itself (not a zlib error: those are messages) fails the import. */
  private stop(err: Error): void {
    if (this.broken || this.ended) return;
    this.broken = true;
    this.releaseAll();
    this.crash(err);
  }

  private close(): void {
    this.releaseAll();
    this.finish();
    this.worker.terminate().catch(() => undefined);
  }

  /** Lets go of every slot still lent to the worker, and of every writer waiting for room. */
  private releaseAll(): void {
    for (const piece of this.lent.values()) piece.consumed?.();
    this.lent.clear();
    this.compressedAhead = 0;
    this.wakeWriters();
  }

  private wakeWriters(): void {
    const waiting = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiting) wake();
  }
}

/** Why inflating stopped (inflate-worker.mjs's error message), as a refusal naming the line the text had reached. */
export function brokenGzip(scanner: Pick<Scanner, 'line'>, err: { code: string | undefined; message: string }): ScanFatal {
  const line = scanner.line;
  let message: string;
  if (err.code === 'ERR_GZIP_EXPANSION') {
    message =
      `line ${line}: the gzip file expands ${err.message} by this line, where an inventory extract compresses about 5 times: ` +
      'this looks like a "gzip bomb", so it was not read further. Send the extract as it was written';
  } else if (err.code === 'Z_BUF_ERROR' || /unexpected end/i.test(err.message)) {
    message = `line ${line}: broken gzip: the file ends in the middle of its compressed data (it was cut short); the text stops on this line`;
  } else {
    message = `line ${line}: broken gzip: the compressed data is damaged (zlib: ${err.message}) somewhere after this line of the text`;
  }
  return { line, message };
}
