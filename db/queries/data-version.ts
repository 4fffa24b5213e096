// What changed last, as one short string: every change anyone makes is written to the audit log
// (SPEC §2) in the transaction that makes it, and every snapshot adds a row to snapshots. Caches
// of anything read from the database key on this, so every instance sees every change at once.
import type { Knex } from 'knex';

// Both maxima come from their primary-key indexes. Raw SQL: this runs for every page request, and
// the query builder would compile the same statement each time.
const SQL = 'select (select max(id) from audit_log) as audit, (select max(id) from snapshots) as snapshots';

export async function readDataVersion(knex: Knex): Promise<string> {
  const result = (await knex.raw(SQL)) as unknown[];
  // better-sqlite3 answers with the rows; mysql2 with [rows, fields].
  const rows = (Array.isArray(result[0]) ? result[0] : result) as Array<{ audit: number | string | null; snapshots: number | string | null }>;
  const row = rows[0];
  return `${String(row?.audit ?? 0)}:${String(row?.snapshots ?? 0)}`;
}
