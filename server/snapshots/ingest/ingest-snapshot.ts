// The one way a snapshot file gets in (CLI, web upload, API, drop folder): record the attempt,
// stream the bytes once (read-snapshot.ts), decide, and write the snapshot, its counts, its
// rejected rows and any new Users in one transaction at the end — all of it or, for a refused
// file, none of it (SPEC §3.1–3.2).
//
// This file sequences the steps; each step is a module of its own: reading the upload
// (upload-source.ts, with import-heartbeat.ts reporting progress), storing an accepted snapshot
// (store-snapshot.ts), and ending an attempt that stores none (end-import.ts).
import { mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { findSnapshotBySha256, insertImport, listRejections, readMapRegister } from '../../../db/queries/snapshots.ts';
import { PayloadTooLargeError } from '../../errors.ts';
import { secondsSince } from '../../metrics/sink.ts';
import { outageOf } from '../../outage.ts';
import { loadSettings } from '../../programme/settings.ts';
import { archiveRelativePath, importTempPaths, INSTANCE, placeInArchive, removeImportTemps, scheduleCompression, tempDir } from './archive.ts';
import { resolveAsOf } from './as-of-date.ts';
import { readSnapshot, type ReadResult } from '../reading/read-snapshot.ts';
import { withinRejectRatio } from '../format/reject-ratio.ts';
import { RejectionStore } from '../reading/rejection-store.ts';
import { createScanner } from '../format/scanner.ts';
import { failStaleImports } from './stale-imports.ts';
import { duplicateOf, finishFailed, refuse, REFUSAL_EXAMPLES } from './end-import.ts';
import { startHeartbeat } from './import-heartbeat.ts';
import { placesOf, type ImportError, type IngestDeps, type IngestOutcome, type IngestProgress, type IngestRequest } from './ingest-types.ts';
import { keepRefusedRejections, pruneRefusedRows } from './keep-rejections.ts';
import { storeSnapshot } from './store-snapshot.ts';
import { drain, linkPlainFile } from './upload-source.ts';

/** Rejected rows kept in memory; beyond this they go to a spill file (rejection-store.ts). */
const REJECTIONS_IN_MEMORY = 10_000;

/** Imports under way in this process, so a shutdown can let them finish or record their failure. */
const inFlight = new Set<Promise<IngestOutcome>>();

export function ingestSnapshot(deps: IngestDeps, request: IngestRequest): Promise<IngestOutcome> {
  const work = counted(deps, request);
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

/** The import, its outcome counted for the metrics: a returned 'failed' is a refusal, a throw a failure (or, past the size limit, a refusal). */
async function counted(deps: IngestDeps, request: IngestRequest): Promise<IngestOutcome> {
  const started = performance.now();
  const count = (outcome: 'imported' | 'duplicate' | 'refused' | 'failed', rows: number): void =>
    deps.metrics?.snapshotImport({ source: request.source, outcome, rows, seconds: secondsSince(started) });
  try {
    const outcome = await ingest(deps, request);
    count(outcome.status === 'failed' ? 'refused' : outcome.status, outcome.rows);
    return outcome;
  } catch (err) {
    count(err instanceof PayloadTooLargeError ? 'refused' : 'failed', 0);
    throw err;
  }
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
        `${thousands(scan.rejected)} of the ${thousands(scan.rows)} data rows were rejected (${percent(scan.rejected, scan.rows)}), more than the ` +
        `${percent(settings.maxRejectRatio, 1)} the max_reject_ratio setting (${settings.maxRejectRatio}) allows, so nothing was imported`;
      const examples = rejections.first().slice(0, REFUSAL_EXAMPLES);
      await keepRefusedRejections(knex, importId, rejections);
      const refused = await refuse(deps, request, { ...counted, sha256, status: 'failed', errors: [{ line: null, reason }, ...examples] }, read.bytes);
      await pruneRefusedRows(knex).catch((err: unknown) => deps.logger?.warn({ err }, 'could not remove the rows of older refusals'));
      return refused;
    }

    const archivePath = archiveRelativePath(sha256, read.gzip);
    await placeInArchive(dataDir, source.adoptFile ?? temps.copy, archivePath);
    let snapshotId: number;
    let superseded: number[];
    try {
      ({ snapshotId, superseded } = await storeSnapshot(knex, request, {
        importId,
        asOf,
        sha256,
        read,
        scan,
        settings,
        register,
        archivePath,
        rejections,
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
      {
        importId,
        snapshotId,
        asOf: asOf.asOf,
        rows: scan.rows,
        rejected: scan.rejected,
        bytes: read.bytes,
        gzip: read.gzip,
        threads: read.threads,
        source: request.source,
      },
      'imported a snapshot',
    );
    if (!read.gzip && request.leaveCompressionToJob !== true) void scheduleCompression(deps, { id: snapshotId, sha256, archive_path: archivePath });
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

async function removeArchived(dataDir: string, relativePath: string): Promise<void> {
  await unlink(path.join(dataDir, relativePath)).catch(() => undefined);
}

function percent(part: number, whole: number): string {
  if (whole === 0) return '0 %';
  const value = (100 * part) / whole;
  return `${value >= 1 ? value.toFixed(1).replace(/\.0$/, '') : value.toPrecision(2).replace(/\.?0+$/, '')} %`;
}

function thousands(n: number): string {
  return n.toLocaleString('en-GB');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
