// Snapshot pages (SPEC §6.1): the list with the upload form, the streamed upload itself, the
// import's progress for the page's script, each snapshot's result with its rejected rows, and the
// outstanding devices of one User as CSV. The API is in api-routes.ts.
import { readCounts } from '../../db/queries/snapshot-counts.ts';
import type { Request, Response } from 'express';
import {
  countSnapshots,
  findImport,
  findLatestImportOf,
  findSnapshot,
  lastImportId,
  listRecentUnstoredImports,
  listRejections,
  listRunningImports,
  listSnapshots,
  listSnapshotsByIds,
  listSupersededBy,
  type ImportRow,
  type SnapshotRow,
} from '../../db/queries/snapshots.ts';
import { allow, type Routes } from '../auth/access.ts';
import { actorOf } from '../auth/roles.ts';
import { BadRequestError, NotFoundError, ValidationError } from '../errors.ts';
import { pageHrefs, paged, paginationView, pageWindow } from '../http/pagination.ts';
import { requestIdOf } from '../http/request-id.ts';
import type { RouteContext } from '../http/route-context.ts';
import { normaliseEui64 } from './format/eui64.ts';
import { registerSnapshotApi } from './api-routes.ts';
import { assertContentLengthWithin, closeAfterResponse, expectedBytesOf, UnsupportedMediaTypeError } from './http-upload.ts';
import { ingestSnapshot, outcomeJson } from './ingest/ingest-snapshot.ts';
import type { IngestOutcome } from './ingest/ingest-types.ts';
import { receiveFile } from './multipart-upload.ts';
import { formatBytes } from './reading/too-large.ts';
import { writeOutstandingCsv } from './outstanding-export.ts';
import { countsByUser, importViewOf, summaryOf } from './snapshot-views.ts';
import { attemptViews, snapshotRejectionViews } from './rejection-summaries.ts';
import { snapshotStatusOf, type AttemptView } from './rejection-views.ts';
import { writeRejectedCsv } from './rejected-export.ts';

/** Reasons shown on the upload page when a file is refused; the rest are in the import record. */
const REFUSAL_REASONS_SHOWN = 50;

const SNAPSHOT_ROLES = allow('secas', 'dcc');

export function registerSnapshotRoutes(routes: Routes, ctx: RouteContext): void {
  const { knex, config, pages } = ctx;
  const deps = { knex, dataDir: config.dataDir, logger: ctx.logger, databaseFile: ctx.db.file, metrics: ctx.metrics };

  const listPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200): Promise<void> => {
    const window = pageWindow(req.query.page, await countSnapshots(knex));
    const [snapshots, running, unstored, afterImportId] = await Promise.all([
      listSnapshots(knex, { offset: window.offset, limit: window.size }),
      listRunningImports(knex),
      listRecentUnstoredImports(knex, 10),
      lastImportId(knex),
    ]);
    const [successors, rejected, attempts] = await Promise.all([
      listSnapshotsByIds(
        knex,
        snapshots.flatMap((s) => (s.superseded_by === null ? [] : [s.superseded_by])),
      ),
      snapshotRejectionViews(knex, snapshots, ctx.logger),
      attemptViews(knex, unstored),
    ]);
    const rows = snapshots.map((row) => ({
      ...summaryOf(row),
      ...snapshotStatusOf(
        row,
        successors.find((s) => s.id === row.superseded_by),
      ),
      sizeText: formatBytes(row.byte_size),
      rejectedRows: rejected.get(row.id) ?? null,
    }));
    pages.page(
      req,
      res,
      'snapshots',
      {
        title: 'Snapshots',
        snapshots: rows,
        withRejections: rows.filter((r) => r.rejectedRows !== null),
        pagination: paginationView(window, 'Pages of snapshots', pageHrefs(req, '/snapshots', { fragment: 'list-title' })),
        running: running.map(importViewOf).map((v) => ({ ...v, bytesText: formatBytes(v.bytes ?? 0) })),
        attempts,
        afterImportId,
        maxBytes: config.uploadMaxBytes,
        maxBytesText: formatBytes(config.uploadMaxBytes),
        styles: ['snapshots.css'],
        scripts: ['/assets/upload.js'],
        ...extra,
      },
      status,
    );
  };

  routes.get('/snapshots', SNAPSHOT_ROLES, async (req, res) => {
    await listPage(req, res);
  });

  // Streams the file through the ingest as it arrives. Without JavaScript the browser gets the
  // result page (or the form again with the reasons); the page's script asks for JSON.
  routes.post('/snapshots', SNAPSHOT_ROLES, async (req, res) => {
    if (!req.is('multipart/form-data')) {
      throw new UnsupportedMediaTypeError('Send the snapshot file with the upload form on the Snapshots page (a multipart/form-data upload).');
    }
    const wantsJson = req.accepts(['html', 'json']) === 'json';
    closeAfterResponse(req, res);
    assertContentLengthWithin(req, config.uploadMaxBytes, true);
    let file;
    try {
      file = await receiveFile(req, 'file');
    } catch (err) {
      throw new BadRequestError(`The upload could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (file === null) {
      const message = 'Choose the snapshot file to upload (CSV, or CSV compressed with gzip).';
      if (wantsJson) throw new ValidationError(message, [{ field: 'file', message }]);
      return listPage(req, res, { uploadError: message, errorField: 'file' }, 422);
    }
    const outcome = await ingestSnapshot(deps, {
      source: 'web',
      fileName: file.fileName,
      asOf: file.fields.asOf,
      actor: actorOf(req.principal!),
      origin: { requestId: requestIdOf(req), ip: req.ip ?? null },
      bytes: { kind: 'stream', chunks: file.stream, expectedBytes: expectedBytesOf(req, true) },
      maxBytes: config.uploadMaxBytes,
      drainOnRefusal: true,
    });
    const location = outcome.snapshotId === null ? null : `/snapshots/${outcome.snapshotId}?import=${outcome.importId}`;
    // What the page shows of a refusal: its reason and its rejected rows grouped by reason.
    const refusal = location === null ? await refusalOf(outcome.importId) : null;
    if (wantsJson) {
      res.status(statusOf(outcome)).json({ importId: outcome.importId, ...outcomeJson(outcome), location, refusal });
      return;
    }
    if (location !== null) {
      res.redirect(303, location);
      return;
    }
    await listPage(
      req,
      res,
      {
        uploadError: `${file.fileName} was not imported. Nothing of it was stored.`,
        refusal,
        // A file refused for its rejected rows lists them by reason, then its first ones by line.
        refusalReasons: refusal?.rejected ? [] : outcome.errors.slice(0, REFUSAL_REASONS_SHOWN),
        refusalRows: refusal?.rejected ? outcome.errors.filter((e) => e.line !== null).slice(0, REFUSAL_REASONS_SHOWN) : [],
        asOf: file.fields.asOf ?? '',
      },
      422,
    );
  });

  // Polled by the upload page's script while its upload runs: the attempt's rows and bytes so far.
  routes.get('/snapshots/import-progress', SNAPSHOT_ROLES, async (req, res) => {
    const fileName = typeof req.query.file === 'string' ? req.query.file : '';
    const after = Number(req.query.after);
    const found =
      fileName === '' || !Number.isSafeInteger(after)
        ? undefined
        : await findLatestImportOf(knex, { uploadedBy: actorOf(req.principal!).name, fileName, afterId: after });
    res.set('Cache-Control', 'no-store');
    if (!found) {
      res.json({ status: 'waiting' });
      return;
    }
    const reason = found.status === 'failed' ? importViewOf(found).errors[0] : undefined;
    res.json({
      importId: found.id,
      status: found.status,
      refused: found.refused,
      reason: reason === undefined ? null : reason.reason,
      rows: found.rows ?? 0,
      bytes: found.bytes_read ?? 0,
      snapshotId: found.snapshot_id,
    });
  });

  // Every rejected row of one import, for fixing the extract: an accepted snapshot's or a refused file's.
  routes.get('/snapshots/imports/:importId/rejected.csv', SNAPSHOT_ROLES, async (req, res) => {
    const id = Number(req.params.importId);
    const found = Number.isSafeInteger(id) && id > 0 ? await findImport(knex, id) : undefined;
    if (!found) throw new NotFoundError('There is no import with this number. Start again from the Snapshots page.');
    const of = found.status === 'imported' && found.snapshot_id !== null ? { snapshotId: found.snapshot_id } : { importId: found.id };
    res.type('text/csv; charset=utf-8');
    res.attachment(`rejected-rows-import-${found.id}-${found.file_name.replace(/\.(csv|gz)$/giu, '').replace(/[^\w.-]+/gu, '_')}.csv`);
    res.set('Cache-Control', 'no-store');
    await writeRejectedCsv(knex, of, res);
  });

  routes.get('/snapshots/:id', SNAPSHOT_ROLES, async (req, res) => {
    const snapshot = await snapshotParam(req);
    const path = `/snapshots/${snapshot.id}`;
    // Two lists page on their own: the rejected rows (?page=N) and the Users' counts (?userPage=N).
    // The import's notice belongs to the page the upload lands on, not to the pages after it.
    const rejectedWindow = pageWindow(req.query.page, snapshot.rejected);
    const [counts, rejections, supersedes, importRow, grouped] = await Promise.all([
      readCounts(knex, snapshot.id),
      listRejections(knex, snapshot.id, { offset: rejectedWindow.offset, limit: rejectedWindow.size }),
      listSupersededBy(knex, snapshot.id),
      importParam(req),
      snapshotRejectionViews(knex, [snapshot], ctx.logger),
    ]);
    const { users, total } = countsByUser(counts);
    const usersShown = paged(req, users, { path, label: 'Pages of Users', param: 'userPage', fragment: 'counts-title', omit: ['import'] });
    pages.page(req, res, 'snapshot', {
      title: `Snapshot as of ${snapshot.as_of}`,
      snapshot: summaryOf(snapshot),
      sizeText: formatBytes(snapshot.byte_size),
      users: usersShown.rows,
      usersPagination: usersShown.pagination,
      total,
      supersedes,
      rejections,
      rejectedRows: grouped.get(snapshot.id) ?? null,
      pagination: paginationView(rejectedWindow, 'Pages of rejected rows', pageHrefs(req, path, { fragment: 'rejected-title', omit: ['import'] })),
      outcome: importRow !== undefined && importRow.snapshot_id === snapshot.id ? importRow.status : null,
      canExport: req.principal?.role === 'secas',
      styles: ['snapshots.css'],
    });
  });

  routes.get('/snapshots/:id/outstanding.csv', allow('secas'), async (req, res) => {
    const snapshot = await snapshotParam(req);
    const raw = typeof req.query.user === 'string' ? req.query.user : '';
    const userId = normaliseEui64(raw);
    if (userId === null) {
      const message = `"${raw}" is not a User ID (an EUI-64: 16 hex digits, bare or as 8 pairs joined by "-" or ":").`;
      throw new ValidationError(message, [{ field: 'user', message }]);
    }
    const counted = (await readCounts(knex, snapshot.id)).some((c) => c.userId === userId);
    if (!counted) throw new NotFoundError(`User ${userId} has no devices in snapshot ${snapshot.id} (as of ${snapshot.as_of}).`);
    res.type('text/csv; charset=utf-8');
    res.attachment(`outstanding-${userId}-${snapshot.as_of}-snapshot-${snapshot.id}.csv`);
    res.set('Cache-Control', 'no-store');
    await writeOutstandingCsv(deps, snapshot, userId, res);
  });

  registerSnapshotApi(routes, ctx);

  async function snapshotParam(req: Request): Promise<SnapshotRow> {
    const id = Number(req.params.id);
    const snapshot = Number.isSafeInteger(id) && id > 0 ? await findSnapshot(knex, id) : undefined;
    if (!snapshot) throw new NotFoundError('There is no snapshot with this number. Start again from the Snapshots page.');
    return snapshot;
  }

  async function refusalOf(importId: number): Promise<AttemptView | null> {
    const found = await findImport(knex, importId);
    return found ? ((await attemptViews(knex, [found]))[0] ?? null) : null;
  }

  async function importParam(req: Request): Promise<ImportRow | undefined> {
    const id = Number(req.query.import);
    return Number.isSafeInteger(id) && id > 0 ? findImport(knex, id) : undefined;
  }
}

export function statusOf(outcome: IngestOutcome): number {
  if (outcome.status === 'imported') return 201;
  if (outcome.status === 'duplicate') return 200;
  return 422;
}
