// The step that makes an import visible: the snapshot, the snapshots it supersedes, any new Users,
// its counts, its rejected rows, the attempt marked imported and the audit entry — in one
// transaction, so that a failure anywhere leaves none of it (SPEC §3.1–3.2).
import type { Knex } from 'knex';
import { insertCounts } from '../../../db/queries/snapshot-counts.ts';
import { addUnregisteredUsers, finishImport, insertRejections, insertSnapshot, supersedeSnapshots } from '../../../db/queries/snapshots.ts';
import { recordAudit } from '../../audit/record.ts';
import { notify } from '../../notifications/events.ts';
import type { ProgrammeSettings } from '../../programme/settings.ts';
import type { ScanResult } from '../format/scan-types.ts';
import type { ReadResult } from '../reading/read-snapshot.ts';
import type { RejectionStore } from '../reading/rejection-store.ts';
import type { AsOfResolution } from './as-of-date.ts';
import type { IngestRequest } from './ingest-types.ts';
import { keepGroups } from './keep-rejections.ts';

/** A file read, accepted and placed in the archive: what is stored of it. */
export interface AcceptedSnapshot {
  importId: number;
  asOf: Extract<AsOfResolution, { ok: true }>;
  sha256: string;
  read: Pick<ReadResult, 'bytes' | 'gzip'>;
  scan: ScanResult;
  /** The rules the counts were computed with. */
  settings: Pick<ProgrammeSettings, 'implementationDate'>;
  register: string[];
  archivePath: string;
  rejections: RejectionStore;
}

/** Stores the snapshot; returns its id and those of the snapshots it superseded for its as-of date. */
export async function storeSnapshot(knex: Knex, request: IngestRequest, accepted: AcceptedSnapshot): Promise<{ snapshotId: number; superseded: number[] }> {
  const { importId, asOf, sha256, read, scan, settings, register, archivePath, rejections } = accepted;
  return knex.transaction(async (trx) => {
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
    await keepGroups(trx, importId, rejections);
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
    await notify(trx, 'snapshot.imported', {
      id: String(importId),
      alsoAccount: request.actor.kind === 'account' ? request.actor.name : null,
      payload: {
        importId,
        snapshotId: id,
        fileName: request.fileName,
        asOf: asOf.asOf,
        source: request.source,
        uploadedBy: request.actor.name,
        rows: scan.rows,
        accepted: scan.accepted,
        rejected: scan.rejected,
        supersedes: replaced.length > 0,
      },
    });
    return { snapshotId: id, superseded: replaced };
  });
}
