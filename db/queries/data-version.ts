// What changed last, as one short string: every change anyone makes is written to the audit log
// (SPEC §2) in the transaction that makes it, and every snapshot adds a row to snapshots. Caches
// of anything read from the database key on this, so every instance sees every change at once.
import type { Knex } from 'knex';
import { readRow } from '../hot-read.ts';

// Both maxima come from their primary-key indexes. It runs for every page request: db/hot-read.ts.
const SQL = 'select (select max(id) from audit_log) as audit, (select max(id) from snapshots) as snapshots';

export async function readDataVersion(knex: Knex): Promise<string> {
  const row = await readRow<{ audit: number | string | null; snapshots: number | string | null }>(knex, SQL);
  return `${String(row?.audit ?? 0)}:${String(row?.snapshots ?? 0)}`;
}
