// Recovery from imports whose process died (killed, crashed, machine lost): their attempt rows
// still say "running". Nothing of them is visible — the snapshot is written in one transaction at
// the end — so recovery only marks them failed, with a reason, and removes their temporary files.
import { readdir, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { fromDbInstant } from '../../../db/instant.ts';
import { failImports, lastImportId, listRunningImports, type ImportRow } from '../../../db/queries/snapshots.ts';
import { importIdOfTemp, listTempFiles, removeImportTemps, tempDir } from './archive.ts';

/** A running import writes its heartbeat twice a second; a minute of silence means it is gone. */
export const STALE_IMPORT_AFTER_MS = 60_000;

export interface StaleImportOptions {
  /** Fail running imports whose last heartbeat is older than this. */
  olderThanMs?: number;
  /** DATA_DIR, to remove the temporary files of the imports failed (and of any other finished import). */
  dataDir?: string;
  now?: Date;
}

/**
 * Marks failed every running import that has stopped: its heartbeat is older than olderThanMs, or
 * it ran on this machine in a process that no longer exists. Returns the ids it marked.
 */
export async function failStaleImports(knex: Knex, options: StaleImportOptions = {}): Promise<number[]> {
  const olderThanMs = options.olderThanMs ?? STALE_IMPORT_AFTER_MS;
  const now = (options.now ?? new Date()).getTime();
  // Imports that start after this point have larger ids; their temporary files are not touched.
  const newestKnown = await lastImportId(knex);
  const running = await listRunningImports(knex);
  const stale = running.filter((row) => now - fromDbInstant(row.heartbeat_at).getTime() > olderThanMs || diedHere(row));
  const failed: number[] = [];
  for (const row of stale) {
    const last = fromDbInstant(row.heartbeat_at).toISOString();
    const reason =
      `the import stopped before it finished: the process running it (${row.instance}) last answered at ${last}; ` +
      'nothing of the file was stored — send it again';
    failed.push(...(await failImports(knex, [row.id], reason)));
  }
  if (options.dataDir !== undefined) {
    for (const id of failed) await removeImportTemps(options.dataDir, id);
    const stillRunning = new Set(running.filter((r) => !failed.includes(r.id)).map((r) => r.id));
    await sweepTemps(options.dataDir, (id) => id <= newestKnown && !stillRunning.has(id));
  }
  return failed;
}

/** The import ran in a process of this machine that has gone (its pid is free, or another process's). */
function diedHere(row: ImportRow): boolean {
  const at = row.instance.lastIndexOf(':');
  return at >= 0 && row.instance.slice(0, at) === hostname() && processGone(Number(row.instance.slice(at + 1)));
}

/** No process of this machine has this pid (it is not ours either). */
function processGone(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    // Alive — perhaps a reused pid; then the heartbeat's age decides.
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Removes temporary files of imports that are no longer running (a cleanup an earlier process missed). */
async function sweepTemps(dataDir: string, finished: (importId: number) => boolean): Promise<void> {
  for (const name of await listTempFiles(dataDir)) {
    const id = importIdOfTemp(name);
    if (id !== null && finished(id)) await unlink(path.join(tempDir(dataDir), name)).catch(() => undefined);
  }
}

/** A compression left by another machine's process is presumed abandoned after this long. */
const FOREIGN_PART_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Removes the temporary files (`….csv.gz.<host>_<pid>.part`) of archive compressions whose
 * process stopped before renaming them (archive.ts): those of this machine's dead processes at
 * once, another machine's once a day old (DATA_DIR may be shared). Returns the paths removed.
 */
export async function removeAbandonedCompressions(dataDir: string, now = new Date()): Promise<string[]> {
  const root = path.join(dataDir, 'archive');
  const here = hostname().replaceAll(/[^\w.-]/g, '_');
  const removed: string[] = [];
  for (const folder of await readdir(root).catch(() => [])) {
    if (!/^[0-9a-f]{2}$/.test(folder)) continue;
    for (const name of await readdir(path.join(root, folder)).catch(() => [])) {
      const owner = /\.csv\.gz\.(.+)_(\d+)\.part$/.exec(name);
      if (!owner) continue;
      const file = path.join(root, folder, name);
      const abandoned =
        owner[1] === here
          ? processGone(Number(owner[2]))
          : now.getTime() -
              (await stat(file).then(
                (s) => s.mtimeMs,
                () => now.getTime(),
              )) >
            FOREIGN_PART_AFTER_MS;
      if (
        abandoned &&
        (await unlink(file).then(
          () => true,
          () => false,
        ))
      )
        removed.push(file);
    }
  }
  return removed;
}
