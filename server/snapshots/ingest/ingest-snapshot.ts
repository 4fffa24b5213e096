// The one way a snapshot file gets in (CLI, web upload, API, drop folder): record the attempt,
// stream the bytes once (read-snapshot.ts), decide, and write the snapshot, its counts, its
// rejected rows and any new Users in one transaction at the end — all of it or, for a refused
// file, none of it (SPEC §3.1–3.2).
import { insertCounts } from '../../../db/queries/snapshot-counts.ts';
import { link, mkdir, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import {
  addUnregisteredUsers,
  finishImport,
  findSnapshotBySha256,
  insertImport,
  insertRejections,
  insertSnapshot,
  listRejections,
  readMapRegister,
  recordImportProgress,
  supersedeSnapshots,
  type SnapshotRow,
  type SnapshotSource,
} from '../../../db/queries/snapshots.ts';
import { recordAudit, type RequestOrigin } from '../../audit/record.ts';
import type { Actor } from '../../auth/roles.ts';
import { outageOf, type FailurePlaces } from '../../outage.ts';
import type { Logger } from '../../logger.ts';
import { loadSettings } from '../../programme/settings.ts';
import {
  archiveRelativePath,
  importTempPaths,
  INSTANCE,
  placeInArchive,
  removeImportTemps,
  scheduleCompression,
  tempDir,
} from './archive.ts';
import { resolveAsOf } from './as-of-date.ts';
import { readSnapshot, type ByteSource, type ReadResult } from '../reading/read-snapshot.ts';
import { withinRejectRatio } from '../format/reject-ratio.ts';
import { RejectionStore } from '../reading/rejection-store.ts';
import { createScanner } from '../format/scanner.ts';
import { failStaleImports } from './stale-imports.ts';

export type IngestStatus = 'imported' | 'duplicate' | 'failed';

export interface ImportError {
  /** The file line the problem is on; null for a problem with the whole upload. */
  line: number | null;
  reason: string;
}

/** What became of one upload: SPEC §6.3's summary, with the id of the attempt. */
export interface IngestOutcome {
  importId: number;
  snapshotId: number | null;
  asOf: string | null;
  sha256: string | null;
  status: IngestStatus;
  /** The snapshot this one replaced for its as-of date, or null. */
  supersedes: number | null;
  rows: number;
  accepted: number;
  rejected: number;
  /** Rejected rows (imported, duplicate) or why the file was refused (failed). */
  errors: ImportError[];
}

export interface IngestProgress {
  /** Bytes read as sent (compressed, for gzip). */
  bytes: number;
  rows: number;
}

export interface IngestRequest {
  source: SnapshotSource;
  /** The name the file was sent under; a date in it is the as-of date when none is given. */
  fileName: string;
  /** As given with the upload; empty or undefined when not given. */
  asOf?: string | undefined;
  actor: Actor;
  origin?: RequestOrigin | undefined;
  bytes: ByteSource;
  /** Refuse (PayloadTooLargeError) past this many bytes as sent. */
  maxBytes?: number | undefined;
  /** A file of ours (the drop folder's) to move into the archive once accepted, instead of copying its bytes. */
  adoptFile?: string | undefined;
  /** Read to the end even once refused (HTTP: the client gets its answer, not a reset). */
  drainOnRefusal?: boolean | undefined;
  onStart?: ((importId: number) => void) | undefined;
  onProgress?: ((progress: IngestProgress) => void) | undefined;
}

export interface IngestDeps {
  knex: Knex;
  dataDir: string;
  logger?: Logger | undefined;
  /** The SQLite file, to name in a refusal when its disk is full. */
  databaseFile?: string | undefined;
}

function placesOf(deps: IngestDeps): FailurePlaces {
  return { dataDir: deps.dataDir, databaseFile: deps.databaseFile };
}

const HEARTBEAT_MS = 500;
/** Rejected rows listed after the reason when a file is refused for too many of them. */
const REFUSAL_EXAMPLES = 1000;
/** Rejected rows kept in memory; beyond this they go to a spill file (rejection-store.ts). */
const REJECTIONS_IN_MEMORY = 10_000;

/** Imports under way in this process, so a shutdown can let them finish or record their failure. */
const inFlight = new Set<Promise<IngestOutcome>>();

export function ingestSnapshot(deps: IngestDeps, request: IngestRequest): Promise<IngestOutcome> {
  const work = ingest(deps, request);
  inFlight.add(work);
  const forget = (): void => void inFlight.delete(work);
  work.then(forget, forget);
  return work;
}

/**
 * Resolves when every import this process has under way has finished (imported, refused, or
 * failed and recorded as failed), or after `timeoutMs`; true when none is left.
 */
export async function importsSettled(timeoutMs: number): Promise<boolean> {
  const giveUp = Date.now() + timeoutMs;
  while (inFlight.size > 0) {
    const left = giveUp - Date.now();
    if (left <= 0) return false;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...inFlight]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, left);
      }),
    ]);
    clearTimeout(timer);
  }
  return true;
}

async function ingest(deps: IngestDeps, request: IngestRequest): Promise<IngestOutcome> {
  const { knex, dataDir } = deps;
  // Recovery is cheap and idempotent, so every import starts with it instead of relying on start-up.
  await failStaleImports(knex, { dataDir }).catch((err: unknown) => deps.logger?.warn({ err }, 'could not check for stopped imports'));

  const asOf = resolveAsOf(request.asOf, request.fileName);
  const importId = await insertImport(knex, {
    fileName: request.fileName.slice(0, 255),
    asOf: asOf.ok ? asOf.asOf : null,
    source: request.source,
    uploadedBy: request.actor.name,
    instance: INSTANCE,
  });
  request.onStart?.(importId);
  const base = { importId, snapshotId: null, asOf: asOf.ok ? asOf.asOf : null, sha256: null, supersedes: null, rows: 0, accepted: 0, rejected: 0 };
  if (!asOf.ok) {
    const drained = request.drainOnRefusal === true && request.bytes.kind === 'stream' ? await drain(request.bytes.chunks, request.maxBytes) : 0;
    return refuse(deps, request, { ...base, status: 'failed', errors: [{ line: null, reason: capitalise(asOf.reason) }] }, drained);
  }

  const settings = await loadSettings(knex);
  const register = await readMapRegister(knex);
  await mkdir(tempDir(dataDir), { recursive: true });
  const temps = importTempPaths(dataDir, importId);
  const rejections = new RejectionStore(temps.rejections, REJECTIONS_IN_MEMORY);
  const scanner = createScanner({
    implementationDate: settings.implementationDate,
    mapRegister: register.length > 0 ? new Set(register) : undefined,
    maxUsers: settings.maxUsers,
    onRejection: (line, reason) => rejections.add(line, reason),
  });

  const source = await linkPlainFile(request, temps.copy);
  const progress: IngestProgress = { bytes: 0, rows: 0 };
  const heartbeat = startHeartbeat(deps, importId, progress);
  let read: ReadResult;
  try {
    read = await readSnapshot(source.bytes, {
      scanner,
      archiveTo: source.adoptFile === undefined ? temps.copy : null,
      maxBytes: request.maxBytes,
      drainOnRefusal: request.drainOnRefusal,
      workers: {
        settings: { implementationDate: settings.implementationDate, mapRegister: register.length > 0 ? register : null, maxUsers: settings.maxUsers },
        onRejection: (line, reason) => rejections.add(line, reason),
        spillPath: temps.secondRejections,
      },
      onProgress: (bytes, rows) => {
        // The database stopped answering: the import cannot be recorded, so it stops now rather
        // than reading the rest of a file it could never store.
        if (heartbeat.failure !== null) throw heartbeat.failure;
        progress.bytes = bytes;
        progress.rows = rows;
        heartbeat.first();
        request.onProgress?.(progress);
      },
    });
  } catch (err) {
    await heartbeat.stop();
    rejections.dispose();
    await removeImportTemps(dataDir, importId);
    const outage = outageOf(err, placesOf(deps));
    const reason = outage?.message ?? `The upload could not be read to its end: ${err instanceof Error ? err.message : String(err)}`;
    await finishFailed(deps, importId, { ...base, rows: progress.rows }, progress.bytes, [{ line: null, reason }]);
    throw outage ?? err;
  }
  await heartbeat.stop();

  try {
    const { scan } = read;
    const counted = { ...base, rows: scan.rows, accepted: scan.accepted, rejected: scan.rejected };
    if (read.fatal !== null) {
      const reason = capitalise(read.fatal.message.replace(/^line \d+: /, ''));
      return await refuse(deps, request, { ...counted, status: 'failed', errors: [{ line: read.fatal.line, reason }] }, read.bytes);
    }
    const sha256 = read.sha256;
    const existing = await findSnapshotBySha256(knex, sha256);
    if (existing) return await duplicateOf(deps, request, importId, existing, read.bytes);
    if (!withinRejectRatio(scan.rejected, scan.rows, settings.maxRejectRatio)) {
      const reason =
        `${scan.rejected} of the ${scan.rows} data rows were rejected (${percent(scan.rejected, scan.rows)}), more than the ` +
        `${percent(settings.maxRejectRatio, 1)} the max_reject_ratio setting (${settings.maxRejectRatio}) allows, so nothing was imported; ` +
        `the first rejected rows follow`;
      const examples = rejections.first().slice(0, REFUSAL_EXAMPLES);
      return await refuse(deps, request, { ...counted, sha256, status: 'failed', errors: [{ line: null, reason }, ...examples] }, read.bytes);
    }

    const archivePath = archiveRelativePath(sha256, read.gzip);
    await placeInArchive(dataDir, source.adoptFile ?? temps.copy, archivePath);
    let snapshotId: number;
    let superseded: number[];
    try {
      ({ snapshotId, superseded } = await knex.transaction(async (trx) => {
        const id = await insertSnapshot(trx, {
          as_of: asOf.asOf,
          sha256,
          file_name: request.fileName.slice(0, 255),
          byte_size: read.bytes,
          gzip: read.gzip,
          archive_path: archivePath,
          rows: scan.rows,
          accepted: scan.accepted,
          rejected: scan.rejected,
          source: request.source,
          uploaded_by: request.actor.name,
          rules_implementation_date: settings.implementationDate,
          rules_map_register: register.length > 0 ? JSON.stringify(register) : null,
        });
        const replaced = await supersedeSnapshots(trx, asOf.asOf, id);
        const users = Object.keys(scan.counts);
        await addUnregisteredUsers(trx, users);
        await insertCounts(trx, id, scan.counts);
        for await (const batch of rejections.batches(500)) await insertRejections(trx, id, batch);
        await finishImport(trx, importId, {
          status: 'imported',
          asOf: asOf.asOf,
          sha256,
          snapshotId: id,
          rows: scan.rows,
          bytes: read.bytes,
          errors: [],
        });
        await recordAudit(
          trx,
          request.actor,
          {
            action: 'snapshot.import',
            entity: 'snapshot',
            entityId: id,
            after: {
              asOf: asOf.asOf,
              asOfFrom: asOf.from,
              fileName: request.fileName,
              sha256,
              source: request.source,
              rows: scan.rows,
              accepted: scan.accepted,
              rejected: scan.rejected,
              users: users.length,
              supersedes: replaced.length > 0 ? replaced : null,
              // What the counts were computed with, for tracing them later.
              implementationDate: settings.implementationDate,
              mapRegister: register.length > 0 ? `${register.length} MAP IDs` : 'none (any 4 letters or digits is valid)',
            },
          },
          request.origin,
        );
        return { snapshotId: id, superseded: replaced };
      }));
    } catch (err) {
      // Another import of the same bytes may have committed first (two uploads at once).
      const winner = await findSnapshotBySha256(knex, sha256);
      if (winner) {
        if (winner.archive_path !== archivePath) await removeArchived(dataDir, archivePath);
        return await duplicateOf(deps, request, importId, winner, read.bytes);
      }
      await removeArchived(dataDir, archivePath);
      throw err;
    }
    deps.logger?.info(
      { importId, snapshotId, asOf: asOf.asOf, rows: scan.rows, rejected: scan.rejected, bytes: read.bytes, gzip: read.gzip, threads: read.threads, source: request.source },
      'imported a snapshot',
    );
    if (!read.gzip) void scheduleCompression(deps, { id: snapshotId, sha256, archive_path: archivePath });
    const errors =
      rejections.count <= REJECTIONS_IN_MEMORY ? rejections.first() : await listRejections(knex, snapshotId, { offset: 0, limit: rejections.count });
    return {
      ...counted,
      snapshotId,
      sha256,
      status: 'imported',
      supersedes: superseded.length > 0 ? Math.max(...superseded) : null,
      errors,
    };
  } catch (err) {
    const outage = outageOf(err, placesOf(deps));
    const reason = outage?.message ?? `The import could not be completed: ${err instanceof Error ? err.message : String(err)}`;
    await finishFailed(deps, importId, { ...base, rows: read.scan.rows, sha256: read.sha256 || null }, read.bytes, [{ line: null, reason }]);
    throw outage ?? err;
  } finally {
    rejections.dispose();
    await removeImportTemps(dataDir, importId);
  }
}

/** An error as one sentence: "line 12: …" when it has a line. */
export function describeError(error: ImportError): string {
  return error.line === null ? error.reason : `line ${error.line}: ${error.reason}`;
}

/** The JSON object of SPEC §6.3, exactly: the outcome without the attempt's id. */
export function outcomeJson(outcome: IngestOutcome): Omit<IngestOutcome, 'importId'> {
  return {
    snapshotId: outcome.snapshotId,
    asOf: outcome.asOf,
    sha256: outcome.sha256,
    status: outcome.status,
    supersedes: outcome.supersedes,
    rows: outcome.rows,
    accepted: outcome.accepted,
    rejected: outcome.rejected,
    errors: outcome.errors,
  };
}

async function duplicateOf(deps: IngestDeps, request: IngestRequest, importId: number, existing: SnapshotRow, bytes: number): Promise<IngestOutcome> {
  await finishImport(deps.knex, importId, {
    status: 'duplicate',
    asOf: existing.as_of,
    sha256: existing.sha256,
    snapshotId: existing.id,
    rows: existing.rows,
    bytes,
    errors: [],
  });
  await recordAudit(
    deps.knex,
    request.actor,
    { action: 'snapshot.import-duplicate', entity: 'snapshot', entityId: existing.id, after: { fileName: request.fileName, sha256: existing.sha256, source: request.source } },
    request.origin,
  );
  const errors = await listRejections(deps.knex, existing.id, { offset: 0, limit: existing.rejected });
  return {
    importId,
    snapshotId: existing.id,
    asOf: existing.as_of,
    sha256: existing.sha256,
    status: 'duplicate',
    supersedes: null,
    rows: existing.rows,
    accepted: existing.accepted,
    rejected: existing.rejected,
    errors,
  };
}

/** Records a refusal (attempt and audit) and returns it. */
async function refuse(deps: IngestDeps, request: IngestRequest, outcome: IngestOutcome, bytes: number): Promise<IngestOutcome> {
  await finishFailed(deps, outcome.importId, outcome, bytes, outcome.errors);
  await recordAudit(
    deps.knex,
    request.actor,
    {
      action: 'snapshot.import-refused',
      entity: 'snapshot-import',
      entityId: outcome.importId,
      after: { fileName: request.fileName, source: request.source, sha256: outcome.sha256, reason: outcome.errors[0]?.reason ?? null },
    },
    request.origin,
  ).catch((err: unknown) => deps.logger?.error({ err }, 'could not audit a refused import'));
  return outcome;
}

async function finishFailed(
  deps: IngestDeps,
  importId: number,
  outcome: Pick<IngestOutcome, 'asOf' | 'sha256' | 'rows'>,
  bytes: number,
  errors: ImportError[],
): Promise<void> {
  const record = (): Promise<void> =>
    finishImport(deps.knex, importId, {
      status: 'failed',
      asOf: outcome.asOf,
      sha256: outcome.sha256,
      snapshotId: null,
      rows: outcome.rows,
      bytes,
      errors: errors.slice(0, REFUSAL_EXAMPLES + 1),
    });
  try {
    await record();
  } catch (err) {
    // The database is what failed: the attempt is marked the moment it answers again, not left
    // "running" until a heartbeat is found stale or the service restarts.
    deps.logger?.error({ err, importId }, 'could not record a failed import; trying again until the database answers');
    retryUntilRecorded(record, importId, deps.logger);
  }
}

const RECORD_RETRY_MS = 2000;
/** After this, stale-import recovery (stale-imports.ts) is left to mark it. */
const RECORD_RETRY_FOR_MS = 15 * 60 * 1000;

function retryUntilRecorded(record: () => Promise<void>, importId: number, logger: Logger | undefined): void {
  const giveUp = Date.now() + RECORD_RETRY_FOR_MS;
  const attempt = (): void => {
    record().then(
      () => logger?.info({ importId }, 'recorded the failed import now that the database answers'),
      (err: unknown) => {
        if (Date.now() < giveUp) setTimeout(attempt, RECORD_RETRY_MS).unref();
        else logger?.error({ err, importId }, 'gave up recording a failed import; stale-import recovery will');
      },
    );
  };
  setTimeout(attempt, RECORD_RETRY_MS).unref();
}

/**
 * The raw archive copy of a plain file on disk (a CLI import) costs no bulk write: the file gets
 * a second name (a hard link) in the archive's temp folder, and is read through it, so renaming or
 * deleting the original cannot touch what is imported. The link lasts until the copy is compressed,
 * which writes a new file (and checks the SHA-256 again) — moments after the import; the CLI waits
 * for it. Gzip files are copied as they are read (they stay archived as sent, so must not share the
 * user's file for good), and so is anything that cannot be linked (another file system).
 */
async function linkPlainFile(request: IngestRequest, linkPath: string): Promise<{ bytes: ByteSource; adoptFile: string | undefined }> {
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
async function drain(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, maxBytes: number | undefined): Promise<number> {
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += chunk.byteLength;
    if (maxBytes !== undefined && bytes > maxBytes) break;
  }
  return bytes;
}

async function removeArchived(dataDir: string, relativePath: string): Promise<void> {
  await unlink(path.join(dataDir, relativePath)).catch(() => undefined);
}

/**
 * Writes rows and bytes so far to the attempt every HEARTBEAT_MS: its progress and its sign of
 * life. The first write comes with the first bytes, so a watcher sees the import under way at once.
 * A write that fails because the database is unreachable (or full) is kept as `failure`, which
 * stops the import at its next chunk.
 */
function startHeartbeat(
  deps: IngestDeps,
  importId: number,
  progress: IngestProgress,
): { first(): void; stop(): Promise<void>; readonly failure: Error | null } {
  const { knex, logger } = deps;
  let inFlight: Promise<void> | null = null;
  let beaten = false;
  let failure: Error | null = null;
  const beat = (): void => {
    beaten = true;
    if (inFlight) return;
    inFlight = recordImportProgress(knex, importId, progress)
      .catch((err: unknown) => {
        logger?.warn({ err, importId }, 'could not record import progress');
        const outage = outageOf(err, placesOf(deps));
        if (outage) failure ??= outage;
      })
      .finally(() => (inFlight = null));
  };
  const timer = setInterval(beat, HEARTBEAT_MS);
  return {
    first() {
      if (!beaten) beat();
    },
    async stop() {
      clearInterval(timer);
      await inFlight;
    },
    get failure() {
      return failure;
    },
  };
}

function percent(part: number, whole: number): string {
  if (whole === 0) return '0 %';
  const value = (100 * part) / whole;
  return `${value >= 1 ? value.toFixed(1).replace(/\.0$/, '') : value.toPrecision(2).replace(/\.?0+$/, '')} %`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
