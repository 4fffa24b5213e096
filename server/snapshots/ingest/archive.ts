// The snapshot archive under DATA_DIR: every imported file kept, compressed, named by the SHA-256 of
// the bytes as they were sent (archive/ab/abcdef….csv.gz), so any count can be traced to devices.
//
// A gzip upload is archived as it came. A plain one is first kept raw (written during the import,
// which is cheap) and compressed only after the import has committed (which is not): to a
// temporary file, synced, renamed over, the database pointed at it, and only then is the raw copy
// removed — a crash at any step leaves one complete copy, and readers accept either spelling.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { Knex } from 'knex';
import { listUncompressedSnapshots, setArchivePath, type SnapshotRow } from '../../../db/queries/snapshots.ts';
import type { Logger } from '../../logger.ts';

/**
 * zlib level 1: about a quarter of the text's size, at three to four times the speed of the
 * default level (measured here: 79 MB in 0.54 s against 1.9 s, 23.5 % against 20.3 %). The
 * archive is written once and read rarely; CPU on a shared server is the scarcer resource.
 */
const GZIP_LEVEL = 1;

/** This process, as snapshot_imports.instance names it. */
export const INSTANCE = `${hostname()}:${process.pid}`;

export function archiveRelativePath(sha256: string, gzip: boolean): string {
  return path.posix.join('archive', sha256.slice(0, 2), `${sha256}.csv${gzip ? '.gz' : ''}`);
}

export function tempDir(dataDir: string): string {
  return path.join(dataDir, 'archive', 'tmp');
}

/**
 * Where an import keeps its raw copy and its spilled rejected rows until it commits (the second
 * scanning thread's rows wait apart until their lines can be numbered).
 */
export function importTempPaths(dataDir: string, importId: number): { copy: string; rejections: string; secondRejections: string } {
  const base = path.join(tempDir(dataDir), `import-${importId}`);
  return { copy: `${base}.part`, rejections: `${base}.rejections`, secondRejections: `${base}.rejections-2` };
}

/** The import a temporary file belongs to, or null for anything else. */
export function importIdOfTemp(fileName: string): number | null {
  const match = /^import-(\d+)\.(part|rejections|rejections-2)$/.exec(fileName);
  return match ? Number(match[1]) : null;
}

export async function removeImportTemps(dataDir: string, importId: number): Promise<void> {
  await Promise.all(Object.values(importTempPaths(dataDir, importId)).map((file) => unlink(file).catch(() => undefined)));
}

/** Moves a finished file to its place in the archive (copying when it is on another file system). */
export async function placeInArchive(dataDir: string, from: string, relativePath: string): Promise<void> {
  const to = path.join(dataDir, relativePath);
  await mkdir(path.dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await copyFile(from, to);
    await unlink(from);
  }
}

/** The archived file of a snapshot as it is now: its raw copy may have been compressed since. */
export async function locateArchived(dataDir: string, snapshot: Pick<SnapshotRow, 'archive_path'>): Promise<string> {
  const recorded = path.join(dataDir, snapshot.archive_path);
  const other = recorded.endsWith('.gz') ? recorded.slice(0, -3) : `${recorded}.gz`;
  for (const candidate of [recorded, other]) {
    if (
      await stat(candidate).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  throw new Error(`the archived file of this snapshot is missing (${recorded})`);
}

/** The archived file's text, inflated when it is gzip (by its magic bytes, as on import). */
export async function readArchivedText(dataDir: string, snapshot: Pick<SnapshotRow, 'archive_path'>): Promise<NodeJS.ReadableStream> {
  const file = await locateArchived(dataDir, snapshot);
  const handle = await open(file, 'r');
  const magic = Buffer.alloc(2);
  try {
    await handle.read(magic, 0, 2, 0);
  } finally {
    await handle.close();
  }
  const raw = createReadStream(file, { highWaterMark: 1024 * 1024 });
  if (magic[0] !== 0x1f || magic[1] !== 0x8b) return raw;
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  raw.on('error', (err) => gunzip.destroy(err));
  return raw.pipe(gunzip);
}

/**
 * Compresses a snapshot's raw archive copy (see the header). Checks on the way that the copy still
 * has the SHA-256 recorded at import; a copy that does not is left alone and reported.
 */
export async function compressArchive(knex: Knex, dataDir: string, snapshot: Pick<SnapshotRow, 'id' | 'sha256' | 'archive_path'>): Promise<void> {
  if (!snapshot.archive_path.endsWith('.csv')) return;
  const rawPath = path.join(dataDir, snapshot.archive_path);
  const compressed = `${snapshot.archive_path}.gz`;
  const finalPath = path.join(dataDir, compressed);
  const rawExists = await stat(rawPath).then(
    () => true,
    () => false,
  );
  if (!rawExists) {
    // Compressed already, the process stopping before the database was told.
    if (
      await stat(finalPath).then(
        () => true,
        () => false,
      )
    )
      await setArchivePath(knex, snapshot.id, snapshot.archive_path, compressed);
    return;
  }
  const temp = `${finalPath}.${INSTANCE.replaceAll(/[^\w.-]/g, '_')}.part`;
  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(createReadStream(rawPath, { highWaterMark: 1024 * 1024 }), hashing, createGzip({ level: GZIP_LEVEL }), createWriteStream(temp));
    const digest = hash.digest('hex');
    if (digest !== snapshot.sha256) {
      throw new Error(`the raw archive copy ${snapshot.archive_path} has SHA-256 ${digest}, not ${snapshot.sha256} as imported; it was left as it is`);
    }
    // Synced before the rename, because after it the raw copy is deleted.
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, finalPath);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await setArchivePath(knex, snapshot.id, snapshot.archive_path, compressed);
  await unlink(rawPath).catch(() => undefined);
}

// Compression runs after the import has answered; these let a process (the CLI, a test, the
// benchmark) wait for it before it exits, and keep one snapshot from being compressed twice at once.
const running = new Map<number, Promise<void>>();

export function scheduleCompression(
  deps: { knex: Knex; dataDir: string; logger?: Logger | undefined },
  snapshot: Pick<SnapshotRow, 'id' | 'sha256' | 'archive_path'>,
): Promise<void> {
  const existing = running.get(snapshot.id);
  if (existing) return existing;
  const work = compressArchive(deps.knex, deps.dataDir, snapshot)
    .catch((err: unknown) => deps.logger?.error({ err, snapshotId: snapshot.id }, 'could not compress the archived snapshot file'))
    .finally(() => running.delete(snapshot.id));
  running.set(snapshot.id, work);
  return work;
}

/** Resolves when every compression this process has started is done. */
export async function archiveWorkDone(): Promise<void> {
  while (running.size > 0) await Promise.all([...running.values()]);
}

/** Compresses every snapshot whose archive copy is still raw (an earlier process stopped first). */
export async function compressPendingArchives(knex: Knex, dataDir: string, logger?: Logger): Promise<number> {
  const pending = await listUncompressedSnapshots(knex);
  for (const snapshot of pending) await scheduleCompression({ knex, dataDir, logger }, snapshot);
  return pending.length;
}

/** Names of the temporary files in the archive's temp folder. */
export async function listTempFiles(dataDir: string): Promise<string[]> {
  return readdir(tempDir(dataDir)).catch(() => []);
}
