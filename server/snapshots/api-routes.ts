// Snapshots on the HTTP API (SPEC §6.2), for the DCC's systems: POST the file as the request body
// (streamed through the same ingest as every other way in), list snapshots, read one with its
// counts and rejected rows.
import { readCounts } from '../../db/queries/snapshot-counts.ts';
import { findSnapshot, listRejections, listSnapshots } from '../../db/queries/snapshots.ts';
import { allow, type Routes } from '../auth/access.ts';
import { actorOf } from '../auth/roles.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import type { Snapshot, SnapshotImport, SnapshotList } from '../http/api-schemas.ts';
import { requestIdOf } from '../http/request-id.ts';
import type { RouteContext } from '../http/route-context.ts';
import { assertContentLengthWithin, closeAfterResponse, expectedBytesOf, UnsupportedMediaTypeError } from './http-upload.ts';
import { describeError, ingestSnapshot, outcomeJson } from './ingest/ingest-snapshot.ts';
import { countsByUser, summaryOf } from './snapshot-views.ts';

/** Reasons listed in a 422 answer; the import record keeps more. */
const REFUSAL_REASONS_SENT = 1000;

export function registerSnapshotApi(routes: Routes, ctx: RouteContext): void {
  const { knex, config } = ctx;
  const roles = allow('secas', 'dcc');

  routes.post('/api/v1/snapshots', roles, async (req, res) => {
    if (req.is('application/x-www-form-urlencoded') || req.is('multipart/form-data')) {
      throw new UnsupportedMediaTypeError(
        'Send the snapshot file itself as the request body, with Content-Type text/csv, application/gzip or application/octet-stream ' +
          '(for curl: --data-binary @FILE -H "Content-Type: application/octet-stream").',
      );
    }
    closeAfterResponse(req, res);
    assertContentLengthWithin(req, config.uploadMaxBytes, false);
    const asOf = typeof req.query.asOf === 'string' ? req.query.asOf : undefined;
    const fileName = typeof req.query.fileName === 'string' && req.query.fileName.trim() !== '' ? req.query.fileName.trim() : 'api-upload';
    const outcome = await ingestSnapshot(
      { knex, dataDir: config.dataDir, logger: ctx.logger, databaseFile: ctx.db.file, metrics: ctx.metrics },
      {
        source: 'api',
        fileName,
        asOf,
        actor: actorOf(req.principal!),
        origin: { requestId: requestIdOf(req), ip: req.ip ?? null },
        bytes: { kind: 'stream', chunks: req, expectedBytes: expectedBytesOf(req, false) },
        maxBytes: config.uploadMaxBytes,
        drainOnRefusal: true,
      },
    );
    if (outcome.status === 'failed') {
      const first = outcome.errors[0] ? describeError(outcome.errors[0]) : 'the file was refused';
      throw new ValidationError(
        `The snapshot was refused and nothing of it was stored (import ${outcome.importId}): ${first}`,
        outcome.errors.slice(0, REFUSAL_REASONS_SENT).map((e) => ({ field: 'file', message: e.reason, ...(e.line === null ? {} : { line: e.line }) })),
      );
    }
    const body: SnapshotImport = { importId: outcome.importId, ...outcomeJson(outcome), status: outcome.status };
    res.status(outcome.status === 'imported' ? 201 : 200).json(body);
  });

  routes.get('/api/v1/snapshots', roles, async (_req, res) => {
    const body: SnapshotList = { snapshots: (await listSnapshots(knex)).map(summaryOf) };
    res.json(body);
  });

  routes.get('/api/v1/snapshots/:id', roles, async (req, res) => {
    const id = Number(req.params.id);
    const snapshot = Number.isSafeInteger(id) && id > 0 ? await findSnapshot(knex, id) : undefined;
    if (!snapshot) throw new NotFoundError(`There is no snapshot ${JSON.stringify(req.params.id)}; GET /api/v1/snapshots lists them.`);
    const [counts, rejections] = await Promise.all([readCounts(knex, snapshot.id), listRejections(knex, snapshot.id, { offset: 0, limit: snapshot.rejected })]);
    const { users, total } = countsByUser(counts);
    const body: Snapshot = {
      ...summaryOf(snapshot),
      users: users.map((u) => ({ userId: u.userId, name: u.name, registered: u.registered, esme: u.esme, gsme: u.gsme, total: u.total })),
      total: { esme: total.esme, gsme: total.gsme, total: total.total },
      rejections,
    };
    res.json(body);
  });
}
