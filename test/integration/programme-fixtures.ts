// Test data for the programme and progress tests, put straight into the tables as the snapshot
// ingest leaves them (issue 3's code is not needed to test what is built on top): snapshots with
// full per-User counts, superseded uploads, Users a snapshot added unregistered.
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { up as shipBankHolidays } from '../../db/migrations/20261128G2-ship-bank-holidays.ts';

/** One fuel as [inScope, completed, invalid?, newMissing?]; outstanding follows (SPEC §3.2). */
export type FuelRow = [inScope: number, completed: number, invalid?: number, newMissing?: number];

export interface SnapshotCounts {
  esme?: FuelRow;
  gsme?: FuelRow;
}

const AT = '2026-11-28 12:00:00.000';

/**
 * Inserts a snapshot and its counts as the ingest would, adding any User it names that is not in
 * the register as unregistered, named by its ID (SPEC §3.3). With `supersedes`, the earlier
 * snapshot of the same as-of date is marked superseded by this one. Returns the new id.
 */
export async function insertSnapshot(knex: Knex, asOf: string, counts: Record<string, SnapshotCounts>, options: { supersedes?: number } = {}): Promise<number> {
  const known = new Set((await knex('dcc_users').select('user_id')).map((row: { user_id: string }) => row.user_id));
  const unknown = Object.keys(counts).filter((userId) => !known.has(userId));
  if (unknown.length > 0) {
    await knex('dcc_users').insert(unknown.map((userId) => ({ user_id: userId, name: userId, registered: false, created_at: AT, updated_at: AT })));
  }
  const [id] = await knex('snapshots').insert({
    as_of: asOf,
    sha256: randomBytes(32).toString('hex'),
    file_name: `smi-${asOf}.csv`,
    byte_size: 1000,
    gzip: false,
    archive_path: `archive/${asOf}.csv.gz`,
    rows: 100,
    accepted: 100,
    rejected: 0,
    source: 'cli',
    uploaded_by: 'test',
    imported_at: AT,
  });
  const snapshotId = Number(id);
  const rows = Object.entries(counts).flatMap(([userId, fuels]) =>
    (['ESME', 'GSME'] as const).flatMap((fuel) => {
      const row = fuel === 'ESME' ? fuels.esme : fuels.gsme;
      if (!row) return [];
      const [inScope, completed, invalid = 0, newMissing = 0] = row;
      return [{ snapshot_id: snapshotId, user_id: userId, fuel, in_scope: inScope, completed, invalid, new_missing: newMissing }];
    }),
  );
  if (rows.length > 0) await knex('snapshot_counts').insert(rows);
  if (options.supersedes !== undefined) await knex('snapshots').where({ id: options.supersedes }).update({ superseded_by: snapshotId });
  return snapshotId;
}

/** Empties every programme table and restores the shipped holidays, so each case starts from the same place. */
export async function clearProgramme(knex: Knex): Promise<void> {
  await knex('snapshot_counts').delete();
  await knex('snapshots').update({ superseded_by: null });
  await knex('snapshots').delete();
  for (const table of ['enforcement_actions', 'declaration_history', 'declarations', 'allowances', 'deadlines', 'settings', 'map_register', 'audit_log']) {
    await knex(table).delete();
  }
  await knex('dcc_users').delete();
  await knex('holidays').where({ source: 'manual' }).delete();
  // The data migration is idempotent: it puts back only shipped days a test removed.
  await shipBankHolidays(knex);
}
