// The archive's temporary copy of an upload, written and read back with O_DIRECT where the file
// system allows it: the bytes go between our buffers and the disk without the page cache.
//
// Why: a virtual machine here hands memory it has freed back to its host, and the page cache of a
// new file is made of such memory, each fresh page costing a fault on the host. Measured on the
// 789 MB 10 M-row file: a buffered copy took 2.0–2.6 s and 1.6–1.9 s of CPU, a direct one 0.6 s
// and 0.14 s; reading the copy back buffered 1.2–2.1 s (the same faults), direct 0.6 s and 0.05 s.
// On an upload that CPU came out of the two cores the scanners need.
//
// Direct I/O wants the file offset, the length and the memory all aligned (to the device's block
// size, and 512 bytes of memory on the disks here). JavaScript cannot ask where a buffer sits, so a
// buffer is allocated a little larger and the start that a direct write accepts is found by trying
// (a refused one is a quick EINVAL). Offsets and lengths are kept to DIRECT_BLOCK, which suits
// devices of 512- and 4096-byte blocks alike. Where direct I/O is refused (tmpfs, some network
// file systems), or a buffer cannot be aligned, the copy is written and read as before.
import { closeSync, constants, openSync, unlinkSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export const DIRECT_BLOCK = 4096;
/** How far from its allocation's start a buffer's aligned start may be. */
const SLACK = 4096;
/** Starts are tried this far apart: allocations are at least 16-byte aligned. */
const STEP = 16;

/** A shared buffer whose view at `offset`, `bytes` long, direct I/O accepts. */
export interface AlignedBuffer {
  buffer: SharedArrayBuffer;
  offset: number;
  bytes: number;
}

/** The copy opened for direct writes (created: it must not exist), and buffers that suit it. */
export interface DirectCopy {
  fd: number;
  /** A shared buffer of `bytes` (a multiple of DIRECT_BLOCK) that direct I/O accepts, or null if none was found. */
  aligned(bytes: number): AlignedBuffer | null;
  /** Closes the descriptor and removes the file (before a fall back to buffered writing). */
  discard(): void;
}

/**
 * Creates `path` for direct writes; null where the file system refuses (the caller then writes it
 * the usual way, and meets any other error, such as a missing folder, there, in its own words).
 */
export function openDirectCopy(path: string): DirectCopy | null {
  // Linux only (macOS has F_NOCACHE instead, which Node does not offer).
  if (constants.O_DIRECT === undefined) return null;
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_DIRECT, 0o666);
  } catch (err) {
    // EINVAL: O_DIRECT refused; a file system may create the file before it says so.
    if ((err as NodeJS.ErrnoException).code === 'EINVAL') removeQuietly(path);
    return null;
  }
  return {
    fd,
    aligned: (bytes) => alignedFor(fd, bytes),
    discard: () => {
      closeSync(fd);
      removeQuietly(path);
    },
  };
}

/** Tries the buffer's possible starts with a direct write of one block at the file's start (the copy's first bytes overwrite it). */
function alignedFor(fd: number, bytes: number): AlignedBuffer | null {
  const buffer = new SharedArrayBuffer(bytes + SLACK);
  const view = Buffer.from(buffer);
  for (let offset = 0; offset < SLACK; offset += STEP) {
    try {
      // Two blocks: memory that is not aligned is refused where the write crosses a page.
      writeSync(fd, view, offset, 2 * DIRECT_BLOCK, 0);
      return { buffer, offset, bytes };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL') return null;
    }
  }
  return null;
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // not there
  }
}

/**
 * What to read directly so as to have the bytes from `from` to `to` (to ≤ the bytes written):
 * the aligned span around them, and where they start in it. A span's end past the bytes written
 * is fine: the caller keeps only up to `to` (the file may already be longer, a padded last write).
 */
export function directSpan(from: number, to: number): { at: number; length: number; skip: number } {
  const at = from - (from % DIRECT_BLOCK);
  const end = Math.ceil(to / DIRECT_BLOCK) * DIRECT_BLOCK;
  return { at, length: end - at, skip: from - at };
}

/**
 * Reads the copy back while it is being written, two buffers taking turns, so that the next read
 * can run (on the thread pool) while the bytes of the last are scanned: a direct read waits for the
 * disk (about 0.8 ms a megabyte here), which a buffered read from the page cache did not.
 * `buffers`: two READ_BUFFER_BYTES buffers for direct reads (the copy is written so), or null.
 */
export class CopyReader {
  private opening: Promise<FileHandle> | null = null;
  private handle: FileHandle | null = null;
  private readonly views: Buffer[];
  private turn = 0;

  constructor(
    private readonly path: string,
    private readonly buffers: AlignedBuffer[] | null,
    chunkBytes: number,
  ) {
    this.views =
      buffers === null ? [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)] : buffers.map((b) => Buffer.from(b.buffer, b.offset, b.bytes));
  }

  /**
   * The copy's bytes from `from` to `to` (no more than the chunk size, all of them written), or
   * fewer should it end first: a view valid until the second read after this one starts. Not an
   * async function: once the file is open the read starts before this returns, so that it runs
   * while the caller goes on scanning (an await before it would hold it back until the scan ends).
   */
  read(from: number, to: number): Promise<Buffer> {
    const handle = this.handle;
    if (handle === null) {
      this.opening ??= open(this.path, this.buffers === null ? 'r' : constants.O_RDONLY | constants.O_DIRECT).then((opened) => (this.handle = opened));
      return this.opening.then(() => this.read(from, to));
    }
    const view = this.views[this.turn]!;
    this.turn = 1 - this.turn;
    if (this.buffers === null) return handle.read(view, 0, to - from, from).then(({ bytesRead }) => view.subarray(0, bytesRead));
    const span = directSpan(from, to);
    return handle
      .read(view, 0, span.length, span.at)
      .then(({ bytesRead }) => view.subarray(span.skip, Math.max(span.skip, Math.min(bytesRead, span.skip + to - from))));
  }

  /** Closes the file, once no read is in flight. */
  async close(): Promise<void> {
    await this.opening?.catch(() => null);
    const handle = this.handle;
    this.handle = null;
    this.opening = null;
    await handle?.close();
  }
}
