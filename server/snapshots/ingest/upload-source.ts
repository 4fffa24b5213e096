// How the upload's bytes are read: a plain file on disk through a hard link of its own (so the
// archive copy costs no bulk write), and a refused upload drained without being looked at.
import { link, open } from 'node:fs/promises';
import type { ByteSource } from '../reading/read-snapshot.ts';
import type { IngestRequest } from './ingest-types.ts';

/**
 * The raw archive copy of a plain file on disk (a CLI import) costs no bulk write: the file gets
 * a second name (a hard link) in the archive's temp folder, and is read through it, so renaming or
 * deleting the original cannot touch what is imported. The link lasts until the copy is compressed,
 * which writes a new file and checks the SHA-256 again: the command does not wait for that, the
 * archive job does it within a minute (archive.ts). Writing into the original in place meanwhile
 * would change the linked bytes; the check then finds it, leaves the copy as it is and says so
 * (ArchiveAlteredError), where the job's failure reaches SECAS. Gzip files are copied as they are read (they stay archived as sent, so must not share the
 * user's file for good), and so is anything that cannot be linked (another file system).
 */
export async function linkPlainFile(request: IngestRequest, linkPath: string): Promise<{ bytes: ByteSource; adoptFile: string | undefined }> {
  const original = { bytes: request.bytes, adoptFile: request.adoptFile };
  if (request.bytes.kind !== 'file' || request.adoptFile !== undefined) return original;
  try {
    const handle = await open(request.bytes.path, 'r');
    let magic: Buffer;
    try {
      magic = Buffer.alloc(2);
      await handle.read(magic, 0, 2, 0);
    } finally {
      await handle.close();
    }
    if (magic[0] === 0x1f && magic[1] === 0x8b) return original;
    await link(request.bytes.path, linkPath);
    return { bytes: { kind: 'file', path: linkPath }, adoptFile: linkPath };
  } catch {
    return original;
  }
}

/** Reads a refused upload to its end (or its limit) without looking at it; returns the bytes read. */
export async function drain(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, maxBytes: number | undefined): Promise<number> {
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += chunk.byteLength;
    if (maxBytes !== undefined && bytes > maxBytes) break;
  }
  return bytes;
}
