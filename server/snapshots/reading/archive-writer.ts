// Hashes a file's bytes (SHA-256) and copies them raw into a temporary archive file on a worker
// thread, while the calling thread scans them: the two overlap instead of adding up. A spooled
// upload's copy is written by one worker and hashed by another: those who scan it follow the
// writer (spool-scan.ts), and writing into fresh page cache cost a virtual machine here as much
// as the hash, so one after the other on one thread they held the scanners back. Measured (10 M
// rows, 789 MB by curl, six turns, taking turns to go first): 5.1 s until the answer, not 5.4 s.
//
// The copy is written with direct I/O where the file system allows it, past the page cache
// (direct-io.ts): the slots are then placed where direct I/O accepts them.
//
// The bytes travel in a fixed set of shared-memory slots: a file is read straight into a slot,
// scanned there and hashed there, with no copy and nothing left for the garbage collector; a
// stream's chunks are packed into slots. A slot returns to the pool when every holder (the
// worker, zlib still inflating it) has let go, so memory in flight never exceeds the slots.
import { closeSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { DIRECT_BLOCK, openDirectCopy, type AlignedBuffer, type DirectCopy } from './direct-io.ts';
import { spoolView, type SpoolView } from './spool-state.ts';

export const SLOT_BYTES = 1024 * 1024;
const SLOT_COUNT = 8;

type WorkerReply = { release: number } | { sha256: string; bytes: number } | { error: string; code?: string; path?: string };

export interface ArchiveDigest {
  sha256: string;
  bytes: number;
}

export interface Slot {
  readonly index: number;
  /** The slot's memory; a chunk uses its start. */
  readonly view: Buffer;
}

export class ArchiveWriter {
  private readonly workers: Worker[];
  private readonly slots: Slot[];
  private readonly refs = new Int32Array(SLOT_COUNT);
  private readonly free: number[] = [];
  private waiting: Array<() => void> = [];
  private failure: Error | null = null;
  private readonly digest: Promise<ArchiveDigest>;
  private finished: ((digest: ArchiveDigest) => void) | null = null;
  private finishFailed: ((err: Error) => void) | null = null;
  private closed = false;
  /** The slot being packed with stream chunks, and how full it is. */
  private packing: Slot | null = null;
  private packed = 0;
  /** How far the copy is written, when others read it back (spool-scan.ts). */
  private readonly spool: (SpoolView & { stop(): void }) | null;
  /** Called each time the worker has written another slot's bytes to the copy. */
  onWritten: (() => void) | null = null;
  /** The copy's descriptor for direct I/O (direct-io.ts), closed here once the workers are done; null when written the usual way. */
  private direct: DirectCopy | null;
  /**
   * Buffers for those who read the copy back (spool-scan.ts) with direct I/O, as many as asked
   * for, READ_BUFFER_BYTES each; null when the copy is not written directly (read it the usual way).
   */
  readonly readBuffers: AlignedBuffer[] | null;

  /**
   * `path`: where the raw copy goes (created; must not exist), or null to only hash. `source`: a
   * file descriptor the worker reads itself, first byte to `size` (no slots are used then).
   * `spool`: a spool-state.ts state the worker keeps up to date as it writes the copy.
   */
  constructor(
    private readonly path: string | null,
    private readonly source: { fd: number; size: number } | null = null,
    spool: SharedArrayBuffer | null = null,
    readers = 0,
  ) {
    this.spool = spool === null ? null : spoolView(spool);
    // The slots, the staging buffer a source is read into and the readers' buffers, all aligned
    // for direct I/O when it is to be had: found now, before the copy holds anything (see direct-io.ts).
    this.direct = path === null ? null : openDirectCopy(path);
    const memory = allocate(this.direct, source === null ? SLOT_COUNT : 0, source === null ? 0 : 1, readers);
    if (memory === null) {
      this.direct?.discard();
      this.direct = null;
    }
    const { slots: buffers, staging, reads } = memory ?? allocate(null, source === null ? SLOT_COUNT : 0, 0, 0)!;
    this.readBuffers = this.direct === null ? null : reads;
    this.slots = buffers.map((buffer, index) => ({ index, view: Buffer.from(buffer.buffer, buffer.offset, SLOT_BYTES) }));
    for (let i = buffers.length - 1; i >= 0; i--) this.free.push(i);
    this.digest = new Promise<ArchiveDigest>((resolve, reject) => {
      this.finished = resolve;
      this.finishFailed = reject;
    });
    // Nobody may be waiting yet; a failure is also thrown by the next call.
    this.digest.catch(() => undefined);
    // Plain JavaScript: no need for the tsx loader the process may have been started with.
    const url = new URL('./hash-worker.mjs', import.meta.url);
    // Only where others read the copy back behind the writer: elsewhere a second worker would cost
    // its memory (a gzip upload is within a few per cent of its limit) and save nothing.
    const split = source === null && path !== null && spool !== null;
    const shared = { slots: buffers.map((b) => b.buffer), offsets: buffers.map((b) => b.offset), source, staging: staging[0] ?? null };
    const direct = this.direct === null ? null : { fd: this.direct.fd, block: DIRECT_BLOCK };
    const jobs = split
      ? [
          { ...shared, path, spool, direct, hashing: false },
          { ...shared, path: null, spool: null, direct: null, hashing: true },
        ]
      : [{ ...shared, path, spool, direct }];
    this.workers = jobs.map((workerData) => new Worker(url, { workerData, execArgv: [] }));
    let ended = 0;
    let digest: ArchiveDigest | null = null;
    this.workers.forEach((worker, which) => {
      worker.on('message', (reply: WorkerReply) => {
        if ('release' in reply) {
          this.release(this.slots[reply.release]!);
          if (which === 0) this.onWritten?.();
        } else if ('sha256' in reply) {
          if (reply.sha256 !== '') digest = reply;
          if (++ended === this.workers.length) this.finished?.(digest!);
        } else this.fail(Object.assign(new Error(`could not write the archive copy: ${reply.error}`), { code: reply.code, path: reply.path }));
      });
      worker.on('error', (err) => this.fail(err));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`the archive worker stopped unexpectedly (exit code ${code})`));
      });
    });
  }

  /** Bytes written to the copy so far (given a spool state). */
  get written(): number {
    return this.spool?.written ?? 0;
  }

  /** A free slot, held once by the caller; waits while all are in use. */
  async acquire(): Promise<Slot> {
    for (;;) {
      if (this.failure) throw this.failure;
      const index = this.free.pop();
      if (index !== undefined) {
        this.refs[index] = 1;
        return this.slots[index]!;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /** One more holder of the slot (e.g. zlib until it has inflated it). */
  hold(slot: Slot): void {
    this.refs[slot.index]!++;
  }

  release(slot: Slot): void {
    // After abort() every slot is already free.
    if (this.refs[slot.index] === 0) return;
    if (--this.refs[slot.index]! > 0) return;
    this.free.push(slot.index);
    const wake = this.waiting.shift();
    wake?.();
  }

  /** Hands the first `length` bytes of a slot to the workers, each releasing it when done. */
  submit(slot: Slot, length: number): void {
    if (this.failure) throw this.failure;
    for (const worker of this.workers) {
      this.hold(slot);
      worker.postMessage({ slot: slot.index, length });
    }
  }

  /** Copies a chunk someone else owns into slots, handing each to the workers when full. */
  async append(chunk: Uint8Array): Promise<void> {
    let at = 0;
    while (at < chunk.byteLength) {
      if (this.packing === null) {
        this.packing = await this.acquire();
        this.packed = 0;
      }
      const n = Math.min(chunk.byteLength - at, SLOT_BYTES - this.packed);
      copyIntoShared(chunk.subarray(at, at + n), this.packing.view, this.packed);
      this.packed += n;
      at += n;
      if (this.packed === SLOT_BYTES) this.flushPacked();
    }
  }

  /** Waits for every byte to be hashed and written; the copy is closed (not synced: see archive.ts). */
  async finish(): Promise<ArchiveDigest> {
    if (this.source === null) {
      this.flushPacked();
      if (this.failure) throw this.failure;
      for (const worker of this.workers) worker.postMessage('end');
    }
    const digest = await this.digest;
    this.closed = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    this.closeDirect();
    return digest;
  }

  /** Stops the worker and deletes the temporary copy. Safe at any point, and twice. */
  async abort(): Promise<void> {
    this.closed = true;
    // Whoever reads the copy back stops waiting for more of it.
    this.spool?.stop();
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    this.closeDirect();
    if (this.path !== null) await unlink(this.path).catch(() => undefined);
    // Nothing will be submitted any more: every slot is free again, so a reader still finishing
    // (a read ahead, zlib letting go) cannot wait forever for one.
    this.packing = null;
    this.refs.fill(0);
    this.free.length = 0;
    for (let i = SLOT_COUNT - 1; i >= 0; i--) this.free.push(i);
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }

  /** The direct descriptor is this thread's to close, once no worker writes with it. */
  private closeDirect(): void {
    const direct = this.direct;
    this.direct = null;
    if (direct !== null) closeSync(direct.fd);
  }

  private flushPacked(): void {
    const slot = this.packing;
    if (slot === null) return;
    this.packing = null;
    if (this.packed > 0) this.submit(slot, this.packed);
    this.release(slot);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.spool?.stop();
    this.onWritten?.();
    this.finishFailed?.(this.failure);
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }
}

/** What a reader of the copy asks for at most: a megabyte and the blocks around it (direct-io.ts directSpan). */
export const READ_BUFFER_BYTES = SLOT_BYTES + 2 * DIRECT_BLOCK;

/**
 * The writer's shared memory: slots, staging buffers (a source read by the worker) and readers'
 * buffers; aligned for `direct`, or null when an alignment was not found; plain given no `direct`.
 */
function allocate(
  direct: DirectCopy | null,
  slots: number,
  staging: number,
  reads: number,
): { slots: AlignedBuffer[]; staging: AlignedBuffer[]; reads: AlignedBuffer[] } | null {
  const make = (count: number, bytes: number): AlignedBuffer[] | null => {
    const made: AlignedBuffer[] = [];
    for (let i = 0; i < count; i++) {
      const buffer = direct === null ? { buffer: new SharedArrayBuffer(bytes), offset: 0, bytes } : direct.aligned(bytes);
      if (buffer === null) return null;
      made.push(buffer);
    }
    return made;
  };
  const slotBuffers = make(slots, SLOT_BYTES);
  const stagingBuffers = make(staging, SLOT_BYTES);
  const readBuffers = make(reads, READ_BUFFER_BYTES);
  if (slotBuffers === null || stagingBuffers === null || readBuffers === null) return null;
  return { slots: slotBuffers, staging: stagingBuffers, reads: readBuffers };
}

/** A staging buffer for copyIntoShared: a socket's chunks are at most 64 KiB, larger ones go in pieces. */
const STAGE_BYTES = 256 * 1024;
const stage = Buffer.alloc(STAGE_BYTES + 8);

/**
 * Copies bytes into shared memory at `at`. V8 copies into a SharedArrayBuffer with relaxed atomic
 * stores, word by word only when source and target sit at the same offset modulo 8, and byte by
 * byte otherwise: an HTTP body's chunks start wherever the request's headers ended, so that slow
 * copy was the rule. Measured on a 789 MB curl upload: that copy cost the receiving thread 0.8 s
 * of CPU (on a slow day), against 0.2 s through a staging buffer placed to match the target's offset.
 */
export function copyIntoShared(source: Uint8Array, target: Buffer, at: number): void {
  if (((source.byteOffset - target.byteOffset - at) & 7) === 0) {
    target.set(source, at);
    return;
  }
  const shift = (target.byteOffset + at - stage.byteOffset) & 7;
  for (let done = 0; done < source.byteLength; done += STAGE_BYTES) {
    const piece = source.subarray(done, Math.min(done + STAGE_BYTES, source.byteLength));
    stage.set(piece, shift);
    target.set(stage.subarray(shift, shift + piece.byteLength), at + done);
  }
}
