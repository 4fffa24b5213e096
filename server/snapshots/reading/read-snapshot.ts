// Reads a snapshot file's bytes once: hash and raw archive copy (archive-writer.ts, off this
// thread), gzip recognised by its magic bytes and inflated on a worker (inflater.ts), and the scanner on the
// text — on this thread, or (given `workers`) on worker threads: a large plain file split between
// this thread and a worker (split-scan.ts), a gzip file's text on a worker of its own fed by the
// inflating one (worker-scan.ts). Memory stays flat whatever the file's size, except for what the
// scanner needs to find duplicate devices.
import { open } from 'node:fs/promises';
export { formatBytes } from './too-large.ts';
import { PayloadTooLargeError } from '../../errors.ts';
import { ArchiveWriter, SLOT_BYTES, type Slot } from './archive-writer.ts';
import { fileTypeSentence } from '../format/file-type.ts';
import { Inflater, textChannel } from './inflater.ts';
import type { ScanFatal, ScanResult, Scanner } from '../format/scan-types.ts';
import { scanInTwo, type SplitScanOptions } from './split-scan.ts';
import { readSpooled } from './spool-scan.ts';
import { tooLargeMessage } from './too-large.ts';
import { WorkerScan } from './worker-scan.ts';

/**
 * A file on disk (read straight into shared slots), or any stream of chunks (copied into them),
 * with, when it is known, about how many bytes it holds (an HTTP body's Content-Length).
 */
export type ByteSource =
  { kind: 'file'; path: string } | { kind: 'stream'; chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>; expectedBytes?: number | undefined };

export interface ReadOptions {
  scanner: Scanner;
  /** Temporary file for the raw copy (created here); null when the caller archives the file itself. */
  archiveTo: string | null;
  /** Refuse with PayloadTooLargeError past this many bytes (as sent, before inflating). */
  maxBytes?: number | undefined;
  /** After each chunk: bytes read as sent, data rows scanned so far. */
  onProgress?: ((bytes: number, rows: number) => void) | undefined;
  /**
   * Keep reading (and dropping) the rest once the file is refused, so that an HTTP client still
   * sending gets its answer instead of a reset connection.
   */
  drainOnRefusal?: boolean | undefined;
  /**
   * Lets the scanning move to worker threads (see the top of this file): the rules the scanner
   * was made with, the onRejection it was given, and a spill file for a second thread's rejected
   * rows. `scanner` then scans only what is left to this thread, if anything.
   */
  workers?: Pick<SplitScanOptions, 'settings' | 'onRejection' | 'spillPath'> | undefined;
}

export interface ReadResult {
  sha256: string;
  /** Bytes as sent (compressed, for a gzip file). */
  bytes: number;
  gzip: boolean;
  scan: ScanResult;
  /** Why the whole file is refused: the scanner's reason, or broken gzip. */
  fatal: ScanFatal | null;
  /** Threads whose scanning counted (2 for a large plain file split between two). */
  threads: 1 | 2;
}

/** Gzip's magic bytes (RFC 1952). */
const GZIP_ID1 = 0x1f;
const GZIP_ID2 = 0x8b;

interface Chunk {
  data: Uint8Array;
  /** The shared slot the data is in (file sources), held once for the reader; null for a stream's own chunk. */
  slot: Slot | null;
}

/**
 * Reads the source to its end (or to a refusal) and returns what was found. On a thrown error
 * (source failed, too large, disk full) the temporary archive file is removed.
 */
export async function readSnapshot(source: ByteSource, options: ReadOptions): Promise<ReadResult> {
  if (source.kind === 'file' && options.workers !== undefined) {
    const inTwo = await readInTwo(source.path, options, options.workers);
    if (inTwo !== null) return inTwo;
  }
  if (source.kind === 'stream' && options.workers !== undefined && options.archiveTo !== null && (source.expectedBytes ?? 0) >= SPLIT_MIN_BYTES) {
    // A large plain body is spooled and scanned on two threads (spool-scan.ts); gzip goes on below.
    const { head, chunks } = await peek(source.chunks, 2);
    if (!(head[0] === GZIP_ID1 && head[1] === GZIP_ID2) && head.byteLength >= 2) {
      const read = await readSpooled({ ...options, archiveTo: options.archiveTo, workers: options.workers, chunks, expectedBytes: source.expectedBytes! });
      return { ...read, gzip: false };
    }
    source = { kind: 'stream', chunks };
  }
  const { scanner } = options;
  const archive = new ArchiveWriter(options.archiveTo);
  let bytes = 0;
  let gzip: boolean | null = null;
  let head: Uint8Array | null = null;
  let inflater: Inflater | null = null;
  /** The gzip text's scanner, when it is on a worker. */
  let elsewhere: WorkerScan | null = null;
  /** Set by the scanning worker's crash (from a callback, hence not a plain variable TypeScript would narrow). */
  const crash: { error: Error | null } = { error: null };
  let refused: ScanFatal | null = null;
  const refuse = (fatal: ScanFatal): void => {
    refused ??= fatal;
  };
  const rows = (): number => (elsewhere !== null ? elsewhere.rows : scanner.rows);
  const chunks = source.kind === 'file' ? fileChunks(archive, source.path) : streamChunks(source.chunks);

  try {
    for await (const chunk of chunks) {
      const { slot } = chunk;
      try {
        bytes += chunk.data.byteLength;
        if (options.maxBytes !== undefined && bytes > options.maxBytes) {
          throw new PayloadTooLargeError(tooLargeMessage(options.maxBytes));
        }
        if (crash.error !== null) throw crash.error;
        // A gzip file zlib gave up on is refused once the scanning worker says so: no need to wait for it.
        if (refused !== null || inflater?.failed === true) {
          if (options.drainOnRefusal === true) continue;
          break;
        }
        let data = chunk.data;
        let dataSlot = slot;
        if (gzip === null) {
          // Two bytes decide; a first chunk of one byte waits for the next.
          if (head !== null) {
            data = concat(head, data);
            dataSlot = null;
          }
          if (data.byteLength < 2) {
            head = new Uint8Array(data);
            continue;
          }
          head = null;
          gzip = data[0] === GZIP_ID1 && data[1] === GZIP_ID2;
          if (gzip && options.workers !== undefined) {
            const text = textChannel();
            try {
              elsewhere = WorkerScan.start({
                settings: options.workers.settings,
                text: text.scanning,
                onRejection: options.workers.onRejection,
                // Either way zlib may be waiting for text slots the worker will never give back, and
                // this thread for zlib to take more: the inflater lets go of both.
                onRefusal: (fatal) => {
                  refuse(fatal);
                  inflater?.destroy();
                },
                onCrash: (err) => {
                  crash.error = err;
                  inflater?.destroy();
                },
              });
            } catch {
              // A worker that cannot start costs time, not the import: the text is scanned here.
              text.inflating.port.close();
            }
            if (elsewhere !== null) inflater = new Inflater({ text: text.inflating }, refuse);
          }
          if (gzip && inflater === null) inflater = new Inflater({ scanner }, refuse);
        }
        if (inflater !== null) {
          if (dataSlot !== null) {
            // zlib reads the slot until it has inflated it.
            const held = dataSlot;
            archive.hold(held);
            await inflater.write(data, () => archive.release(held));
          } else {
            await inflater.write(data);
          }
        } else if (!scanner.push(data) && scanner.fatal !== null) {
          refuse(scanner.fatal);
        }
        if (refused !== null) {
          await archive.abort();
          continue;
        }
        if (dataSlot !== null) archive.submit(dataSlot, data.byteLength);
        else await archive.append(data);
        options.onProgress?.(bytes, rows());
      } finally {
        if (slot !== null) archive.release(slot);
      }
    }
    if (refused === null) {
      if (head !== null) {
        // A one-byte file: not gzip, and too short to be anything but a refusal.
        gzip = false;
        scanner.push(head);
        await archive.append(head);
      }
      // A gzip file cut short is refused here (or by the scanning worker).
      if (inflater !== null) await inflater.end();
    } else {
      inflater?.destroy();
    }
    let scan: ScanResult;
    if (elsewhere !== null) {
      // Refused or not, the worker reports what it scanned; a crash throws.
      const outcome = await elsewhere.finish();
      scan = outcome.result;
      if (outcome.fatal !== null) refuse(outcome.fatal);
    } else {
      scan = scanner.end();
    }
    if (refused === null && scan.fatal !== null) refuse(scan.fatal);
    if (refused !== null) {
      await archive.abort();
      return { sha256: '', bytes, gzip: gzip === true, scan, fatal: gzip === true ? saidOfGzip(refused) : refused, threads: 1 };
    }
    options.onProgress?.(bytes, scan.rows);
    const digest = await archive.finish();
    return { sha256: digest.sha256, bytes, gzip: gzip === true, scan, fatal: null, threads: 1 };
  } catch (err) {
    await archive.abort();
    inflater?.destroy();
    elsewhere?.destroy();
    throw err;
  }
}

/** A file read into shared slots, the next read running while the current chunk is scanned. */
async function* fileChunks(archive: ArchiveWriter, path: string): AsyncGenerator<Chunk> {
  const handle = await open(path, 'r');
  const read = async (): Promise<{ slot: Slot; length: number }> => {
    const slot = await archive.acquire();
    try {
      const { bytesRead } = await handle.read(slot.view, 0, SLOT_BYTES, null);
      return { slot, length: bytesRead };
    } catch (err) {
      archive.release(slot);
      throw err;
    }
  };
  let next: Promise<{ slot: Slot; length: number }> | null = read();
  try {
    for (;;) {
      const { slot, length } = await next;
      next = null;
      if (length === 0) {
        archive.release(slot);
        return;
      }
      next = read();
      yield { data: slot.view.subarray(0, length), slot };
    }
  } finally {
    // Stopped early (a refusal): let the read ahead finish before the file is closed.
    if (next !== null) {
      const pending = await next.catch(() => null);
      if (pending) archive.release(pending.slot);
    }
    await handle.close();
  }
}

/** Files smaller than this are scanned on one thread: a second one takes longer to start. */
const SPLIT_MIN_BYTES = 64 * 1024 * 1024;

/**
 * A large plain file, scanned on two threads while a third hashes and copies it; null when the
 * file is not one to split (small, gzip, or a header with quotes, whose end is not simply its
 * first line break). The three read the same open file; should it change meanwhile (its size or
 * modification time differ at the end), it is refused.
 */
async function readInTwo(path: string, options: ReadOptions, split: NonNullable<ReadOptions['workers']>): Promise<ReadResult | null> {
  const handle = await open(path, 'r');
  try {
    const before = await handle.stat();
    const size = before.size;
    if (size < SPLIT_MIN_BYTES || (options.maxBytes !== undefined && size > options.maxBytes)) return null;
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const headerEnd = head.subarray(0, bytesRead).indexOf(10) + 1;
    if (head[0] === GZIP_ID1 && head[1] === GZIP_ID2) return null;
    if (headerEnd === 0 || head.subarray(0, headerEnd).includes(34)) return null;

    const { scanner } = options;
    const archive = new ArchiveWriter(options.archiveTo, { fd: handle.fd, size });
    try {
      const threads = await scanInTwo({
        fd: handle.fd,
        size,
        header: head.subarray(0, headerEnd),
        scanner,
        onRejection: split.onRejection,
        settings: split.settings,
        spillPath: split.spillPath,
        onProgress: options.onProgress,
      });
      const scan = scanner.end();
      const after = await handle.stat();
      let fatal = scan.fatal;
      if (fatal === null && (after.size !== size || after.mtimeMs !== before.mtimeMs)) {
        fatal = {
          line: 1,
          message: 'line 1: the file changed while it was being read (its size or time changed); import it once it is no longer being written',
        };
      }
      if (fatal !== null) {
        await archive.abort();
        return { sha256: '', bytes: size, gzip: false, scan, fatal, threads };
      }
      const digest = await archive.finish();
      return { sha256: digest.sha256, bytes: digest.bytes, gzip: false, scan, fatal: null, threads };
    } catch (err) {
      await archive.abort();
      throw err;
    }
  } finally {
    await handle.close();
  }
}

/** A refusal for what the text is, said of the gzip file that holds it. */
function saidOfGzip(fatal: ScanFatal): ScanFatal {
  return fatal.fileType === undefined ? fatal : { ...fatal, message: fileTypeSentence(fatal.fileType, true) };
}

/**
 * The stream's first `bytes` bytes (fewer if it is shorter), read ahead, and the whole stream
 * again from its start: what was read ahead, then the rest.
 */
async function peek(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, bytes: number): Promise<{ head: Uint8Array; chunks: AsyncIterable<Uint8Array> }> {
  const iterator: AsyncIterator<Uint8Array> | Iterator<Uint8Array> =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  const held: Uint8Array[] = [];
  let length = 0;
  let done = false;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done === true) {
      done = true;
      break;
    }
    held.push(next.value);
    length += next.value.byteLength;
  }
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      yield* held;
      while (!done) {
        const next = await iterator.next();
        if (next.done === true) done = true;
        else yield next.value;
      }
    } finally {
      // Stopped early (a refusal): the source is let go of, as a for-await loop over it would.
      if (!done) await iterator.return?.();
    }
  }
  const head = held.length === 1 ? held[0]! : Buffer.concat(held);
  return { head: head.subarray(0, bytes), chunks: chunks() };
}

async function* streamChunks(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Chunk> {
  for await (const data of chunks) if (data.byteLength > 0) yield { data, slot: null };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}
