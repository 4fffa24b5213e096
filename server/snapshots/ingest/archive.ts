// The snapshot archive under DATA_DIR: every imported file kept, compressed, named by the SHA-256 of
// the bytes as they were sent (archive/ab/abcdef….csv.gz), so any count can be traced to devices.
//
// A gzip upload is archived as it came. A plain one is first kept raw (written during the import,
// which is cheap) and compressed only after the import has committed (which is not): to a
// temporary file, synced, renamed over, the database pointed at it, and only then is the raw copy
// removed — a crash at any step leaves one complete copy, and readers accept either spelling.
//
// Nobody waits for it. The server (web and API uploads, the drop folder) queues it in its own
// process as soon as the import has answered; `backfill snapshot import` does not wait at all: its
// raw copy is left for the archive job (jobs/archive-job.ts) of the server or `npm run worker`,
// within a minute, or of their next start. Compression runs one snapshot at a time, on a worker
// thread at the lowest CPU priority (compress-worker.mjs).
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';
import type { Knex } from 'knex';
import { setArchivePath, type SnapshotRow } from '../../../db/queries/snapshots.ts';
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
 * has the SHA-256 recorded at import; a copy that does not is left alone and reported
 * (ArchiveAlteredError).
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
  try {
    const { sha256 } = await compressOnWorker(rawPath, temp);
    if (sha256 !== snapshot.sha256) throw new ArchiveAlteredError(snapshot, sha256);
    await rename(temp, finalPath);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await setArchivePath(knex, snapshot.id, snapshot.archive_path, compressed);
  await unlink(rawPath).catch(() => undefined);
}

/** The raw copy no longer has the bytes imported: it was written into after the import. */
export class ArchiveAlteredError extends Error {
  constructor(snapshot: Pick<SnapshotRow, 'id' | 'sha256' | 'archive_path'>, found: string) {
    super(
      `the raw archive copy ${snapshot.archive_path} has SHA-256 ${found}, not ${snapshot.sha256} as imported; it was left as it is. ` +
        `Its bytes were changed after snapshot ${snapshot.id} was imported — a file imported with \`backfill snapshot import\` shares them ` +
        'with the archive until they are compressed, so a program that wrote into that file in place changed them. ' +
        "The snapshot's counts stand; the archive no longer holds the bytes they came from",
    );
    this.name = 'ArchiveAlteredError';
  }
}

/** Gzip of `raw` into `temp`, synced, on a worker thread at the lowest priority (compress-worker.mjs); with the SHA-256 of what was read. */
function compressOnWorker(raw: string, temp: string): Promise<{ sha256: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./compress-worker.mjs', import.meta.url), { workerData: { raw, temp, level: GZIP_LEVEL }, execArgv: [] });
    let answered = false;
    worker.once('message', (message: { sha256: string; bytes: number } | { error: string; code?: string }) => {
      answered = true;
      if ('error' in message) reject(Object.assign(new Error(message.error), { code: message.code }));
      else resolve(message);
    });
    worker.once('error', (err) => {
      answered = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the compressing worker stopped (exit code ${code}) before it finished`));
    });
  });
}

// Compression runs after the import has answered, one snapshot at a time in a process (a queue),
// at low priority. These let a process (the server, a test, the demo) wait for it before it exits,
// and keep one snapshot from being compressed twice at once.
const running = new Map<number, Promise<void>>();
let queue: Promise<unknown> = Promise.resolve();

/** Compresses the snapshot's raw copy after those queued before it; rejects when it could not. */
export function queueCompression(deps: { knex: Knex; dataDir: string }, snapshot: Pick<SnapshotRow, 'id' | 'sha256' | 'archive_path'>): Promise<void> {
  const existing = running.get(snapshot.id);
  if (existing) return existing;
  const work = queue.then(() => compressArchive(deps.knex, deps.dataDir, snapshot)).finally(() => running.delete(snapshot.id));
  queue = work.catch(() => undefined);
  running.set(snapshot.id, work);
  return work;
}

/** queueCompression for work nobody waits on: a failure is logged (the archive job tries again later). */
export function scheduleCompression(
  deps: { knex: Knex; dataDir: string; logger?: Logger | undefined },
  snapshot: Pick<SnapshotRow, 'id' | 'sha256' | 'archive_path'>,
): Promise<void> {
  return queueCompression(deps, snapshot).catch((err: unknown) =>
    deps.logger?.error({ err, snapshotId: snapshot.id }, 'could not compress the archived snapshot file'),
  );
}

/** Resolves when every compression this process has started is done. */
export async function archiveWorkDone(): Promise<void> {
  while (running.size > 0) await Promise.allSettled([...running.values()]);
}

/** Names of the temporary files in the archive's temp folder. */
export async function listTempFiles(dataDir: string): Promise<string[]> {
  return readdir(tempDir(dataDir)).catch(() => []);
}
