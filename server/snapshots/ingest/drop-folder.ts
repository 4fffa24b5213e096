// The drop folder (SPEC §7): each run imports every finished file in DATA_DIR/inbox through the one
// ingest. Imported files move into the archive, duplicates are deleted (their bytes are archived
// already), refused ones move to inbox/failed/ with <name>.error.txt beside them saying why.
//
// A file still being written is left for the next run: names starting with "." or ending in .part,
// .tmp, .partial, .filepart or .crdownload are skipped, and so is any file changed in the last
// settleMs. Writers should write under such a name and rename when done. A file is claimed by
// renaming it into inbox/.processing/, so two instances sharing the folder never import it twice.
import { mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import { listRunningImports } from '../../../db/queries/snapshots.ts';
import type { Actor } from '../../auth/roles.ts';
import type { Logger } from '../../logger.ts';
import type { MetricsSink } from '../../metrics/sink.ts';
import { describeError, ingestSnapshot } from './ingest-snapshot.ts';
import type { IngestOutcome } from './ingest-types.ts';
import { failStaleImports } from './stale-imports.ts';

export interface InboxOptions {
  knex: Knex;
  dataDir: string;
  logger?: Logger | undefined;
  /** A file changed more recently than this is taken to be still arriving. Default 30 s. */
  settleMs?: number | undefined;
  /** Stops before the next file (a run in progress finishes its current file). */
  signal?: AbortSignal | undefined;
  now?: (() => Date) | undefined;
  /** Counts each file's import (GET /metrics). */
  metrics?: MetricsSink | undefined;
}

export type InboxFileStatus = IngestOutcome['status'] | 'error';

export interface InboxFileResult {
  file: string;
  status: InboxFileStatus;
  importId: number | null;
  snapshotId: number | null;
  /** Why it was refused (the first reason), or the error that stopped it. */
  reason: string | null;
}

export interface InboxRun {
  files: InboxFileResult[];
  /** Files left for a later run because they were still being written. */
  waiting: string[];
}

export const INBOX_ACTOR: Actor = { kind: 'system', name: 'drop folder' };
const DEFAULT_SETTLE_MS = 30_000;
const IN_PROGRESS_NAME = /^\.|\.(part|tmp|partial|filepart|crdownload)$/i;
const ERROR_SUFFIX = '.error.txt';

export function inboxPaths(dataDir: string): { inbox: string; failed: string; processing: string } {
  const inbox = path.join(dataDir, 'inbox');
  return { inbox, failed: path.join(inbox, 'failed'), processing: path.join(inbox, '.processing') };
}

/** Imports every finished file in the drop folder once; returns what became of each. */
export async function processInbox(options: InboxOptions): Promise<InboxRun> {
  const { knex, dataDir } = options;
  const now = options.now ?? (() => new Date());
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  const paths = inboxPaths(dataDir);
  await mkdir(paths.failed, { recursive: true });
  await mkdir(paths.processing, { recursive: true });
  await failStaleImports(knex, { dataDir });
  await reclaimAbandoned(knex, paths);

  const run: InboxRun = { files: [], waiting: [] };
  const entries = await readdir(paths.inbox, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (options.signal?.aborted) break;
    if (!entry.isFile() || IN_PROGRESS_NAME.test(entry.name) || entry.name.endsWith(ERROR_SUFFIX)) continue;
    const source = path.join(paths.inbox, entry.name);
    const info = await stat(source).catch(() => null);
    if (info === null) continue;
    if (now().getTime() - info.mtimeMs < settleMs) {
      run.waiting.push(entry.name);
      continue;
    }
    const claimed = path.join(paths.processing, entry.name);
    try {
      await rename(source, claimed);
    } catch (err) {
      // Another instance claimed it first.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    run.files.push(await importClaimed(options, paths, entry.name, claimed));
  }
  // Archive copies an earlier process left raw are the archive job's (jobs/archive-job.ts).
  return run;
}

async function importClaimed(options: InboxOptions, paths: ReturnType<typeof inboxPaths>, name: string, claimed: string): Promise<InboxFileResult> {
  const { knex, dataDir, logger, metrics } = options;
  let outcome: IngestOutcome;
  try {
    outcome = await ingestSnapshot(
      { knex, dataDir, logger, metrics },
      { source: 'inbox', fileName: name, actor: INBOX_ACTOR, bytes: { kind: 'file', path: claimed }, adoptFile: claimed },
    );
  } catch (err) {
    // Not the file's fault (database or disk trouble): put it back for the next run.
    logger?.error({ err, file: name }, 'could not import a file from the drop folder; it stays there for the next run');
    await rename(claimed, path.join(paths.inbox, name)).catch(() => undefined);
    return { file: name, status: 'error', importId: null, snapshotId: null, reason: err instanceof Error ? err.message : String(err) };
  }
  const result = { file: name, status: outcome.status, importId: outcome.importId, snapshotId: outcome.snapshotId, reason: null };
  if (outcome.status === 'imported') {
    logger?.info({ file: name, snapshotId: outcome.snapshotId }, 'imported a snapshot from the drop folder');
    return result;
  }
  if (outcome.status === 'duplicate') {
    await unlink(claimed).catch(() => undefined);
    logger?.info({ file: name, snapshotId: outcome.snapshotId }, 'a file in the drop folder was imported before; deleted it');
    return result;
  }
  const target = await freeName(paths.failed, name, outcome.importId);
  await rename(claimed, path.join(paths.failed, target));
  await writeFile(path.join(paths.failed, `${target}${ERROR_SUFFIX}`), errorText(name, outcome, (options.now ?? (() => new Date()))()));
  logger?.warn({ file: name, importId: outcome.importId, reason: outcome.errors[0]?.reason }, 'refused a file from the drop folder');
  return { ...result, reason: outcome.errors[0]?.reason ?? null };
}

/** What the person who dropped the file reads in <name>.error.txt. */
export function errorText(name: string, outcome: IngestOutcome, at: Date): string {
  const lines = [
    `${name} was not imported (import ${outcome.importId}, ${at.toISOString()}). Nothing of it was stored.`,
    'Correct the file and put it in the drop folder again.',
    '',
    ...outcome.errors.map(describeError),
  ];
  return `${lines.join('\n')}\n`;
}

/** `name` in the failed folder, or name-import<id>.ext when a file of that name is there already. */
async function freeName(folder: string, name: string, importId: number): Promise<string> {
  const taken = await stat(path.join(folder, name)).then(
    () => true,
    () => false,
  );
  if (!taken) return name;
  const dot = name.indexOf('.', 1);
  return dot < 0 ? `${name}-import${importId}` : `${name.slice(0, dot)}-import${importId}${name.slice(dot)}`;
}

/**
 * Files an earlier run claimed but never finished (its process died): back into the inbox, unless
 * a live import of the drop folder is still reading one of that name.
 */
async function reclaimAbandoned(knex: Knex, paths: ReturnType<typeof inboxPaths>): Promise<void> {
  const busy = new Set((await listRunningImports(knex)).filter((r) => r.source === 'inbox').map((r) => r.file_name));
  for (const name of await readdir(paths.processing).catch(() => [])) {
    if (busy.has(name)) continue;
    await rename(path.join(paths.processing, name), path.join(paths.inbox, name)).catch(() => undefined);
  }
}
