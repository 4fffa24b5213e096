// How an import attempt ends when no snapshot of its own is stored: as a duplicate of one already
// imported, refused (its reason recorded and audited), or failed — recorded even when the database
// that failed comes back only later.
import { finishImport, listRejections, type SnapshotRow } from '../../../db/queries/snapshots.ts';
import { recordAudit } from '../../audit/record.ts';
import { notify } from '../../notifications/events.ts';
import type { Logger } from '../../logger.ts';
import type { ImportError, IngestDeps, IngestOutcome, IngestRequest } from './ingest-types.ts';

/** Reasons told in the e-mail and webhook about a refusal; the Snapshots page has them all. */
const REASONS_TOLD = 20;

/** Rejected rows listed after the reason when a file is refused for too many of them. */
export const REFUSAL_EXAMPLES = 1000;

/** Records the attempt as a duplicate of a snapshot already stored, and answers with that snapshot. */
export async function duplicateOf(deps: IngestDeps, request: IngestRequest, importId: number, existing: SnapshotRow, bytes: number): Promise<IngestOutcome> {
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
    {
      action: 'snapshot.import-duplicate',
      entity: 'snapshot',
      entityId: existing.id,
      after: { fileName: request.fileName, sha256: existing.sha256, source: request.source },
    },
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
export async function refuse(deps: IngestDeps, request: IngestRequest, outcome: IngestOutcome, bytes: number): Promise<IngestOutcome> {
  await finishFailed(deps, outcome.importId, outcome, bytes, outcome.errors, true);
  // The refusal's audit entry and its messages (to whoever uploaded it, and SECAS) go together.
  await deps.knex
    .transaction(async (trx) => {
      await recordAudit(
        trx,
        request.actor,
        {
          action: 'snapshot.import-refused',
          entity: 'snapshot-import',
          entityId: outcome.importId,
          after: { fileName: request.fileName, source: request.source, sha256: outcome.sha256, reason: outcome.errors[0]?.reason ?? null },
        },
        request.origin,
      );
      await notify(trx, 'snapshot.refused', {
        id: String(outcome.importId),
        alsoAccount: request.actor.kind === 'account' ? request.actor.name : null,
        payload: {
          importId: outcome.importId,
          fileName: request.fileName,
          asOf: outcome.asOf,
          source: request.source,
          uploadedBy: request.actor.name,
          reasons: outcome.errors.slice(0, REASONS_TOLD).map((e) => ({ line: e.line, reason: e.reason })),
          more: Math.max(0, outcome.errors.length - REASONS_TOLD),
        },
      });
    })
    .catch((err: unknown) => deps.logger?.error({ err }, 'could not audit a refused import'));
  return outcome;
}

export async function finishFailed(
  deps: IngestDeps,
  importId: number,
  outcome: Pick<IngestOutcome, 'asOf' | 'sha256' | 'rows'> & { rejected?: number },
  bytes: number,
  errors: ImportError[],
  refused = false,
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
      refused,
      ...(refused && outcome.rejected !== undefined ? { rejected: outcome.rejected } : {}),
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
